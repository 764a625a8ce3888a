/* ballots_staff: 票决 in the workspace (SPEC §7). The office (an admin) lists the ballots of its
 * region, creates one (the congress, the kind, the rule "exactly / at most k", the voting time,
 * the candidates one a line "name | description", and the voters: every deputy of the congress or
 * chosen ones), edits it while it is a draft, opens it, closes it (the server counts at once) and
 * publishes the results, shown here with a bar per candidate and the turnout, with links to the
 * printable announcement and the public page (ballot-result.html?id=N). A deputy sees the ballots
 * they may vote in, with a link to vote (ballot.html?id=N), and the published results. */

import './strings/ballots.js';
import {t} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {say, capitalize, errorText, clearFormError, showFormError, missingField, once} from './forms.js';
import {control, choices, radioValue} from './suggestions_common.js';
import {localInput} from './activities.js';
import {kindName, stateBadge, ruleText, factsList, resultsView} from './ballot_common.js';

const PAGE = 50;
const FOUND = 10;       /* deputies looked at per search for a seat in the congress */
const P = 'bl';         /* the section's ids */
const STEPS = {draft: ['open'], open: ['close'], closed: ['publish'], published: []};

const state = {
  me: null,
  onSessionLost: () => {},
  items: [],
  next: null,
  view: 'list',       /* 'list' | 'form' | 'detail' */
  ballot: null,       /* the ballot open in the detail or the form (null: a new one) */
  congresses: [],
  voters: new Map(),  /* deputy id -> name, chosen in the form */
  asking: null        /* the step whose "are you sure?" is shown */
};

/* A 401: the session ended elsewhere; the workspace goes back to its sign-in form. */
const lost = (err) => Boolean(err && err.status === 401 && (state.onSessionLost(), true));

const FIELDS = new Set(['choose', 'closes_at', 'candidates', 'voters']);

/* This feature's words for a refused request or field, where it has them (else forms.js's). */
function reason(e) {
  if (['ballot_open', 'illegal_transition'].includes(e.code))
    return t(`ballots.error.${e.code}`);
  if (e.message && !e.status)
    return e.message; /* a check of the form's own, already in words */
  return e.code !== 'required' && FIELDS.has(e.field) ? t(`ballots.error.field.${e.field}`) : null;
}

function problem(err) {
  return capitalize(errorText(err, reason));
}

function showView(view) {
  state.view = view;
  $(`${P}-list-box`).hidden = view !== 'list';
  $(`${P}-form-box`).hidden = view !== 'form';
  $(`${P}-detail`).hidden = view !== 'detail';
}

/* ---- the list ------------------------------------------------------------------------------- */

function officeRow(b) {
  return h('li', {class: 'inbox-row'},
    h('button', {type: 'button', class: 'inbox-open', 'data-open': b.id, 'aria-label': t('ballots.open.label', {title: b.title})},
      h('span', {class: 'inbox-row-head'}, stateBadge(b.state), h('strong', null, b.title)),
      h('span', {class: 'muted'}, [kindName(b.kind), ruleText(b, true), b.congress ? b.congress.name : null]
        .filter(Boolean).join(' · '))));
}

function deputyAction(b) {
  if (b.state === 'published')
    return h('a', {class: 'button secondary', href: `/ballot-result.html?id=${b.id}`}, t('ballots.results'));
  if (b.voted)
    return h('span', {class: 'badge ballot-voted'}, t('ballots.voted'));
  if (b.state === 'open')
    return h('a', {class: 'button primary', href: `/ballot.html?id=${b.id}`, 'aria-label': t('ballots.vote.label', {title: b.title})},
      t('ballots.vote'));
  return null;
}

function deputyRow(b) {
  return h('li', {class: 'inbox-row ballot-deputy-row'},
    h('span', {class: 'inbox-row-head'}, stateBadge(b.state), h('strong', null, b.title)),
    h('span', {class: 'muted'}, `${kindName(b.kind)} · ${ruleText(b, true)}`),
    h('span', {class: 'muted'}, h('time', null, localInput(b.opens_at).replace('T', ' ')), ' – ',
      h('time', null, localInput(b.closes_at).replace('T', ' '))),
    deputyAction(b));
}

function renderList() {
  const office = state.me.role === 'admin';
  $(`${P}-list`).replaceChildren(...state.items.map(office ? officeRow : deputyRow));
  $(`${P}-more`).hidden = !state.next;
  say(`${P}-count`, () => (state.items.length ? t('ballots.count', {n: state.items.length})
    : t(office ? 'ballots.none' : 'ballots.none.deputy')));
}

async function load(more = false) {
  say(`${P}-list-error`, null);
  if (!more)
    say(`${P}-count`, () => t('ballots.loading'));
  const q = new URLSearchParams({limit: String(PAGE)});
  if (more && state.next)
    q.set('after', String(state.next));
  try {
    const data = await api('GET', `/api/v1/ballots?${q}`);
    state.items = more ? state.items.concat(data.items || []) : data.items || [];
    state.next = data.next || null;
  } catch (err) {
    if (lost(err))
      return;
    say(`${P}-count`, null);
    say(`${P}-list-error`, () => problem(err));
    return;
  }
  renderList();
}

/* ---- one ballot ------------------------------------------------------------------------------ */

function stepButtons(b) {
  const steps = STEPS[b.state] || [];
  if (!steps.length)
    return null;
  if (state.asking)
    return h('div', {class: 'step-buttons', role: 'group', 'aria-label': t('ballots.actions')},
      h('p', {class: 'confirm-question', id: `${P}-ask`}, t(`ballots.step.${state.asking}.confirm`)),
      h('button', {type: 'button', class: 'primary', id: `${P}-yes`, 'data-step': state.asking, 'aria-describedby': `${P}-ask`},
        t('ballots.step.yes')),
      h('button', {type: 'button', class: 'secondary', id: `${P}-no`}, t('ballots.step.no')));
  return h('div', {class: 'step-buttons', role: 'group', 'aria-label': t('ballots.actions')},
    b.state === 'draft' ? h('button', {type: 'button', class: 'secondary', id: `${P}-edit`}, t('ballots.edit')) : null,
    steps.map((s) => h('button', {type: 'button', class: 'primary', 'data-ask': s}, t(`ballots.step.${s}`))));
}

function renderDetail() {
  const b = state.ballot;
  if (!b || state.view !== 'detail')
    return;
  const chosen = Array.isArray(b.voters) ? b.voters.length : b.voters_count;
  const voters = b.state === 'draft'
    ? (chosen ? t('ballots.voters_count.value', {n: chosen}) : t('ballots.voters_count.all'))
    : null;
  $(`${P}-detail-body`).replaceChildren(...[
    h('h3', {id: `${P}-detail-heading`, tabindex: '-1'}, b.title),
    factsList(b),
    voters ? h('p', null, `${t('ballots.voters_count')}${t('field.separator')}${voters}`) : null,
    b.description ? h('p', {class: 'prose'}, b.description) : null,
    /* once counted, the results list every candidate */
    b.results ? null : h('h4', null, t('ballots.candidates', {n: b.candidates.length})),
    b.results ? null : h('ol', {class: 'ballot-candidates'}, b.candidates.map((c) => h('li', null, h('strong', null, c.name),
      c.description ? h('span', {class: 'muted'}, ` ${c.description}`) : null))),
    stepButtons(b),
    b.results ? h('section', {'aria-labelledby': `${P}-results-heading`},
      h('h4', {id: `${P}-results-heading`}, t('ballots.results.heading')),
      resultsView(b, `${P}-res`),
      h('p', {class: 'print-links'},
        h('a', {class: 'button secondary', href: `/ballot-result.html?id=${b.id}`},
          t(b.state === 'published' ? 'ballots.public' : 'ballots.announcement')))) : null].filter(Boolean));
}

async function openDetail(id, focus = true) {
  say(`${P}-detail-error`, null);
  try {
    state.ballot = await api('GET', `/api/v1/ballots/${id}`);
  } catch (err) {
    if (!lost(err))
      say(`${P}-list-error`, () => problem(err));
    return;
  }
  state.asking = null;
  showView('detail');
  renderDetail();
  if (focus)
    $(`${P}-detail-heading`).focus();
}

async function takeStep(step) {
  const b = state.ballot;
  say(`${P}-detail-error`, null);
  say(`${P}-detail-status`, null);
  try {
    state.ballot = await api('POST', `/api/v1/ballots/${b.id}/${step}`, {});
  } catch (err) {
    if (lost(err))
      return;
    state.asking = null;
    say(`${P}-detail-error`, () => problem(err));
    await openDetail(b.id, false);
    return;
  }
  /* the step answers the ballot; read it again for the results a close or publish brings */
  await openDetail(b.id, false);
  say(`${P}-detail-status`, () => t(`ballots.step.done.${step}`));
  $(`${P}-detail-heading`).focus();
  load();
}

function onDetailClick(event) {
  const button = event.target.closest('button');
  if (!button)
    return;
  if (button.dataset.ask) {
    state.asking = button.dataset.ask;
    renderDetail();
    $(`${P}-no`).focus();
  } else if (button.id === `${P}-no`) {
    state.asking = null;
    renderDetail();
    $(`${P}-detail-heading`).focus();
  } else if (button.dataset.step) {
    once($(`${P}-detail`), () => takeStep(button.dataset.step));
  } else if (button.id === `${P}-edit`) {
    loadCongresses().then(() => openForm(state.ballot));
  } else if (button.id === `${P}-back`) {
    showView('list');
    state.ballot = null;
    $(`${P}-new`).focus();
  }
}

/* ---- the form: create, or edit a draft -------------------------------------------------------- */

function candidatesText(b) {
  return b ? b.candidates.map((c) => (c.description ? `${c.name} | ${c.description}` : c.name)).join('\n') : '';
}

/* The lines "name | description" as candidates; throws {field, message} for a bad one. */
function parseCandidates(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const out = lines.map((line, i) => {
    const cut = line.search(/[|｜]/);
    const name = (cut < 0 ? line : line.slice(0, cut)).trim();
    const description = cut < 0 ? '' : line.slice(cut + 1).trim();
    if (!name)
      throw {code: 'invalid', field: 'candidates', message: t('ballots.f.candidates.bad', {line: i + 1})};
    return description ? {name, description} : {name};
  });
  if (out.length < 2)
    throw {code: 'invalid', field: 'candidates', message: t('ballots.f.candidates.few')};
  return out;
}

function votersBox(b) {
  const keep = b && b.voters_count && !Array.isArray(b.voters);
  const options = [['all', 'ballots.f.voters.all'], ['some', 'ballots.f.voters.some']];
  if (keep)
    options.unshift(['keep', 'ballots.f.voters.keep']);
  /* the words of "keep" carry the number; the others follow a language switch by their keys */
  const labels = keep ? options.map(([, key]) => t(key, {n: b.voters_count})) : null;
  const box = choices(P, 'voters', 'ballots.f.voters', options,
    {value: keep ? 'keep' : state.voters.size ? 'some' : 'all', labels});
  box.append(h('div', {id: `${P}-picker`, class: 'ballot-picker'},
    h('ul', {id: `${P}-chosen`, class: 'plain-list'}),
    h('p', {id: `${P}-chosen-status`, class: 'muted', role: 'status'}),
    h('div', {class: 'search-row'},
      h('label', {for: `${P}-voter-q`, class: 'visually-hidden'}, t('ballots.f.voters.search')),
      h('input', {id: `${P}-voter-q`, type: 'search', autocomplete: 'off', placeholder: t('ballots.f.voters.search')}),
      h('button', {type: 'button', id: `${P}-find`, class: 'secondary'}, t('ballots.f.voters.find'))),
    h('p', {id: `${P}-found-status`, class: 'muted', role: 'status'}),
    h('ul', {id: `${P}-found`, class: 'plain-list'})));
  return box;
}

function renderChosen() {
  $(`${P}-chosen`).replaceChildren(...[...state.voters].map(([id, name]) => h('li', null, name, ' ',
    h('button', {type: 'button', class: 'small secondary', 'data-remove': id, 'aria-label': t('ballots.f.voters.remove', {name})},
      t('ballots.f.voters.remove.short')))));
  say(`${P}-chosen-status`, () => (state.voters.size ? t('ballots.f.voters.count', {n: state.voters.size})
    : t('ballots.f.voters.none')));
}

function pickerShown() {
  $(`${P}-picker`).hidden = radioValue($(`${P}-form`), 'voters') !== 'some';
}

/* Deputies of the chosen congress whose names match the search (a seat there, read one by one). */
async function findVoters() {
  const congressId = Number($(`${P}-congress_id`).value);
  const congress = state.congresses.find((c) => c.id === congressId);
  say(`${P}-found-status`, () => t('ballots.loading'));
  const q = new URLSearchParams({limit: '30'});
  const text = $(`${P}-voter-q`).value.trim();
  if (text)
    q.set('q', text);
  if (congress && congress.region)
    q.set('region', congress.region);
  try {
    const data = await api('GET', `/api/v1/deputies?${q}`);
    const fresh = (data.items || []).filter((d) => !state.voters.has(d.id)).slice(0, FOUND);
    const full = await Promise.all(fresh.map((d) => api('GET', `/api/v1/deputies/${d.id}`).catch(() => null)));
    const seated = full.filter((d) => d && (d.seats || []).some((s) => s.congress_id === congressId));
    $(`${P}-found`).replaceChildren(...seated.map((d) => h('li', null,
      h('button', {type: 'button', class: 'secondary small', 'data-add': d.id, 'data-name': d.name},
        t('ballots.f.voters.add', {name: d.name})))));
    say(`${P}-found-status`, () => (seated.length ? t('ballots.f.voters.found', {n: seated.length}) : t('ballots.f.voters.nobody')));
  } catch (err) {
    if (!lost(err))
      say(`${P}-found-status`, () => problem(err));
  }
}

function onPickerClick(event) {
  const add = event.target.closest('button[data-add]');
  const remove = event.target.closest('button[data-remove]');
  if (add) {
    state.voters.set(Number(add.dataset.add), add.dataset.name);
    add.closest('li').remove();
  } else if (remove) {
    state.voters.delete(Number(remove.dataset.remove));
  } else if (event.target.id === `${P}-find`) {
    findVoters();
    return;
  } else {
    return;
  }
  renderChosen();
  $(`${P}-voter-q`).focus();
}

function buildForm(b) {
  const now = Math.floor(Date.now() / 60000) * 60;
  const congressOptions = state.congresses.map((c) => [String(c.id), c.name]);
  const form = h('form', {id: `${P}-form`, class: 'ballot-form', novalidate: true, 'aria-labelledby': `${P}-form-heading`},
    h('h3', {id: `${P}-form-heading`, tabindex: '-1'}, t(b ? 'ballots.edit.heading' : 'ballots.create.heading')),
    state.congresses.length ? null : h('p', {class: 'notice'}, t('ballots.f.no_congress')),
    control(P, 'congress_id', 'ballots.f.congress', {type: 'select', required: true, options: congressOptions,
      value: b && b.congress ? b.congress.id : ''}),
    control(P, 'kind', 'ballots.f.kind', {type: 'select', required: true, value: b ? b.kind : 'department',
      options: ['department', 'project'].map((k) => [k, kindName(k), `ballot.kind.${k}`])}),
    control(P, 'title', 'ballots.f.title', {required: true, value: b ? b.title : ''}),
    control(P, 'description', 'ballots.f.description', {type: 'textarea', max: 2000, value: b ? b.description : ''}),
    control(P, 'rule', 'ballots.f.rule', {type: 'select', required: true, value: b ? b.rule : 'exactly',
      options: ['exactly', 'at_most'].map((r) => [r, t(`ballots.f.rule.${r}`), `ballots.f.rule.${r}`])}),
    control(P, 'choose', 'ballots.f.choose', {type: 'number', required: true, value: b ? b.choose : ''}),
    control(P, 'opens_at', 'ballots.f.opens_at', {type: 'datetime-local', required: true, hintKey: 'ballots.f.times.hint',
      value: localInput(b ? b.opens_at : now)}),
    control(P, 'closes_at', 'ballots.f.closes_at', {type: 'datetime-local', required: true, hintKey: 'ballots.f.times.hint',
      value: localInput(b ? b.closes_at : now + 7 * 86400)}),
    control(P, 'candidates', 'ballots.f.candidates', {type: 'textarea', required: true, max: 40000,
      hintKey: 'ballots.f.candidates.hint', value: candidatesText(b)}),
    votersBox(b),
    h('p', {id: `${P}-form-error`, class: 'form-error', role: 'alert'}),
    h('div', {class: 'form-actions'},
      h('button', {type: 'submit', class: 'primary'}, t('ballots.save')),
      h('button', {type: 'button', class: 'secondary', id: `${P}-form-cancel`}, t('ballots.cancel'))));
  const choose = form.querySelector(`#${P}-choose`);
  choose.min = '1';
  choose.inputMode = 'numeric';
  form.querySelector(`#${P}-candidates`).rows = 8;
  return form;
}

async function openForm(b) {
  state.ballot = b;
  state.voters = new Map();
  /* the draft's chosen voters come as deputy ids: their names are read for the list */
  const ids = b && Array.isArray(b.voters) ? b.voters.map((v) => Number(v.id ?? v)) : [];
  const named = await Promise.all(ids.map((id) => api('GET', `/api/v1/deputies/${id}`).catch(() => ({id, name: `#${id}`}))));
  for (const d of named)
    state.voters.set(d.id, d.name);
  const form = buildForm(b);
  $(`${P}-form-box`).replaceChildren(form);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    once(form, save);
  });
  form.addEventListener('change', (ev) => {
    if (ev.target.name === 'voters')
      pickerShown();
  });
  $(`${P}-picker`).addEventListener('click', onPickerClick);
  $(`${P}-voter-q`).addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      findVoters();
    }
  });
  $(`${P}-form-cancel`).addEventListener('click', () => (b ? openDetail(b.id) : (showView('list'), $(`${P}-new`).focus())));
  renderChosen();
  pickerShown();
  showView('form');
  $(`${P}-form-heading`).focus();
}

function formBody(form) {
  const v = (name) => String(form.elements.namedItem(name).value).trim();
  const body = {
    congress_id: Number(v('congress_id')), kind: v('kind'), title: v('title'), description: v('description'),
    rule: v('rule'), choose: Number.parseInt(v('choose'), 10), opens_at: v('opens_at'), closes_at: v('closes_at'),
    candidates: parseCandidates(v('candidates'))
  };
  const voters = radioValue(form, 'voters');
  if (voters === 'all')
    body.voters = [];
  else if (voters === 'some')
    body.voters = [...state.voters.keys()];
  if (!(body.choose >= 1))
    throw {code: 'invalid', field: 'choose'};
  if (body.closes_at <= body.opens_at)
    throw {code: 'invalid', field: 'closes_at'};
  return body;
}

async function save() {
  const form = $(`${P}-form`);
  clearFormError(form, `${P}-form-error`);
  say(`${P}-detail-status`, null);
  const missing = missingField(form);
  let body;
  try {
    if (missing)
      throw missing;
    body = formBody(form);
  } catch (problemOf) {
    const field = showFormError(form, `${P}-form-error`, problemOf, reason);
    (field || form).focus();
    return;
  }
  const editing = state.ballot;
  let saved;
  try {
    saved = editing ? await api('PATCH', `/api/v1/ballots/${editing.id}`, body) : await api('POST', '/api/v1/ballots', body);
  } catch (err) {
    if (lost(err))
      return;
    const field = showFormError(form, `${P}-form-error`, err, reason);
    (field || form).focus();
    return;
  }
  await load();
  await openDetail(saved.id);
  say(`${P}-detail-status`, () => (editing ? t('ballots.saved') : t('ballots.created', {title: saved.title})));
}

/* ---- the section ------------------------------------------------------------------------------ */

async function loadCongresses() {
  try {
    const data = await api('GET', `/api/v1/congresses?region=${encodeURIComponent(state.me.region)}&limit=100`);
    state.congresses = data.items || [];
  } catch (err) {
    if (!lost(err))
      state.congresses = [];
  }
}

function build() {
  const office = state.me.role === 'admin';
  $('ballots-root').replaceChildren(
    h('div', {id: `${P}-list-box`},
      office ? h('p', null, h('button', {type: 'button', class: 'primary', id: `${P}-new`}, t('ballots.new'))) : null,
      h('p', {id: `${P}-count`, class: 'inbox-count', role: 'status'}),
      h('ul', {id: `${P}-list`, class: 'inbox-list'}),
      h('button', {type: 'button', class: 'secondary', id: `${P}-more`, hidden: true}, t('ballots.more')),
      h('p', {id: `${P}-list-error`, class: 'form-error', role: 'alert'})),
    h('div', {id: `${P}-form-box`, hidden: true}),
    h('div', {id: `${P}-detail`, class: 'inbox-detail', hidden: true},
      h('p', {class: 'back'}, h('button', {type: 'button', class: 'secondary small', id: `${P}-back`}, t('ballots.back'))),
      h('p', {id: `${P}-detail-status`, class: 'form-status', role: 'status'}),
      h('p', {id: `${P}-detail-error`, class: 'form-error', role: 'alert'}),
      h('div', {id: `${P}-detail-body`})));
  $(`${P}-more`).addEventListener('click', () => load(true));
  $(`${P}-list`).addEventListener('click', (event) => {
    const open = event.target.closest('button[data-open]');
    if (open)
      openDetail(open.dataset.open);
  });
  $(`${P}-detail`).addEventListener('click', onDetailClick);
  if (office)
    $(`${P}-new`).addEventListener('click', async () => {
      await loadCongresses();
      openForm(null);
    });
}

export function show(me, {onSessionLost}) {
  state.me = me;
  state.onSessionLost = onSessionLost;
  state.items = [];
  state.next = null;
  build();
  showView('list');
  $('ballots-view').hidden = false;
  load();
}

export function hide() {
  state.me = null;
  state.items = [];
  state.ballot = null;
  const view = $('ballots-view');
  if (view) {
    view.hidden = true;
    $('ballots-root').replaceChildren();
  }
}

export function render() {
  if (!state.me)
    return;
  if (state.view === 'list')
    renderList();
  else if (state.view === 'detail')
    renderDetail();
}
