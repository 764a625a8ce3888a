/* duty_review: 履职审核 in the staff workspace, for staff and admins - the records deputies of
 * their region entered themselves and that wait for confirmation (GET /api/v1/duty-records?
 * state=pending), each with its photos as thumbnails, its text, and what its rule asks as
 * evidence; 确认 counts it (POST .../confirm), 退回 sends it back with a reason the deputy reads
 * (POST .../reject {reason}). The list is read again after each step, never patched by guess. */

import {t} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {say, once} from './forms.js';
import {field, textOf} from './inbox_common.js';
import {word, dayEl, loadRules, problem, lostBy, thumbnails, submitter, hideSection} from './duty_common.js';

const PAGE = 50;

const state = {
  me: null,
  lost: () => false,
  items: [],
  next: null,
  rules: [],
  rejecting: null,   /* the id of the record whose reason form is open */
  seq: 0
};

const nameOf = (r) => (r.deputy && r.deputy.name) || '';

async function load() {
  const seq = ++state.seq;
  say('dr-error', null);
  try {
    const data = await api('GET', `/api/v1/duty-records?${new URLSearchParams({state: 'pending', limit: String(PAGE)})}`);
    if (seq !== state.seq)
      return;
    state.items = (data && data.items) || [];
    state.next = (data && data.next) || null;
  } catch (err) {
    if (!state.lost(err) && seq === state.seq)
      say('dr-error', () => problem(err));
    return;
  }
  render();
}

/* What the record lacks that its rule asks for, in words, or null. */
function lacking(r, rule) {
  if (!rule)
    return null;
  if (rule.evidence === 'photo' && !(r.photos || []).length)
    return t('duty.review.no_photo');
  if (rule.evidence === 'text' && [...(r.body || '').trim()].length < 10)
    return t('duty.review.no_body');
  return null;
}

function rejectForm(r) {
  const id = `dr-reject-${r.id}`;
  const form = h('form', {id, class: 'action-form', novalidate: true, 'aria-labelledby': `${id}-heading`},
    h('h4', {id: `${id}-heading`}, t('duty.review.reject.label', {name: nameOf(r), title: r.title})),
    field(id, 'reason', 'duty.review.reason', {required: true, max: 500, hintKey: 'duty.review.reason.hint'}),
    h('p', {id: `${id}-error`, class: 'form-error', role: 'alert'}),
    h('div', {class: 'form-actions'},
      h('button', {type: 'submit', class: 'danger'}, t('duty.review.reject.submit')),
      h('button', {type: 'button', class: 'secondary', onclick: () => {
        state.rejecting = null;
        render();
        $(`dr-item-${r.id}`)?.querySelector('button[data-reject]')?.focus();
      }}, t('duty.cancel'))));
  return submitter(form, `${id}-error`, state.lost, async () => {
    await step(r, 'reject', {reason: textOf(form, 'reason')});
  });
}

/* Confirms or rejects r (a refusal is thrown to the caller), then reads the queue again. */
async function step(r, action, body) {
  await api('POST', `/api/v1/duty-records/${r.id}/${action}`, body);
  state.rejecting = null;
  const words = {name: nameOf(r), title: r.title};
  say('dr-notice', () => t(action === 'confirm' ? 'duty.review.confirmed' : 'duty.review.rejected', words));
  await load();
  $('dr-notice').focus();
}

function item(r) {
  const rule = state.rules.find((x) => x.kind === r.kind);
  const lack = lacking(r, rule);
  const words = {name: nameOf(r), title: r.title};
  return h('li', {id: `dr-item-${r.id}`, class: 'duty-record duty-review-item', 'data-record': String(r.id)},
    h('p', {class: 'duty-record-head'}, h('strong', {class: 'duty-record-title'}, r.title)),
    h('p', {class: 'item-meta'}, `${t('duty.review.deputy')}${t('field.separator')}${nameOf(r)} · `, dayEl(r.happened_on),
      ` · ${word('kind', r.kind)}`),
    rule ? h('p', {class: 'hint'}, t('duty.review.rule', {points: rule.points, evidence: word('evidence', rule.evidence)}))
      : null,
    lack ? h('p', {class: 'badge flag-warn'}, lack) : null,
    r.body ? h('p', {class: 'prose duty-record-body'}, r.body) : null,
    thumbnails(r),
    h('p', {id: `dr-item-${r.id}-error`, class: 'form-error', role: 'alert'}),
    h('div', {class: 'step-buttons duty-review-buttons'},
      h('button', {type: 'button', class: 'primary', 'data-confirm': String(r.id),
        'aria-label': t('duty.review.confirm.label', words)}, t('duty.review.confirm')),
      h('button', {type: 'button', class: 'secondary', 'data-reject': String(r.id), 'aria-expanded':
        String(state.rejecting === r.id), 'aria-label': t('duty.review.reject.label', words)}, t('duty.review.reject'))),
    state.rejecting === r.id ? rejectForm(r) : null);
}

function onClick(event) {
  const button = event.target.closest('button');
  if (!button)
    return;
  const r = state.items.find((x) => String(x.id) === (button.dataset.confirm || button.dataset.reject));
  if (!r)
    return;
  if (button.dataset.reject) {
    state.rejecting = state.rejecting === r.id ? null : r.id;
    render();
    if (state.rejecting)
      $(`dr-reject-${r.id}-reason`).focus();
    return;
  }
  say(`dr-item-${r.id}-error`, null);
  once(button, () => step(r, 'confirm', {}).catch((err) => {
    if (state.lost(err))
      return;
    say(`dr-item-${r.id}-error`, () => problem(err));
    $(`dr-item-${r.id}`).querySelector('button[data-confirm]').focus();
  }));
}

export function render() {
  const list = $('dr-list');
  if (!state.me || !list)
    return;
  list.replaceChildren(...state.items.map(item));
  const n = state.items.length;
  say('dr-count', () => (n ? t(state.next ? 'duty.review.count.more' : 'duty.review.count', {n}) : t('duty.review.empty')));
}

/* Shows the queue to staff and admins; options.onSessionLost runs on a 401. */
export async function show(me, options = {}) {
  state.me = me;
  state.lost = lostBy(options.onSessionLost || (() => {}));
  state.items = [];
  state.rejecting = null;
  $('duty-review-view').hidden = false;
  const list = h('ul', {id: 'dr-list', class: 'duty-records'});
  list.addEventListener('click', onClick);
  $('duty-review-root').replaceChildren(
    h('p', {class: 'muted', 'data-i18n': 'duty.review.intro'}, t('duty.review.intro')),
    h('p', {id: 'dr-count', class: 'inbox-count', role: 'status'}),
    h('p', {id: 'dr-notice', class: 'notice', role: 'status', tabindex: '-1'}),
    h('p', {id: 'dr-error', class: 'form-error', role: 'alert'}),
    list);
  try {
    state.rules = await loadRules();
  } catch (err) {
    if (state.lost(err))
      return;
  }
  await load();
}

export function hide() {
  state.me = null;
  state.seq++;
  hideSection('duty-review-view', 'duty-review-root');
}
