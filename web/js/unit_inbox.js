/* unit_inbox: 交办件 - what a handling unit's account sees in the workspace: the referrals sent
 * to its unit (GET /api/v1/referrals?state=open|all), each with the opinion's content, place and
 * the due date (flagged 预警 or 超期 when near or past), and the steps of the referral: 签收
 * accept, 答复 reply, 申请延期 ask for more working days, 退回 return as mis-routed.
 *
 * A step answers with the referral as it now is, which replaces its card. When the referral
 * moved meanwhile (staff answered the request for more time, say) the server answers 409: the
 * card is read again and the clerk is told. */

import {t} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {regionName} from './regions.js';
import {say, capitalize, clearFormError, showFormError, missingField, once} from './forms.js';
import {details} from './record.js';
import {word, beijingTime, flagOf, flagBadge, badge, reason, problemText, field, textOf, daysOf, actionForm, PagedList}
  from './inbox_common.js';

const PAGE = 20;
const EXTENSION_MAX = 30; /* working days a unit may ask for at once */

/* The steps of a referral in each of its open states. */
const STEPS = {
  sent: ['accept', 'reply', 'extension', 'return'],
  accepted: ['reply', 'extension', 'return']
};

const state = {
  me: null,
  onSessionLost: () => {},
  filter: 'open',
  list: null,             /* the referrals shown (PagedList) */
  step: null              /* {id, step}: the step whose form is open */
};

function lost(err) {
  if (err && err.status === 401) {
    state.onSessionLost();
    return true;
  }
  return false;
}

/* ---- one referral ---------------------------------------------------------------------------- */

function stepsOf(r) {
  const list = STEPS[r.state] || [];
  return r.extension_pending ? list.filter((s) => s !== 'extension') : list;
}

function card(r) {
  const o = r.opinion || {};
  const id = `unit-r-${r.id}`;
  const open = r.state === 'sent' || r.state === 'accepted';
  const place = [regionName(o.region) || o.region, o.location].filter(Boolean).join(' · ');
  const buttons = stepsOf(r).map((s) => h('button', {type: 'button', class: s === 'accept' ? 'primary' : 'secondary',
    'data-step': s, 'aria-controls': `${id}-form`, 'aria-expanded': s === 'accept' ? null : String(Boolean(state.step &&
      state.step.id === r.id && state.step.step === s))}, t(`unitbox.step.${s}`)));
  return h('li', {class: 'unit-card', 'data-id': r.id},
    h('article', {'aria-labelledby': `${id}-heading`},
      h('h3', {id: `${id}-heading`, tabindex: '-1'}, t('unitbox.item', {code: o.tracking_code || `#${r.id}`})),
      h('p', {class: 'badges'}, badge('state', word('refstate', r.state)), ' ', open ? flagBadge(flagOf(r.due)) : null,
        r.extension_pending ? badge('flag-warn', t('unitbox.extension.pending_badge')) : null),
      details([
        ['inbox.field.content', h('span', {class: 'prose'}, o.content)],
        ['inbox.field.place', place],
        ['unitbox.field.sent', beijingTime(r.created_at)],
        ['unitbox.field.due', beijingTime(r.due)],
        ['unitbox.field.extension', r.extension_days
          ? t(r.extension_pending ? 'unitbox.extension.pending' : 'unitbox.extension.asked', {days: r.extension_days})
          : null],
        ['unitbox.field.reply', r.reply ? h('span', {class: 'prose'}, r.reply) : null]
      ]),
      h('p', {id: `${id}-notice`, class: 'notice', role: 'status'}),
      h('p', {id: `${id}-error`, class: 'form-error', role: 'alert'}),
      buttons.length ? h('div', {class: 'step-buttons', role: 'group', 'aria-label': t('unitbox.steps')}, buttons) : null,
      h('div', {id: `${id}-form`})));
}

function replaceCard(r) {
  const at = state.list.items.findIndex((x) => x.id === r.id);
  if (at >= 0)
    state.list.items[at] = r;
  const old = $('unit-list').querySelector(`li[data-id="${r.id}"]`);
  if (old)
    old.replaceWith(card(r));
}

/* ---- steps -------------------------------------------------------------------------------------- */

const FORMS = {
  reply: () => ({
    fields: (p) => [field(p, 'text', 'unitbox.field.reply_text', {required: true, hintKey: 'unitbox.hint.reply'})],
    body: (form) => ({text: textOf(form, 'text')})
  }),
  extension: () => ({
    fields: (p) => [field(p, 'days', 'unitbox.field.days', {type: 'days', required: true, hintKey: 'unitbox.hint.days'}),
      field(p, 'text', 'unitbox.field.extension_reason', {required: true})],
    body: (form) => {
      const {days, error} = daysOf(form, 'days', EXTENSION_MAX);
      return error ? {error} : {days, text: textOf(form, 'text')};
    }
  }),
  return: () => ({
    fields: (p) => [field(p, 'text', 'unitbox.field.return_reason', {required: true, hintKey: 'unitbox.hint.return'})],
    body: (form) => ({text: textOf(form, 'text')})
  })
};

function closeForm(id, focus) {
  const was = state.step;
  state.step = null;
  const slot = $(`unit-r-${id}-form`);
  if (slot)
    slot.replaceChildren();
  const li = $('unit-list').querySelector(`li[data-id="${id}"]`);
  if (!li)
    return;
  for (const b of li.querySelectorAll('button[aria-expanded]'))
    b.setAttribute('aria-expanded', 'false');
  if (focus && was) {
    const button = li.querySelector(`button[data-step="${was.step}"]`);
    if (button)
      button.focus();
  }
}

function openForm(r, step) {
  if (state.step)
    closeForm(state.step.id, false);
  state.step = {id: r.id, step};
  const li = $('unit-list').querySelector(`li[data-id="${r.id}"]`);
  for (const b of li.querySelectorAll('button[aria-expanded]'))
    b.setAttribute('aria-expanded', String(b.dataset.step === step));
  const made = FORMS[step]();
  const id = `unit-r-${r.id}-${step}`;
  const form = actionForm({
    id,
    headingKey: `unitbox.step.${step}`,
    fields: made.fields(id),
    submitKey: 'inbox.submit',
    onSubmit: (f) => send(f, r.id, step, made.body),
    onCancel: () => closeForm(r.id, true)
  });
  $(`unit-r-${r.id}-form`).replaceChildren(form);
  form.querySelector('input, textarea').focus();
}

/* Reads referral id again after a 409 and says why the step was refused. */
async function changedMeanwhile(id, err) {
  closeForm(id, false);
  try {
    replaceCard(await api('GET', `/api/v1/referrals/${id}`));
  } catch (again) {
    if (!lost(again))
      say(`unit-r-${id}-error`, () => capitalize(problemText(again)));
    return;
  }
  const now = err.body && err.body.error ? err.body.error.state : '';
  say(`unit-r-${id}-error`, () => (now === 'extension_pending' ? t('unitbox.conflict.extension')
    : t('unitbox.conflict', {state: word('refstate', now)})));
  $(`unit-r-${id}-heading`).focus();
}

async function post(id, step, body) {
  const path = step === 'extension' ? 'extension' : step;
  const r = await api('POST', `/api/v1/referrals/${id}/${path}`, body);
  state.step = null;
  replaceCard(r);
  say(`unit-r-${id}-notice`, () => t(`unitbox.done.${step}`));
  $(`unit-r-${id}-heading`).focus();
}

function send(form, id, step, makeBody) {
  once(form, async () => {
    const errorId = `${form.id}-error`;
    clearFormError(form, errorId);
    const missing = missingField(form);
    const body = missing ? {error: missing} : makeBody(form);
    if (body.error) {
      showFormError(form, errorId, body.error, reason).focus();
      return;
    }
    try {
      await post(id, step, body);
    } catch (err) {
      if (lost(err))
        return;
      if (err.status === 409)
        return changedMeanwhile(id, err);
      const el = showFormError(form, errorId, err, reason);
      if (el)
        el.focus();
    }
  });
}

async function accept(button, id) {
  if (button.getAttribute('aria-disabled') === 'true')
    return;
  button.setAttribute('aria-disabled', 'true');
  say(`unit-r-${id}-error`, null);
  try {
    await post(id, 'accept', {});
  } catch (err) {
    button.removeAttribute('aria-disabled');
    if (lost(err))
      return;
    if (err.status === 409)
      return changedMeanwhile(id, err);
    say(`unit-r-${id}-error`, () => capitalize(problemText(err)));
  }
}

function onStep(event) {
  const button = event.target.closest('button[data-step]');
  if (!button)
    return;
  const id = Number(button.closest('li[data-id]').dataset.id);
  const r = state.list.items.find((x) => x.id === id);
  if (!r)
    return;
  if (button.dataset.step === 'accept')
    accept(button, id);
  else
    openForm(r, button.dataset.step);
}

/* ---- the list ------------------------------------------------------------------------------------ */

function renderList() {
  const list = $('unit-list');
  if (!list)
    return;
  state.step = null; /* a form open on the old list is gone with it */
  list.replaceChildren(...state.list.items.map(card));
  $('unit-more').hidden = !state.list.next;
}

function build() {
  const filter = h('form', {id: 'unit-filter', class: 'inbox-filters', role: 'search', novalidate: true,
    'aria-label': t('unitbox.filters'), 'data-i18n-aria-label': 'unitbox.filters'},
  field('unit', 'state', 'inbox.filter.state', {type: 'select', value: state.filter, options: [
    ['open', t('unitbox.filter.open'), 'unitbox.filter.open'], ['all', t('unitbox.filter.all'), 'unitbox.filter.all']]}),
  h('div', {class: 'form-actions'},
    h('button', {type: 'submit', class: 'primary', 'data-i18n': 'inbox.filter.apply'}, t('inbox.filter.apply'))));
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    state.filter = filter.elements.namedItem('state').value === 'all' ? 'all' : 'open';
    state.list.load();
  });
  const list = h('ul', {id: 'unit-list', class: 'unit-list'});
  list.addEventListener('click', onStep);
  $('unit-root').replaceChildren(filter,
    h('p', {id: 'unit-count', class: 'inbox-count', role: 'status'}),
    h('p', {id: 'unit-error', class: 'form-error', role: 'alert'}),
    list,
    h('button', {id: 'unit-more', type: 'button', class: 'secondary', 'data-i18n': 'inbox.more', hidden: true}, t('inbox.more')));
  $('unit-more').addEventListener('click', () => state.list.load(true));
  state.list = new PagedList({
    path: '/api/v1/referrals',
    query: () => new URLSearchParams({state: state.filter, limit: String(PAGE)}),
    regionOf: (r) => r.opinion && r.opinion.region,
    render: renderList,
    statusId: 'unit-count',
    errorId: 'unit-error',
    countText: () => state.list.count(state.filter === 'open' ? 'unitbox.empty.open' : 'unitbox.empty'),
    lost
  });
}

/* ---- entry points (staff.js) --------------------------------------------------------------------- */

/* Shows the unit's referrals; options.onSessionLost runs on a 401. */
export async function show(me, options = {}) {
  state.me = me;
  state.onSessionLost = options.onSessionLost || (() => {});
  state.filter = 'open';
  state.step = null;
  $('unit-view').hidden = false;
  build();
  await state.list.load();
}

export function hide() {
  state.me = null;
  if (state.list)
    state.list.reset();
  const view = $('unit-view');
  if (view) {
    view.hidden = true;
    $('unit-root').replaceChildren();
  }
}

/* Words of the current language on every card but one with an open form (which follows
 * data-i18n, and keeps what was typed). */
export function render() {
  if (!state.me)
    return;
  for (const r of state.list.items)
    if (!state.step || state.step.id !== r.id)
      replaceCard(r);
}
