/* search: 全文检索 in the staff workspace, for staff and admins - one box over the opinions and
 * answers, suggestions and replies, and duty records of the account's region (GET
 * /api/v1/search), newest first, paged with "next". Each hit shows the parts of its texts that
 * matched, the words marked with <mark>; the text is never read as markup. An opinion opens in
 * the inbox.
 *
 * The one idea: results are drawn from state alone, so a language switch redraws them. */

import './strings/search.js';
import {t} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {say, capitalize, errorText} from './forms.js';
import {beijingTime} from './inbox_common.js';

const MAX_CHARS = 200;
const PAGE = 20;
/* who may look where: the server refuses the rest (a search needs the right to list the kind) */
const KINDS = {admin: ['opinion', 'suggestion', 'duty'], staff: ['opinion', 'duty']};

const state = {
  me: null,
  onSessionLost: () => {},
  openOpinion: null,
  query: null,      /* {q, kind} of the results shown */
  items: [],
  next: null,
  partial: false,
  seq: 0
};

function build() {
  const kinds = KINDS[state.me.role] || [];
  const form = h('form', {id: 'search-form', class: 'search-form', role: 'search', novalidate: true},
    h('div', {class: 'field'},
      h('label', {for: 'search-q', 'data-i18n': 'search.q'}, t('search.q')),
      h('p', {id: 'search-q-hint', class: 'hint', 'data-i18n': 'search.q.hint'}, t('search.q.hint')),
      h('input', {id: 'search-q', name: 'q', type: 'search', maxlength: String(MAX_CHARS), autocomplete: 'off',
        'aria-describedby': 'search-q-hint search-error'})),
    h('div', {class: 'field'},
      h('label', {for: 'search-kind', 'data-i18n': 'search.kind'}, t('search.kind')),
      h('select', {id: 'search-kind', name: 'kind'},
        kinds.map((k) => h('option', {value: k, 'data-i18n': `search.kind.${k}`}, t(`search.kind.${k}`))))),
    h('button', {type: 'submit', 'data-i18n': 'search.go'}, t('search.go')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    find();
  });
  const more = h('button', {id: 'search-more', type: 'button', class: 'secondary', hidden: true,
    'data-i18n': 'search.more'}, t('search.more'));
  more.addEventListener('click', () => load(true));
  $('search-root').replaceChildren(
    h('p', {class: 'muted', 'data-i18n': 'search.intro'}, t('search.intro')),
    form,
    h('p', {id: 'search-error', class: 'form-error', role: 'alert'}),
    h('p', {id: 'search-status', class: 'muted', role: 'status'}),
    h('ol', {id: 'search-results', class: 'search-results'}),
    more);
}

function find() {
  const input = $('search-q');
  const q = input.value.trim();
  const problem = !q ? 'search.err.q' : [...q].length > MAX_CHARS ? 'search.err.long' : null;
  input.setAttribute('aria-invalid', String(Boolean(problem)));
  say('search-error', problem ? () => t(problem) : null);
  if (problem) {
    input.focus();
    return;
  }
  state.query = {q, kind: $('search-kind').value};
  load(false);
}

async function load(more) {
  const seq = ++state.seq;
  say('search-status', () => t('search.loading'));
  $('search-results').setAttribute('aria-busy', 'true');
  try {
    const params = new URLSearchParams({...state.query, limit: String(PAGE)});
    if (more && state.next)
      params.set('before', String(state.next));
    const data = await api('GET', `/api/v1/search?${params}`);
    if (seq !== state.seq)
      return;
    state.items = more ? state.items.concat(data.items) : data.items;
    state.next = data.next;
    state.partial = data.partial;
  } catch (err) {
    if (seq !== state.seq)
      return;
    if (err.status === 401)
      return state.onSessionLost();
    state.items = [];
    state.next = null;
    say('search-status', () => t('search.error', {message: capitalize(errorText(err))}));
    $('search-results').setAttribute('aria-busy', 'false');
    render();
    return;
  }
  $('search-results').setAttribute('aria-busy', 'false');
  render();
}

/* A matched text as pieces, the words that matched in <mark>. */
function snippet(match) {
  return h('p', {class: 'search-snippet'},
    h('span', {class: 'search-field'}, t(`search.field.${match.field}`)), ' ',
    match.cut_before ? '…' : '',
    match.pieces.map((p) => p.hit ? h('mark', null, p.text) : p.text),
    match.cut_after ? '…' : '');
}

function hit(item) {
  const title = item.kind === 'opinion' && state.openOpinion
    ? h('button', {type: 'button', class: 'link search-open', 'data-id': String(item.id)}, item.label)
    : h('span', {class: 'search-label'}, item.label);
  return h('li', {'data-kind': item.kind, 'data-id': String(item.id)},
    h('p', {class: 'search-head'},
      h('span', {class: 'badge'}, t(`search.kind.label.${item.kind}`)), ' ', title, ' ',
      h('time', {class: 'muted', datetime: new Date(item.created_at * 1000).toISOString()}, beijingTime(item.created_at))),
    item.matches.map(snippet));
}

export function render() {
  const list = $('search-results');
  if (!list || !state.query)
    return;
  list.replaceChildren(...state.items.map(hit));
  $('search-more').hidden = !state.next;
  const n = state.items.length;
  say('search-status', () => [
    n ? t(state.next ? 'search.count.more' : 'search.count', {n}) : t('search.none', {q: state.query.q}),
    state.partial ? t('search.partial') : ''
  ].filter(Boolean).join(' '));
}

function onOpen(event) {
  const button = event.target.closest('button.search-open');
  if (button)
    state.openOpinion(Number(button.dataset.id));
}

/* Shows the section to staff and admins; openOpinion(id) shows an opinion in the inbox. */
export function show(me, {onSessionLost, openOpinion}) {
  state.me = me;
  state.onSessionLost = onSessionLost;
  state.openOpinion = openOpinion || null;
  state.query = null;
  state.items = [];
  $('search-view').hidden = false;
  build();
  $('search-results').addEventListener('click', onOpen);
}
