/* members_view: 联系代表 in the staff workspace.
 *
 * For a standing-committee member: the deputies they keep in touch with, each with the year's
 * score and rank, the obligations behind, the open suggestions and the last contact (GET
 * /api/v1/members/me), then the contact log (GET /api/v1/members/me/contacts) and a form to add
 * a contact (POST, the deputy one of theirs).
 *
 * For an admin: the members of the region with the deputies each keeps in touch with (GET
 * /api/v1/members); fewer than 4 or more than 7 is marked with a warning in words, and a member's
 * deputies can be changed (PUT /api/v1/members/:user_id/deputies) - a count outside the range is
 * saved anyway and said. */

import {t, getLang} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {say} from './forms.js';
import {field, textOf} from './inbox_common.js';
import {beijingDay} from './activities.js';
import {thisYear, dayEl, problem, lostBy, submitter, hideSection} from './duty_common.js';

const CHANNELS = ['visit', 'phone', 'meeting', 'online', 'other'];
const FOUND = 20;
const P = 'mv';

const state = {
  me: null,
  lost: () => false,
  board: null,      /* the member's dashboard */
  contacts: [],
  members: [],      /* an admin's list */
  editing: null,    /* {member, chosen: Map id -> name} */
  found: []
};

const channelName = (c) => t(`duty.member.channel.${c}`);

function warningBadge(warning) {
  return warning ? h('span', {class: 'badge flag-warn'}, t(`duty.member.warning.${warning}`)) : null;
}

/* ---- the member's dashboard ------------------------------------------------------------------ */

async function loadMine() {
  say(`${P}-error`, null);
  try {
    const [board, contacts] = await Promise.all([api('GET', '/api/v1/members/me'),
      api('GET', '/api/v1/members/me/contacts')]);
    state.board = board;
    state.contacts = (contacts && contacts.items) || [];
  } catch (err) {
    if (!state.lost(err))
      say(`${P}-error`, () => problem(err));
    return;
  }
  renderMine();
}

const deputiesOf = (board) => (board && (board.deputies || board.items)) || [];

/* The obligations a deputy is behind on: how many, and their names when the server lists them. */
function behindOf(d) {
  const list = Array.isArray(d.behind) ? d.behind : [];
  const n = d.obligations_behind ?? list.length;
  const names = list.map((b) => (b.rule ? (getLang() === 'en' && b.rule.name_en) || b.rule.name : '')).filter(Boolean);
  return {n, names};
}

/* A linked deputy as a card a phone can show: name and score, the obligations behind by name,
 * open suggestions and the last contact. */
function deputyItem(d) {
  const last = d.last_contact || null;
  const behind = behindOf(d);
  const open = Array.isArray(d.open_suggestions) ? d.open_suggestions.length : (d.open_suggestions ?? 0);
  return h('li', {class: 'duty-member-deputy', 'data-deputy': String(d.id)},
    h('p', {class: 'duty-record-head'}, h('a', {href: `/deputy.html?id=${d.id}`}, h('strong', null, d.name)), ' ',
      d.score !== undefined && d.score !== null
        ? h('span', null, t('duty.member.score.value', {score: d.score, rank: d.rank ?? '-'})) : null),
    h('p', null, `${t('duty.member.behind')}${t('field.separator')}`,
      behind.n ? h('span', {class: 'badge flag-warn'}, String(behind.n)) : '0',
      behind.names.length ? ` ${behind.names.join(t('duty.member.separator'))}` : null),
    h('p', {class: 'item-meta'}, `${t('duty.member.open_suggestions')}${t('field.separator')}${open} · `,
      `${t('duty.member.last_contact')}${t('field.separator')}`, last ? dayEl(String(last).slice(0, 10)) : t('duty.member.never')));
}

function contactItem(c) {
  const name = (c.deputy && c.deputy.name) || (deputiesOf(state.board).find((d) => d.id === c.deputy_id) || {}).name || '';
  return h('li', {'data-contact': String(c.id)},
    h('p', {class: 'item-meta'}, dayEl(c.happened_on), ` · ${name} · ${channelName(c.channel)}`),
    h('p', {class: 'prose'}, c.note));
}

function contactForm(deputies) {
  const id = `${P}-log`;
  const form = h('form', {id, class: 'action-form', novalidate: true, 'aria-labelledby': `${id}-heading`},
    h('h4', {id: `${id}-heading`}, t('duty.member.log.form')),
    field(id, 'deputy_id', 'duty.member.log.deputy', {type: 'select', required: true,
      options: [['', t('duty.member.choose')], ...deputies.map((d) => [String(d.id), d.name])]}),
    h('div', {class: 'row-fields'},
      h('div', {class: 'field', 'data-field': 'happened_on'},
        h('label', {for: `${id}-date`}, h('span', {'data-field-label': true}, t('duty.member.log.date'))),
        h('input', {id: `${id}-date`, name: 'happened_on', type: 'date', required: true, value: beijingDay(), max: beijingDay(),
          'aria-describedby': `${id}-date-error`}),
        h('p', {class: 'field-error', id: `${id}-date-error`})),
      field(id, 'channel', 'duty.member.log.channel', {type: 'select', required: true, value: 'visit',
        options: CHANNELS.map((c) => [c, channelName(c)])})),
    field(id, 'note', 'duty.member.log.note', {required: true, max: 2000}),
    h('p', {id: `${id}-error`, class: 'form-error', role: 'alert'}),
    h('button', {type: 'submit', class: 'primary'}, t('duty.member.log.submit')));
  return submitter(form, `${id}-error`, state.lost, async () => {
    const deputyId = Number(form.elements.namedItem('deputy_id').value);
    await api('POST', '/api/v1/members/me/contacts', {deputy_id: deputyId, happened_on: textOf(form, 'happened_on'),
      channel: form.elements.namedItem('channel').value, note: textOf(form, 'note')});
    const name = (deputies.find((d) => d.id === deputyId) || {}).name || '';
    say(`${P}-notice`, () => t('duty.member.log.saved', {name}));
    await loadMine();
    $(`${P}-notice`).focus();
  });
}

function renderMine() {
  const box = $(`${P}-result`);
  if (!box || !state.board)
    return;
  const deputies = deputiesOf(state.board);
  const year = state.board.year || thisYear();
  if (!deputies.length) {
    box.replaceChildren(h('p', {class: 'notice'}, t('duty.member.none')));
    return;
  }
  box.replaceChildren(
    h('h3', {id: `${P}-deputies-heading`}, t('duty.member.caption', {year})),
    h('ul', {id: `${P}-deputies`, class: 'duty-records', 'aria-labelledby': `${P}-deputies-heading`}, deputies.map(deputyItem)),
    h('h3', {id: `${P}-log-list-heading`}, t('duty.member.log.heading')),
    state.contacts.length
      ? h('ul', {id: `${P}-contacts`, class: 'duty-contacts', 'aria-labelledby': `${P}-log-list-heading`},
        state.contacts.map(contactItem))
      : h('p', {class: 'muted'}, t('duty.member.log.empty')),
    contactForm(deputies));
}

/* ---- the admin's list -------------------------------------------------------------------- */

async function loadMembers() {
  say(`${P}-error`, null);
  try {
    const data = await api('GET', '/api/v1/members');
    state.members = (data && data.items) || [];
  } catch (err) {
    if (!state.lost(err))
      say(`${P}-error`, () => problem(err));
    return;
  }
  renderMembers();
}

const memberName = (m) => (m.user && (m.user.display_name || m.user.username)) || '';

function memberItem(m) {
  const name = memberName(m);
  return h('li', {class: 'duty-member-deputy', 'data-member': String(m.user.id)},
    h('p', {class: 'duty-record-head'}, h('strong', null, name), ' ',
      h('span', null, t('duty.member.admin.count.value', {n: m.count ?? (m.deputies || []).length})), ' ',
      warningBadge(m.warning)),
    h('p', {class: 'item-meta'}, (m.deputies || []).map((d) => d.name).join(t('duty.member.separator')) || '-'),
    h('button', {type: 'button', class: 'secondary small', 'data-member-edit': String(m.user.id),
      'aria-label': t('duty.member.admin.edit.label', {name})}, t('duty.member.admin.edit')));
}

function chosenList() {
  const e = state.editing;
  const ul = $(`${P}-chosen`);
  if (!e || !ul)
    return;
  ul.replaceChildren(...[...e.chosen].map(([id, name]) => h('li', null, name, ' ',
    h('button', {type: 'button', class: 'secondary small', 'data-remove': String(id),
      'aria-label': t('duty.member.admin.remove.label', {name})}, t('duty.member.admin.remove')))));
  say(`${P}-chosen-status`, () => t('duty.member.admin.chosen', {n: e.chosen.size}));
}

async function findDeputies() {
  const q = new URLSearchParams({region: state.me.region, limit: String(FOUND)});
  const text = $(`${P}-q`).value.trim();
  if (text)
    q.set('q', text);
  say(`${P}-found-status`, () => t('duty.loading'));
  try {
    const data = await api('GET', `/api/v1/deputies?${q}`);
    state.found = ((data && data.items) || []).filter((d) => !state.editing.chosen.has(d.id));
  } catch (err) {
    if (!state.lost(err))
      say(`${P}-found-status`, () => problem(err));
    return;
  }
  $(`${P}-found`).replaceChildren(...state.found.map((d) => h('li', null,
    h('button', {type: 'button', class: 'secondary small', 'data-add': String(d.id), 'data-name': d.name},
      t('duty.member.admin.add', {name: d.name})))));
  say(`${P}-found-status`, () => (state.found.length ? t('duty.member.admin.found', {n: state.found.length})
    : t('duty.member.admin.nobody')));
}

function memberForm() {
  const e = state.editing;
  const name = memberName(e.member);
  const form = h('form', {id: `${P}-member-form`, class: 'action-form', novalidate: true,
    'aria-labelledby': `${P}-member-heading`},
  h('h4', {id: `${P}-member-heading`, tabindex: '-1'}, t('duty.member.admin.form', {name})),
  h('p', {id: `${P}-chosen-status`, class: 'muted', role: 'status'}),
  h('ul', {id: `${P}-chosen`, class: 'plain-list'}),
  h('div', {class: 'search-row'},
    h('label', {for: `${P}-q`, class: 'visually-hidden'}, t('duty.member.admin.search')),
    h('input', {id: `${P}-q`, type: 'search', autocomplete: 'off', placeholder: t('duty.member.admin.search')}),
    h('button', {type: 'button', id: `${P}-find`, class: 'secondary'}, t('duty.member.admin.search.submit'))),
  h('p', {id: `${P}-found-status`, class: 'muted', role: 'status'}),
  h('ul', {id: `${P}-found`, class: 'plain-list'}),
  h('p', {id: `${P}-member-error`, class: 'form-error', role: 'alert'}),
  h('div', {class: 'form-actions'},
    h('button', {type: 'submit', class: 'primary'}, t('duty.member.admin.save')),
    h('button', {type: 'button', class: 'secondary', onclick: () => closeMember()}, t('duty.cancel'))));
  form.addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (!button)
      return;
    if (button.dataset.add) {
      state.editing.chosen.set(Number(button.dataset.add), button.dataset.name);
      button.closest('li').remove();
      chosenList();
      $(`${P}-q`).focus();
    } else if (button.dataset.remove) {
      state.editing.chosen.delete(Number(button.dataset.remove));
      chosenList();
      $(`${P}-q`).focus();
    } else if (button.id === `${P}-find`) {
      findDeputies();
    }
  });
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && event.target.id === `${P}-q`) {
      event.preventDefault();
      findDeputies();
    }
  });
  return submitter(form, `${P}-member-error`, state.lost, async () => {
    const saved = await api('PUT', `/api/v1/members/${e.member.user.id}/deputies`, {deputies: [...e.chosen.keys()]});
    const n = saved && saved.count !== undefined ? saved.count : e.chosen.size;
    const warning = saved && saved.warning;
    say(`${P}-notice`, () => (warning ? t('duty.member.admin.saved.warning', {name, n,
      warning: t(`duty.member.warning.${warning}`)}) : t('duty.member.admin.saved', {name, n})));
    state.editing = null;
    await loadMembers();
    $(`${P}-notice`).focus();
  });
}

function closeMember() {
  const id = state.editing && state.editing.member.user.id;
  state.editing = null;
  renderMembers();
  document.querySelector(`button[data-member-edit="${id}"]`)?.focus();
}

function renderMembers() {
  const box = $(`${P}-result`);
  if (!box)
    return;
  const warned = state.members.filter((m) => m.warning).length;
  const list = h('ul', {id: `${P}-members`, class: 'duty-records', 'aria-label': t('duty.member.admin.caption')},
    state.members.map(memberItem));
  list.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-member-edit]');
    const m = button && state.members.find((x) => String(x.user.id) === button.dataset.memberEdit);
    if (!m)
      return;
    state.editing = {member: m, chosen: new Map((m.deputies || []).map((d) => [d.id, d.name]))};
    renderMembers();
    $(`${P}-member-heading`).focus();
  });
  box.replaceChildren(...[
    warned ? h('p', {class: 'notice duty-warn'}, t('duty.member.admin.warnings', {n: warned})) : null,
    state.members.length ? list : h('p', {class: 'muted'}, t('duty.member.admin.empty')),
    state.editing ? memberForm() : null].filter(Boolean));
  chosenList();
}

/* ---- the section --------------------------------------------------------------------------- */

function build() {
  const admin = state.me.role === 'admin';
  const heading = $('members-view').querySelector('h2');
  heading.dataset.i18n = admin ? 'duty.member.admin.heading' : 'duty.member.heading';
  heading.textContent = t(heading.dataset.i18n);
  $('members-root').replaceChildren(
    h('p', {class: 'muted'}, t(admin ? 'duty.member.admin.intro' : 'duty.member.intro')),
    h('p', {id: `${P}-notice`, class: 'notice', role: 'status', tabindex: '-1'}),
    h('p', {id: `${P}-error`, class: 'form-error', role: 'alert'}),
    h('div', {id: `${P}-result`}));
}

/* Shows the member's dashboard, or an admin's list of members; options.onSessionLost on a 401. */
export async function show(me, options = {}) {
  state.me = me;
  state.lost = lostBy(options.onSessionLost || (() => {}));
  state.board = null;
  state.members = [];
  state.editing = null;
  $('members-view').hidden = false;
  build();
  await (me.role === 'admin' ? loadMembers() : loadMine());
}

export function hide() {
  state.me = null;
  hideSection('members-view', 'members-root');
}

export function render() {
  if (!state.me || !$(`${P}-result`))
    return;
  build();
  if (state.me.role === 'admin')
    renderMembers();
  else
    renderMine();
}
