/* inbox_detail: one opinion in the staff workspace (GET /api/v1/opinions/{id}): its content,
 * place, channel and deadlines in Beijing time, the referrals to units with their state (and a
 * pending request for more time, which staff grant or refuse), the full timeline, the
 * constituent's contact details on request (each view is in the audit log), and the steps its
 * state allows, each a small form posted to /api/v1/opinions/{id}/<step>.
 *
 * Which steps are offered follows the state (SPEC §3); the server decides again. When someone
 * else moved the opinion meanwhile it answers 409 illegal_transition: the opinion is read again
 * and the clerk is told. Deputies read, answer and record a rating; they triage nothing. */

import {t} from './i18n.js';
import {api} from './api.js';
import {h, telHref} from './dom.js';
import {regionName, learnNames} from './regions.js';
import {say, capitalize, clearFormError, showFormError, missingField, once} from './forms.js';
import {details} from './record.js';
import {URGENCIES, TIERS, RATINGS, word, beijingTime, flagOf, flagBadge, stateBadge, badge, loadCategories,
  categoryLabel, recordName, countyOf, loadAll, reason, problemText, field, textOf, daysOf, actionForm}
  from './inbox_common.js';

const FORM = 'inbox-act';     /* the id of the open step's form, and the prefix of its fields */
const DEPUTY_PAGE = 50;       /* deputies offered per search */
const TEXT_MAX = 5000;

/* The steps offered from each state: staff and admins, and deputies (answer and rate only). */
const STAFF_STEPS = {
  registered: ['triage', 'merge', 'reject'],
  triaged: ['resolve', 'refer', 'to_suggestion', 'keep', 'merge', 'reject'],
  in_progress: ['answer', 'resolve', 'refer', 'to_suggestion', 'keep'],
  answered: ['rate']
};
const DEPUTY_STEPS = {in_progress: ['answer']}; /* a rating taken by phone is staff's to record */
const PATHS = {to_suggestion: 'to-suggestion'};

const current = {
  box: null,
  id: null,
  ctx: null,            /* {me, listed, onSessionLost, open(id), back(changed)} */
  opinion: null,
  names: {},            /* {station, deputy, owner}: names of the records it points at */
  contact: null,        /* what GET .../contact answered, once asked */
  changed: false,       /* something was done here: the list is read again on the way back */
  step: null,           /* the step whose form is open */
  generation: 0
};

const $in = (id) => (current.box ? current.box.querySelector(`#${id}`) : null);

function staffRole() {
  return current.ctx && (current.ctx.me.role === 'staff' || current.ctx.me.role === 'admin');
}

function lost(err) {
  return current.ctx && current.ctx.onSessionLost(err);
}

/* ---- reading -------------------------------------------------------------------------------- */

async function learn(o) {
  const [station, deputy, owner] = await Promise.all([
    recordName('stations', o.station_id),
    recordName('deputies', o.deputy_id),
    recordName('deputies', o.owner_deputy_id),
    learnNames([o.region]),
    loadCategories().catch(() => [])
  ]);
  current.names = {station, deputy, owner};
}

/* Reads the opinion again (after a 409, or a step on one of its referrals) and shows it. */
async function reread() {
  const generation = current.generation;
  const o = await api('GET', `/api/v1/opinions/${current.id}`);
  if (generation !== current.generation)
    return false;
  await show(o);
  return true;
}

/* ---- the facts ------------------------------------------------------------------------------ */

/* The list's flag (counted in working days) while the deadline is the one listed; else ours. */
function flagNow(o) {
  const listed = current.ctx.listed;
  return listed && listed.due === o.due ? listed.flag : flagOf(o.due);
}

function deadline(unix, flag) {
  if (!unix)
    return null;
  return h('span', null, beijingTime(unix), flag ? ' ' : null, flagBadge(flag));
}

function owner(o) {
  if (!o.owner_user_id)
    return null;
  const me = current.ctx.me;
  return o.owner_user_id === me.id ? t('inbox.me', {name: me.display_name}) : `#${o.owner_user_id}`;
}

async function facts(o) {
  const categories = await loadCategories().catch(() => []);
  const place = [regionName(o.region) || o.region, o.location].filter(Boolean).join(' · ');
  const rating = o.rating ? [word('rating', o.rating), o.rating_comment].filter(Boolean).join(t('field.separator')) : null;
  return details([
    ['inbox.field.content', h('span', {class: 'prose'}, o.content)],
    ['inbox.field.place', place],
    ['inbox.field.attachments', attachments(o)],
    ['inbox.field.category', categoryLabel(categories.find((c) => c.id === o.category_id))],
    ['inbox.field.channel', word('channel', o.channel)],
    ['inbox.field.station', current.names.station],
    ['inbox.field.deputy', current.names.deputy],
    ['inbox.field.created', beijingTime(o.created_at)],
    ['inbox.field.due', deadline(o.due, flagNow(o))],
    ['inbox.field.triage_due', deadline(o.triage_due, null)],
    ['inbox.field.answer_due', deadline(o.answer_due, null)],
    ['inbox.field.urgency', word('urgency', o.urgency)],
    ['inbox.field.tier', o.tier ? word('tier', o.tier) : null],
    ['inbox.field.owner_deputy', current.names.owner],
    ['inbox.field.owner_user', owner(o)],
    ['inbox.field.disposition', o.disposition ? word('action', o.disposition) : null],
    ['inbox.field.suggestion', o.suggestion_id ? t('inbox.suggestion', {id: o.suggestion_id}) : null],
    ['inbox.field.answer', o.answer ? h('span', {class: 'prose'}, o.answer) : null],
    ['inbox.field.rating', rating],
    ['inbox.field.reopens', o.reopens ? t('inbox.reopens', {n: o.reopens}) : null]
  ]);
}

/* Links to the photos and PDFs sent with it: downloads (the server never lets them open inside
 * the workspace). */
function attachments(o) {
  const files = o.attachments || [];
  if (!files.length)
    return null;
  return h('ul', {class: 'plain-list'}, files.map((f, i) => h('li', null,
    h('a', {href: `/api/v1/opinions/${o.id}/attachments/${f.id}`, download: true},
      t('inbox.attachment', {n: i + 1, kind: t(f.mime === 'application/pdf' ? 'inbox.attachment.pdf' : 'inbox.attachment.image'),
        size: Math.max(1, Math.round(f.bytes / 1024))})))));
}

function mergedNote(o) {
  if (!o.master_id)
    return null;
  return h('p', {class: 'merged-note'}, t('inbox.merged_into', {id: o.master_id}), ' ',
    h('button', {type: 'button', class: 'secondary small', onclick: () => current.ctx.open(o.master_id)},
      t('inbox.open_master')));
}

/* ---- contact details ------------------------------------------------------------------------ */

function contactBox() {
  if (!staffRole())
    return null;
  const c = current.contact;
  if (!c) {
    return h('div', {class: 'contact-box'},
      h('button', {type: 'button', class: 'secondary', id: 'inbox-contact-show', onclick: showContact}, t('inbox.contact.show')),
      h('p', {class: 'hint'}, t('inbox.contact.logged_hint')));
  }
  const tel = c.phone ? telHref(c.phone) : null;
  const rows = details([
    ['inbox.contact.name', c.name],
    ['inbox.contact.phone', c.phone ? (tel ? h('a', {href: tel}, c.phone) : c.phone) : null],
    ['inbox.contact.address', c.address]
  ]);
  return h('div', {class: 'contact-box', id: 'inbox-contact'},
    h('h4', {tabindex: '-1'}, t('inbox.contact.heading')),
    rows || h('p', null, t('inbox.contact.none')),
    h('p', {class: 'hint'}, t('inbox.contact.logged')));
}

async function showContact() {
  say('inbox-d-error', null);
  try {
    current.contact = await api('GET', `/api/v1/opinions/${current.id}/contact`);
  } catch (err) {
    if (!lost(err))
      say('inbox-d-error', () => capitalize(problemText(err)));
    return;
  }
  const box = $in('inbox-contact-slot');
  if (box) {
    box.replaceChildren(contactBox());
    (box.querySelector('a[href^="tel:"]') || box.querySelector('h4')).focus();
  }
}

/* ---- referrals -------------------------------------------------------------------------------- */

function referralItem(r) {
  const open = r.state === 'sent' || r.state === 'accepted';
  const decide = (verb) => h('button', {type: 'button', class: verb === 'grant' ? 'primary small' : 'secondary small',
    'data-referral': r.id, 'data-verb': verb}, t(`inbox.extension.${verb}`),
  h('span', {class: 'visually-hidden'}, `${t('field.separator')}${r.unit_name}`));
  return h('li', {class: 'referral', 'data-id': r.id},
    h('p', {class: 'referral-head'}, h('strong', null, r.unit_name), ' ', badge('state', word('refstate', r.state)),
      open ? flagBadge(flagOf(r.due)) : null),
    h('p', null, t('inbox.referral.due', {time: beijingTime(r.due)})),
    r.extension_pending
      ? h('div', {class: 'extension'},
        h('p', null, t('inbox.extension.pending', {days: r.extension_days, reason: r.extension_reason || ''})),
        staffRole() ? h('div', {class: 'row-actions'}, decide('grant'), decide('refuse')) : null)
      : (r.extension_days ? h('p', {class: 'muted'}, t('inbox.extension.asked', {days: r.extension_days})) : null),
    r.reply ? h('p', {class: 'prose'}, h('strong', null, t('inbox.referral.reply')), r.reply) : null);
}

function referrals(o) {
  if (!o.referrals || !o.referrals.length)
    return null;
  const list = h('ul', {class: 'referral-list'}, o.referrals.map(referralItem));
  list.addEventListener('click', onDecide);
  return h('section', {'aria-labelledby': 'inbox-d-referrals'},
    h('h4', {id: 'inbox-d-referrals'}, t('inbox.referrals')), list);
}

async function onDecide(event) {
  const button = event.target.closest('button[data-verb]');
  if (!button || button.getAttribute('aria-disabled') === 'true')
    return;
  button.setAttribute('aria-disabled', 'true');
  const verb = button.dataset.verb;
  say('inbox-d-error', null);
  say('inbox-d-notice', null);
  try {
    const o = await api('POST', `/api/v1/referrals/${button.dataset.referral}/extension/${verb}`, {});
    current.changed = true;
    await show(o);
    say('inbox-d-notice', () => t(`inbox.extension.${verb}.done`));
    $in('inbox-d-referrals').focus();
  } catch (err) {
    button.removeAttribute('aria-disabled');
    if (!lost(err))
      await conflictOr(err);
  }
}

/* ---- timeline ----------------------------------------------------------------------------------- */

/* The rating an event "rate" gave: its own, or (for events recorded before ratings were kept
 * with them) 不满意 when it reopened the item and the item's rating for the last one. */
function ratingOf(e, o, last) {
  if (e.rating)
    return e.rating;
  if (e.to === 'in_progress')
    return 'unsatisfied';
  return last && o.rating ? o.rating : null;
}

/* Who took a step: the constituent, "me", or the account's display name (its username for
 * the server's own steps). */
function actorName(e) {
  if (e.actor === 'constituent')
    return t('inbox.actor.constituent');
  return e.actor === current.ctx.me.username ? t('inbox.actor.me') : e.actor_name || e.actor;
}

function timeline(o) {
  const events = o.timeline || [];
  const lastRate = events.map((e) => e.action).lastIndexOf('rate');
  return h('section', {'aria-labelledby': 'inbox-d-timeline'},
    h('h4', {id: 'inbox-d-timeline'}, t('inbox.timeline')),
    h('ol', {class: 'op-timeline'}, events.map((e, i) => {
      const rating = e.action === 'rate' ? ratingOf(e, o, i === lastRate) : null;
      const what = rating ? t('inbox.action.rate.with', {rating: word('rating', rating)}) : word('action', e.action);
      return h('li', {class: 'timeline-item'},
        h('p', {class: 'timeline-head'},
          h('span', {class: 'timeline-what'}, what),
          h('span', {class: 'item-meta'}, `${beijingTime(e.at)} · ${actorName(e)}`)),
        e.from && e.from !== e.to
          ? h('p', {class: 'item-meta'}, t('inbox.timeline.moved', {from: word('state', e.from), to: word('state', e.to)}))
          : null,
        e.note ? h('p', {class: 'prose'}, h('strong', null, t('inbox.timeline.note')), e.note) : null,
        /* a rating's note is the constituent's own words; any other is what they were told */
        e.public_note ? h('p', {class: 'prose'}, h('strong', null, t(e.action === 'rate' ? 'inbox.timeline.comment'
          : 'inbox.timeline.public_note')), e.public_note) : null);
    })));
}

/* ---- steps ----------------------------------------------------------------------------------------- */

function steps(o) {
  const table = staffRole() ? STAFF_STEPS : DEPUTY_STEPS;
  return table[o.state] || [];
}

function stepButtons(o) {
  const list = steps(o);
  if (!list.length)
    return h('p', {class: 'muted'}, t('inbox.steps.none'));
  return h('div', {class: 'step-buttons', role: 'group', 'aria-labelledby': 'inbox-d-steps'},
    list.map((s) => h('button', {type: 'button', class: 'secondary', 'data-step': s, 'aria-controls': 'inbox-d-form',
      'aria-expanded': String(current.step === s)}, word('step', s))));
}

/* A deputy to pick among those of the county, found by name (GET /api/v1/deputies?q=). */
function deputyPicker(name, labelKey, chosen, chosenName) {
  const id = `${FORM}-${name}`;
  const box = field(FORM, name, labelKey, {type: 'select', options: [['', t('inbox.none'), 'inbox.none']]});
  const search = h('div', {class: 'field deputy-search'},
    h('label', {for: `${id}-q`}, t('inbox.deputy.search')),
    h('div', {class: 'search-row'},
      h('input', {id: `${id}-q`, type: 'search', maxlength: 30, autocomplete: 'off'}),
      h('button', {type: 'button', class: 'secondary'}, t('inbox.deputy.find'))),
    h('p', {class: 'hint', id: `${id}-found`, role: 'status'}));
  const select = box.querySelector('select');
  const input = search.querySelector('input');
  const find = async (quiet) => {
    const keep = select.value;
    const params = {region: countyOf(current.opinion.region)};
    const q = input.value.trim();
    if (q)
      params.q = q;
    let items = [];
    try {
      const data = await api('GET', `/api/v1/deputies?${new URLSearchParams({...params, limit: String(DEPUTY_PAGE)})}`);
      items = (data && data.items) || [];
    } catch (err) {
      if (!lost(err))
        say(`${id}-found`, () => capitalize(problemText(err)));
      return;
    }
    select.replaceChildren(h('option', {value: '', 'data-i18n': 'inbox.none'}, t('inbox.none')),
      ...items.map((d) => h('option', {value: String(d.id)}, d.name)));
    if (keep && !items.some((d) => String(d.id) === keep))
      select.append(h('option', {value: keep}, chosenName || `#${keep}`));
    select.value = keep;
    if (!quiet)
      say(`${id}-found`, () => (items.length ? t('inbox.deputy.found', {n: items.length}) : t('inbox.deputy.none_found')));
  };
  search.querySelector('button').addEventListener('click', () => find(false));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault(); /* finds; does not send the step's form */
      find(false);
    }
  });
  if (chosen) {
    select.append(h('option', {value: String(chosen)}, chosenName || `#${chosen}`));
    select.value = String(chosen);
  }
  find(true); /* the county's first deputies, before any search */
  return [search, box];
}

/* The staff account owning it: nobody, oneself, or (for an admin) another staff account of the county. */
function ownerPicker(o) {
  const me = current.ctx.me;
  const box = field(FORM, 'owner_user_id', 'inbox.field.owner_user', {type: 'select', options: [
    ['', t('inbox.none'), 'inbox.none'], [String(me.id), t('inbox.me', {name: me.display_name})]]});
  const select = box.querySelector('select');
  if (o.owner_user_id && o.owner_user_id !== me.id)
    select.append(h('option', {value: String(o.owner_user_id)}, `#${o.owner_user_id}`));
  select.value = o.owner_user_id ? String(o.owner_user_id) : '';
  if (me.role === 'admin') {
    api('GET', '/api/v1/users?limit=100').then((data) => {
      const county = countyOf(o.region).slice(0, 6);
      for (const u of (data && data.users) || []) {
        if (u.disabled || u.id === me.id || !['staff', 'admin'].includes(u.role) || !u.region.startsWith(county))
          continue;
        if (!select.querySelector(`option[value="${u.id}"]`))
          select.append(h('option', {value: String(u.id)}, u.display_name));
        else
          select.querySelector(`option[value="${u.id}"]`).textContent = u.display_name;
      }
    }).catch((err) => lost(err));
  }
  return box;
}

/* The similar open items of the county (GET .../similar): shown while triaging, picked to merge. */
async function similarItems() {
  const data = await api('GET', `/api/v1/opinions/${current.id}/similar`);
  return (data && data.items) || [];
}

function similarLine(s) {
  return `${s.tracking_code} · ${word('state', s.state)} · ${t('inbox.similarity', {percent: Math.round(s.similarity * 100)})}`;
}

function similarList(items) {
  return h('section', {class: 'similar', 'aria-labelledby': `${FORM}-similar`},
    h('h5', {id: `${FORM}-similar`}, t('inbox.similar')),
    items.length
      ? h('ul', {class: 'similar-list'}, items.map((s) => h('li', null,
        h('span', {class: 'item-meta'}, similarLine(s)), h('span', {class: 'similar-excerpt'}, s.excerpt))))
      : h('p', {class: 'muted'}, t('inbox.similar.none')));
}

function mergeChoices(items) {
  if (!items.length)
    return h('p', {class: 'muted'}, t('inbox.similar.none_to_merge'));
  return h('fieldset', {class: 'field', 'data-field': 'master_id'},
    h('legend', null, h('span', {'data-field-label': true}, t('inbox.field.master')),
      h('span', {class: 'required'}, t('inbox.required'))),
    h('div', {class: 'pick-list'}, items.map((s, i) => h('label', {class: 'pick'},
      h('input', {type: 'radio', name: 'master_id', value: String(s.id), id: `${FORM}-master-${i}`}),
      h('span', null, h('span', {class: 'item-meta'}, similarLine(s)), h('span', {class: 'similar-excerpt'}, s.excerpt))))),
    h('p', {class: 'field-error', id: `${FORM}-master_id-error`}));
}

function ratingChoices() {
  return h('fieldset', {class: 'field', 'data-field': 'rating'},
    h('legend', null, h('span', {'data-field-label': true}, t('inbox.field.rating')),
      h('span', {class: 'required'}, t('inbox.required'))),
    h('div', {class: 'pick-list'}, RATINGS.map((r) => h('label', {class: 'pick'},
      h('input', {type: 'radio', name: 'rating', value: r}), h('span', null, word('rating', r))))),
    h('p', {class: 'field-error', id: `${FORM}-rating-error`}));
}

function checked(form, name) {
  const el = form.querySelector(`input[name="${name}"]:checked`);
  return el ? el.value : '';
}

function idOf(form, name) {
  const v = textOf(form, name);
  return v ? Number(v) : undefined;
}

/* Each step: its fields (async: some are fetched) and its body; a body may be {error} instead,
 * a client-side problem for forms.js. */
const STEPS = {
  async triage(o) {
    const [categories, similar] = await Promise.all([loadCategories(), similarItems()]);
    const category = categories.find((c) => c.id === o.category_id);
    return {
      fields: [
        field(FORM, 'category', 'inbox.field.category', {type: 'select', required: true, value: category ? category.code : '',
          options: categories.map((c) => [c.code, categoryLabel(c)])}),
        field(FORM, 'urgency', 'inbox.field.urgency', {type: 'select', value: o.urgency,
          options: URGENCIES.map((u) => [u, word('urgency', u), `inbox.urgency.${u}`])}),
        field(FORM, 'tier', 'inbox.field.tier', {type: 'select', value: o.tier || '',
          options: [['', t('inbox.none'), 'inbox.none'], ...TIERS.map((x) => [x, word('tier', x), `inbox.tier.${x}`])]}),
        ...deputyPicker('owner_deputy_id', 'inbox.field.owner_deputy', o.owner_deputy_id, current.names.owner),
        ownerPicker(o),
        similarList(similar)
      ],
      body: (form) => ({category: textOf(form, 'category'), urgency: textOf(form, 'urgency'), tier: textOf(form, 'tier'),
        owner_deputy_id: idOf(form, 'owner_deputy_id'), owner_user_id: idOf(form, 'owner_user_id')})
    };
  },
  async merge() {
    const similar = (await similarItems()).filter((s) => ['registered', 'triaged', 'in_progress'].includes(s.state));
    return {
      fields: [mergeChoices(similar), field(FORM, 'text', 'inbox.field.note')],
      body: (form) => (checked(form, 'master_id')
        ? {master_id: Number(checked(form, 'master_id')), text: textOf(form, 'text')}
        : {error: {code: 'required', field: 'master_id'}})
    };
  },
  async refer(o) {
    const units = await loadAll('units', {region: countyOf(o.region)});
    return {
      fields: [
        field(FORM, 'unit_id', 'inbox.field.unit', {type: 'select', required: true,
          options: [['', t('inbox.choose'), 'inbox.choose'], ...units.map((u) => [String(u.id), u.name])]}),
        field(FORM, 'days', 'inbox.field.days', {type: 'days', hintKey: 'inbox.hint.refer_days'}),
        field(FORM, 'text', 'inbox.field.refer_note')
      ],
      body: (form) => {
        const {days, error} = daysOf(form, 'days', 90);
        return error ? {error} : {unit_id: idOf(form, 'unit_id'), days, text: textOf(form, 'text')};
      }
    };
  },
  async to_suggestion(o) {
    return {
      fields: [...deputyPicker('deputy_id', 'inbox.field.suggestion_deputy', o.owner_deputy_id || o.deputy_id,
        o.owner_deputy_id ? current.names.owner : current.names.deputy),
        field(FORM, 'text', 'inbox.field.note')],
      body: (form) => ({deputy_id: idOf(form, 'deputy_id'), text: textOf(form, 'text')})
    };
  },
  async reject() {
    return textStep('inbox.field.reject_reason', 'inbox.hint.reject');
  },
  async resolve() {
    return textStep('inbox.field.answer', 'inbox.hint.answer');
  },
  async keep() {
    return textStep('inbox.field.keep_reason', null);
  },
  async answer(o) {
    /* the latest reply of a unit is the usual start of the answer */
    const replied = (o.referrals || []).filter((r) => r.reply);
    return textStep('inbox.field.answer', 'inbox.hint.answer', replied.length ? replied[replied.length - 1].reply : '');
  },
  async rate() {
    return {
      fields: [h('p', {class: 'hint'}, t('inbox.hint.rate')), ratingChoices(), field(FORM, 'comment', 'inbox.field.comment', {max: 1000})],
      body: (form) => (checked(form, 'rating')
        ? {rating: checked(form, 'rating'), comment: textOf(form, 'comment')}
        : {error: {code: 'required', field: 'rating'}})
    };
  }
};

function textStep(labelKey, hintKey, value = '') {
  return {
    fields: [field(FORM, 'text', labelKey, {required: true, hintKey, value, max: TEXT_MAX})],
    body: (form) => ({text: textOf(form, 'text')})
  };
}

function closeStep(focusButton) {
  const step = current.step;
  current.step = null;
  const slot = $in('inbox-d-form');
  if (slot)
    slot.replaceChildren();
  for (const b of current.box.querySelectorAll('button[data-step]'))
    b.setAttribute('aria-expanded', 'false');
  if (focusButton && step) {
    const button = current.box.querySelector(`button[data-step="${step}"]`);
    if (button)
      button.focus();
  }
}

async function openStep(step) {
  if (current.step === step)
    return;
  closeStep(false);
  current.step = step;
  for (const b of current.box.querySelectorAll('button[data-step]'))
    b.setAttribute('aria-expanded', String(b.dataset.step === step));
  const generation = current.generation;
  const slot = $in('inbox-d-form');
  say('inbox-d-error', null);
  slot.replaceChildren(h('p', {class: 'muted', role: 'status'}, t('inbox.loading')));
  let made;
  try {
    made = await STEPS[step](current.opinion);
  } catch (err) {
    if (generation !== current.generation || current.step !== step || lost(err))
      return;
    slot.replaceChildren(h('p', {class: 'form-error', role: 'alert'}, capitalize(problemText(err))));
    return;
  }
  if (generation !== current.generation || current.step !== step)
    return;
  const form = actionForm({
    id: FORM,
    headingKey: `inbox.step.${step}`,
    fields: made.fields,
    submitKey: 'inbox.submit',
    onSubmit: (f) => submitStep(f, step, made.body),
    onCancel: () => closeStep(true)
  });
  slot.replaceChildren(form);
  const first = form.querySelector('input:not([type="search"]), select, textarea');
  (first || form.querySelector('h4')).focus();
}

/* Strips what is left empty: the server takes an absent field as "not given". */
function compact(body) {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined && v !== ''));
}

function submitStep(form, step, makeBody) {
  once(form, async () => {
    const errorId = `${FORM}-error`;
    clearFormError(form, errorId);
    say('inbox-d-notice', null);
    const missing = missingField(form);
    const body = missing ? {error: missing} : makeBody(form);
    if (body.error) {
      const el = showFormError(form, errorId, body.error, reason);
      (el || form.querySelector(`[data-field="${body.error.field}"] input`) || form).focus();
      return;
    }
    try {
      const o = await api('POST', `/api/v1/opinions/${current.id}/${PATHS[step] || step}`, compact(body));
      current.changed = true;
      closeStep(false);
      await show(o);
      say('inbox-d-notice', () => t('inbox.done', {step: word('step', step), state: word('state', o.state)}));
      $in('inbox-d-heading').focus();
    } catch (err) {
      if (lost(err))
        return;
      if (await conflictOr(err))
        return;
      const el = showFormError(form, errorId, err, reason);
      if (el)
        el.focus();
    }
  });
}

/* After a 409 illegal_transition (someone else moved it): read it again and say so; true when
 * that was the problem. Any other error is said in the detail's alert when no form takes it. */
async function conflictOr(err) {
  if (err.status !== 409) {
    if (!current.step)
      say('inbox-d-error', () => capitalize(problemText(err)));
    return false;
  }
  closeStep(false);
  try {
    await reread();
  } catch (again) {
    if (!lost(again))
      say('inbox-d-error', () => capitalize(problemText(again)));
    return true;
  }
  const state = current.opinion.state;
  say('inbox-d-error', () => t('inbox.conflict', {state: word('state', state)}));
  $in('inbox-d-heading').focus();
  return true;
}

/* ---- the whole --------------------------------------------------------------------------------- */

function skeleton() {
  const back = h('button', {type: 'button', class: 'secondary back', id: 'inbox-d-back'}, t('inbox.back'));
  back.addEventListener('click', () => current.ctx.back(current.changed));
  const buttons = h('div', {id: 'inbox-d-steps-buttons'});
  buttons.addEventListener('click', (event) => {
    const b = event.target.closest('button[data-step]');
    if (b)
      openStep(b.dataset.step);
  });
  current.box.replaceChildren(
    back,
    h('h3', {id: 'inbox-d-heading', tabindex: '-1'}),
    h('p', {id: 'inbox-d-badges', class: 'badges'}),
    h('p', {id: 'inbox-d-notice', class: 'notice', role: 'status'}),
    h('p', {id: 'inbox-d-error', class: 'form-error', role: 'alert'}),
    h('div', {id: 'inbox-d-main'}),
    h('section', {class: 'opinion-steps', 'aria-labelledby': 'inbox-d-steps'},
      h('h4', {id: 'inbox-d-steps'}, t('inbox.steps')),
      buttons,
      h('div', {id: 'inbox-d-form'})));
}

/* Shows o (the staff view): everything but an open step's form is made again. */
async function show(o) {
  const generation = current.generation;
  current.opinion = o;
  await learn(o);
  if (generation !== current.generation)
    return;
  await paint();
}

async function paint() {
  const o = current.opinion;
  if (!o || !$in('inbox-d-main'))
    return;
  const main = await facts(o);
  $in('inbox-d-heading').textContent = t('inbox.detail.heading', {code: o.tracking_code});
  $in('inbox-d-badges').replaceChildren(...[stateBadge(o.state), flagBadge(flagNow(o)),
    o.urgency === 'urgent' ? badge('urgent', word('urgency', 'urgent')) : null].filter(Boolean));
  $in('inbox-d-main').replaceChildren(...[
    main,
    mergedNote(o),
    h('div', {id: 'inbox-contact-slot'}, contactBox()),
    referrals(o),
    timeline(o)
  ].filter(Boolean));
  $in('inbox-d-steps-buttons').replaceChildren(stepButtons(o));
  if (current.step && !steps(o).includes(current.step))
    closeStep(false);
  $in('inbox-d-back').textContent = t('inbox.back');
  $in('inbox-d-steps').textContent = t('inbox.steps');
}

/* ---- entry points (inbox.js) ------------------------------------------------------------------- */

/* Shows opinion id in box. ctx: {me, listed ({flag, due} from the list, or null),
 * onSessionLost(err) -> bool, open(id) another opinion, back(changed) to the list}. */
export async function open(box, id, ctx) {
  const generation = ++current.generation;
  Object.assign(current, {box, id, ctx, opinion: null, contact: null, changed: false, step: null});
  skeleton();
  $in('inbox-d-heading').textContent = t('inbox.loading');
  $in('inbox-d-heading').focus();
  try {
    const o = await api('GET', `/api/v1/opinions/${id}`);
    if (generation !== current.generation)
      return;
    await show(o);
    $in('inbox-d-heading').focus();
  } catch (err) {
    if (generation !== current.generation || lost(err))
      return;
    $in('inbox-d-heading').textContent = t('inbox.detail.failed');
    say('inbox-d-error', () => capitalize(problemText(err)));
  }
}

export function close() {
  current.generation++;
  current.opinion = null;
  current.step = null;
  current.contact = null;
  if (current.box)
    current.box.replaceChildren();
}

/* Words of the current language for what was built here (the open form follows data-i18n). */
export function render() {
  paint();
}
