/* duties: 我的履职 in the staff workspace, for a deputy, phone first - their score of the year
 * with its explanation (GET /api/v1/deputies/:id/score), a "记一笔" form taken in a few taps (the
 * kind as big buttons, a title, the day - today unless changed - a text and photos), and their
 * records of the year with each one's state (GET /api/v1/duty-records?deputy&year).
 *
 * Photos are made smaller on the phone first (photo.js) and sent one by one once the record
 * exists (POST /api/v1/duty-records/:id/photos); a photo that fails leaves the record saved and
 * says which photo to add again. A record entered by hand may be changed while it waits or was
 * returned (PATCH sends it back to the queue) and deleted while it waits.
 *
 * Staff and admins see the same section as 代为登记: they pick a deputy of their region first
 * (GET /api/v1/deputies), and what they record is that deputy's (deputy_id in the body). */

import {shrinkPhoto} from './photo.js';
import {t} from './i18n.js';
import {api, upload} from './api.js';
import {$, h} from './dom.js';
import {say, clearFormError, showFormError, missingField, once} from './forms.js';
import {field, textOf} from './inbox_common.js';
import {beijingDay} from './activities.js';
import {KINDS, word, stateBadge, thisYear, yearField, dayEl, loadRules, ruleName, capText, reason, problem, lostBy,
  thumbnails, scoreExplained, hideSection} from './duty_common.js';

const PHOTO_MAX = 2 * 1024 * 1024;      /* what a photo is made smaller to; the server takes 8 MiB */
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
const PHOTOS_PER_RECORD = 9;
const PAGE = 100;
const P = 'duty-f';                     /* the form's ids */

const state = {
  me: null,
  deputy: null,       /* {id, name}: whose records - the deputy's own, or the one staff picked */
  deputies: [],       /* staff: the deputies of their region to pick from */
  lost: () => false,
  year: thisYear(),
  items: [],
  next: null,
  score: null,
  rules: [],
  editing: null,      /* the record being changed, or null for a new one */
  seq: 0
};

/* ---- the score ----------------------------------------------------------------------------- */

async function loadScore() {
  const seq = state.seq;
  try {
    const score = await api('GET', `/api/v1/deputies/${state.deputy.id}/score?year=${state.year}`);
    if (seq === state.seq)
      state.score = score;
  } catch (err) {
    if (state.lost(err))
      return;
    state.score = null;
    say('duty-score-error', () => problem(err));
  }
  renderScore();
}

function renderScore() {
  const box = $('duty-score');
  if (!box)
    return;
  const s = state.score;
  if (!s) {
    box.replaceChildren();
    return;
  }
  box.replaceChildren(
    h('h3', {id: 'duty-score-heading'}, t('duty.my_score.heading', {year: s.year || state.year})),
    h('p', {class: 'duty-score-line'},
      h('span', {class: 'duty-score-value', id: 'duty-score-value'}, t('duty.my_score.value', {score: s.score})),
      s.rank ? h('span', {class: 'duty-score-rank'}, t('duty.my_score.rank', {rank: s.rank, of: s.of})) : null),
    h('details', {class: 'duty-why'},
      h('summary', null, t('duty.my_score.explain')),
      scoreExplained(s, 'duty-my')));
}

/* ---- the list ------------------------------------------------------------------------------ */

async function loadList(append = false) {
  const seq = append ? state.seq : ++state.seq;
  say('duty-list-error', null);
  if (!append)
    say('duty-count', () => t('duty.loading'));
  const q = new URLSearchParams({deputy: String(state.deputy.id), year: String(state.year), limit: String(PAGE)});
  if (append && state.next)
    q.set('after', String(state.next));
  try {
    const data = await api('GET', `/api/v1/duty-records?${q}`);
    if (seq !== state.seq)
      return;
    const page = (data && data.items) || [];
    state.items = append ? state.items.concat(page.filter((x) => !state.items.some((y) => y.id === x.id))) : page;
    state.next = (data && data.next) || null;
  } catch (err) {
    if (state.lost(err) || seq !== state.seq)
      return;
    say('duty-count', null);
    say('duty-list-error', () => problem(err));
    return;
  }
  renderList();
}

function countText() {
  const n = state.items.length;
  if (!n)
    return t('duty.list.empty', {year: state.year});
  const by = (s) => state.items.filter((r) => r.state === s).length;
  return t('duty.list.count', {year: state.year, n, confirmed: by('confirmed'), pending: by('pending'),
    rejected: by('rejected')});
}

function recordItem(r) {
  const manual = r.source === 'manual';
  return h('li', {class: `duty-record duty-record-${r.state}`, 'data-record': String(r.id)},
    h('p', {class: 'duty-record-head'},
      h('strong', {class: 'duty-record-title'}, r.title), ' ', stateBadge(r.state)),
    h('p', {class: 'item-meta'}, dayEl(r.happened_on), ` · ${word('kind', r.kind)}`,
      manual ? null : ` · ${word('source', r.source)}`),
    r.state === 'rejected' && r.reason ? h('p', {class: 'duty-reason'}, t('duty.list.reason', {reason: r.reason})) : null,
    r.body ? h('p', {class: 'prose duty-record-body'}, r.body) : null,
    thumbnails(r),
    r.editable ? h('div', {class: 'step-buttons'},
      h('button', {type: 'button', class: 'secondary small', 'data-edit': String(r.id),
        'aria-label': t('duty.edit.label', {title: r.title})}, t('duty.edit')),
      r.state === 'pending' ? h('button', {type: 'button', class: 'danger small', 'data-delete': String(r.id),
        'aria-label': t('duty.delete.label', {title: r.title})}, t('duty.delete')) : null) : null);
}

function renderList() {
  const list = $('duty-list');
  if (!list)
    return;
  list.replaceChildren(...state.items.map(recordItem));
  say('duty-count', countText);
  $('duty-more').hidden = !state.next;
}

async function onListClick(event) {
  const button = event.target.closest('button');
  if (!button)
    return;
  const find = (id) => state.items.find((r) => String(r.id) === id);
  if (button.dataset.edit) {
    openForm(find(button.dataset.edit));
    return;
  }
  const r = button.dataset.delete && find(button.dataset.delete);
  if (!r || !window.confirm(t('duty.delete.confirm', {title: r.title})))
    return;
  once(button, async () => {
    try {
      await api('DELETE', `/api/v1/duty-records/${r.id}`);
      say('duty-notice', () => t('duty.deleted', {title: r.title}));
      await loadList();
      $('duty-notice').focus();
    } catch (err) {
      if (!state.lost(err))
        say('duty-list-error', () => problem(err));
    }
  });
}

/* ---- the form ------------------------------------------------------------------------------ */

/* The twelve kinds as big radio buttons; the rule of the chosen one is said under them. */
function kindField(chosen) {
  return h('fieldset', {class: 'field duty-kind-field', 'data-field': 'kind', 'aria-describedby': `${P}-rule`},
    h('legend', null, h('span', {'data-field-label': true}, t('duty.form.kind')),
      h('span', {class: 'required'}, t('duty.required'))),
    h('div', {class: 'duty-kinds'}, KINDS.map((kind) => h('label', {class: 'duty-kind', for: `${P}-kind-${kind}`},
      h('input', {type: 'radio', name: 'kind', id: `${P}-kind-${kind}`, value: kind, checked: kind === chosen,
        'aria-describedby': `${P}-kind-error`}),
      h('span', null, word('kind', kind))))),
    h('p', {id: `${P}-rule`, class: 'hint duty-rule-hint', 'aria-live': 'polite'}),
    h('p', {class: 'field-error', id: `${P}-kind-error`}));
}

function ruleHint() {
  const form = $(P);
  if (!form)
    return;
  const kind = (form.querySelector('input[name="kind"]:checked') || {}).value;
  const rule = state.rules.find((r) => r.kind === kind);
  say(`${P}-rule`, rule ? () => t('duty.form.rule', {points: rule.points, cap: capText(rule.cap),
    period: word('period', rule.period), evidence: word('evidence', rule.evidence)}) : null);
}

function buildForm(r) {
  const today = beijingDay();
  const form = h('form', {id: P, class: 'duty-form', novalidate: true, 'aria-labelledby': `${P}-heading`},
    h('h3', {id: `${P}-heading`, tabindex: '-1'}, r ? t('duty.form.edit', {title: r.title}) : t('duty.form.heading')),
    kindField(r ? r.kind : null),
    field(P, 'title', 'duty.form.title', {type: 'text', required: true, max: 200, hintKey: 'duty.form.title.hint',
      value: r ? r.title : ''}),
    h('div', {class: 'field', 'data-field': 'happened_on'},
      h('label', {for: `${P}-date`}, h('span', {'data-field-label': true}, t('duty.form.date')),
        h('span', {class: 'required'}, t('duty.required'))),
      h('input', {id: `${P}-date`, name: 'happened_on', type: 'date', required: true, min: '2000-01-01', max: today,
        value: r ? r.happened_on : today, 'aria-describedby': `${P}-date-error`}),
      h('p', {class: 'field-error', id: `${P}-date-error`})),
    field(P, 'body', 'duty.form.body', {hintKey: 'duty.form.body.hint', value: r ? r.body : ''}),
    h('div', {class: 'field', 'data-field': 'photo'},
      h('label', {for: `${P}-photos`}, h('span', {'data-field-label': true}, t('duty.form.photos')),
        h('span', {class: 'opt'}, t('duty.optional'))),
      h('p', {class: 'hint', id: `${P}-photos-hint`}, t('duty.form.photos.hint')),
      h('input', {id: `${P}-photos`, name: 'photos', type: 'file', multiple: true, accept: PHOTO_TYPES.join(','),
        'aria-describedby': `${P}-photos-hint ${P}-photos-error`}),
      h('p', {class: 'field-error', id: `${P}-photos-error`})),
    h('p', {id: `${P}-error`, class: 'form-error', role: 'alert'}),
    h('p', {id: `${P}-status`, class: 'form-status', role: 'status'}),
    h('div', {class: 'form-actions'},
      h('button', {type: 'submit', class: 'primary'}, t(r ? 'duty.form.submit.edit' : 'duty.form.submit')),
      h('button', {type: 'button', class: 'secondary', onclick: closeForm}, t('duty.cancel'))));
  form.elements.namedItem('body').rows = 3;
  form.addEventListener('change', (event) => {
    if (event.target.name === 'kind')
      ruleHint();
  });
  form.addEventListener('submit', onSubmit);
  return form;
}

function openForm(r = null, focus = true) {
  state.editing = r;
  const box = $('duty-form-box');
  box.replaceChildren(buildForm(r));
  box.hidden = false;
  $('duty-new').setAttribute('aria-expanded', 'true');
  ruleHint();
  if (focus)
    (r ? $(`${P}-heading`) : $(`${P}-kind-${KINDS[0]}`)).focus();
}

function closeForm() {
  state.editing = null;
  const box = $('duty-form-box');
  if (!box)
    return;
  box.hidden = true;
  box.replaceChildren();
  $('duty-new').setAttribute('aria-expanded', 'false');
  $('duty-new').focus();
}

/* The chosen photos made small enough to send, or a client-side error naming the field. */
async function shrunkPhotos(form, already) {
  const files = [...(form.elements.namedItem('photos').files || [])];
  if (files.length + already > PHOTOS_PER_RECORD)
    throw {status: 422, field: 'photo', key: 'duty.err.photo.many'};
  const out = [];
  for (const f of files) {
    if (!PHOTO_TYPES.includes(f.type))
      throw {status: 415, field: 'photo', key: 'duty.err.photo.type'};
    let small;
    try {
      small = await shrinkPhoto(f, PHOTO_MAX);
    } catch {
      throw {status: 415, field: 'photo', key: 'duty.err.photo.type'};
    }
    if (!small)
      throw {status: 413, field: 'photo', key: 'duty.err.photo.big'};
    out.push(small);
  }
  return out;
}

/* Sends the photos one by one; answers the words for the first that failed, or null. */
async function sendPhotos(record, photos) {
  for (let i = 0; i < photos.length; i++) {
    say(`${P}-status`, () => t('duty.form.uploading', {n: i + 1, total: photos.length}));
    try {
      await upload('POST', `/api/v1/duty-records/${record.id}/photos`, photos[i], photos[i].type || 'image/jpeg');
    } catch (err) {
      if (state.lost(err))
        throw err;
      return () => t('duty.form.photo_failed', {n: i + 1, message: problem(err)});
    }
  }
  return null;
}

function onSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  once(form, async () => {
    const err = 'duty-f-error';
    clearFormError(form, err);
    say(`${P}-status`, null);
    try {
      const kind = (form.querySelector('input[name="kind"]:checked') || {}).value;
      if (!kind)
        throw {status: 422, field: 'kind', key: 'duty.err.kind'};
      const missing = missingField(form);
      if (missing)
        throw missing;
      const editing = state.editing;
      const photos = await shrunkPhotos(form, editing ? (editing.photos || []).length : 0);
      const body = {kind, title: textOf(form, 'title'), happened_on: textOf(form, 'happened_on'),
        body: textOf(form, 'body') || ''};
      if (onBehalf() && !editing)
        body.deputy_id = state.deputy.id;
      say(`${P}-status`, () => t('duty.form.saving'));
      const record = editing
        ? await api('PATCH', `/api/v1/duty-records/${editing.id}`, body)
        : await api('POST', '/api/v1/duty-records', body);
      const failed = await sendPhotos(record, photos);
      const title = record.title || body.title;
      closeForm();
      say('duty-notice', failed || (() => t(editing ? 'duty.form.saved.edit' : 'duty.form.saved', {title})));
      await Promise.all([loadList(), loadScore()]);
      $('duty-notice').focus();
    } catch (e) {
      if (state.lost(e))
        return;
      say(`${P}-status`, null);
      const el = showFormError(form, err, e, reason);
      (el || form.querySelector('input')).focus();
    }
  });
}

/* ---- the section --------------------------------------------------------------------------- */

function chooseYear(year) {
  state.year = year;
  state.score = null;
  renderScore();
  loadList();
  loadScore();
}

const onBehalf = () => state.me && !state.me.deputy_id;

/* Staff: the deputy whose records to keep, picked from those of their region. */
function deputyPicker() {
  const select = h('select', {id: 'duty-deputy', name: 'deputy'},
    h('option', {value: ''}, t('duty.behalf.choose')),
    state.deputies.map((d) => h('option', {value: String(d.id), selected: state.deputy && state.deputy.id === d.id},
      d.name)));
  select.addEventListener('change', () => {
    const d = state.deputies.find((x) => String(x.id) === select.value);
    state.deputy = d ? {id: d.id, name: d.name} : null;
    closeForm();
    state.items = [];
    state.score = null;
    render();
    if (state.deputy)
      Promise.all([loadList(), loadScore()]);
  });
  return h('div', {class: 'field'}, h('label', {for: 'duty-deputy'}, t('duty.behalf.deputy')), select);
}

function build() {
  const list = h('ul', {id: 'duty-list', class: 'duty-records'});
  list.addEventListener('click', onListClick);
  $('duties-heading').textContent = t(onBehalf() ? 'duty.behalf.heading' : 'duty.heading');
  if (onBehalf() && !state.deputy) {
    $('duties-root').replaceChildren(h('p', {class: 'muted'}, t('duty.behalf.intro')), deputyPicker());
    return;
  }
  $('duties-root').replaceChildren(
    onBehalf() ? deputyPicker() : null,
    h('p', {class: 'muted'}, t(onBehalf() ? 'duty.behalf.intro' : 'duty.intro')),
    h('div', {id: 'duty-score', class: 'duty-score'}),
    h('p', {id: 'duty-score-error', class: 'form-error', role: 'alert'}),
    h('button', {type: 'button', id: 'duty-new', class: 'primary duty-new', 'aria-expanded': 'false',
      'aria-controls': 'duty-form-box', onclick: () => ($('duty-form-box').hidden ? openForm() : closeForm())},
    t('duty.new')),
    h('div', {id: 'duty-form-box', class: 'duty-form-box', hidden: true}),
    h('p', {id: 'duty-notice', class: 'notice', role: 'status', tabindex: '-1'}),
    h('h3', {id: 'duty-list-heading'}, t('duty.list.heading')),
    yearField('duty-year', state.year, chooseYear),
    h('p', {id: 'duty-count', class: 'inbox-count', role: 'status'}),
    h('p', {id: 'duty-list-error', class: 'form-error', role: 'alert'}),
    list,
    h('button', {type: 'button', id: 'duty-more', class: 'secondary', hidden: true, onclick: () => loadList(true)},
      t('duty.more')));
}

/* The deputies of the account's region, for staff to pick from (every page of the list). */
async function loadDeputies() {
  const all = [];
  let after = 0;
  do {
    const q = new URLSearchParams({region: state.me.region, limit: String(PAGE)});
    if (after)
      q.set('after', String(after));
    const page = await api('GET', `/api/v1/deputies?${q}`);
    all.push(...page.items);
    after = page.next;
  } while (after);
  return all;
}

/* Shows 我的履职 to a deputy, and 代为登记 to staff and admins; options.onSessionLost runs on a 401. */
export async function show(me, options = {}) {
  state.me = me;
  state.lost = lostBy(options.onSessionLost || (() => {}));
  state.year = thisYear();
  state.items = [];
  state.score = null;
  state.deputy = me.deputy_id ? {id: me.deputy_id, name: me.display_name} : null;
  $('duties-view').hidden = false;
  if (me.role === 'deputy' && !me.deputy_id) {
    $('duties-root').replaceChildren(h('p', {class: 'notice'}, t('duty.err.no_deputy')));
    return;
  }
  if (onBehalf()) {
    try {
      state.deputies = await loadDeputies();
    } catch (err) {
      if (!state.lost(err))
        $('duties-root').replaceChildren(h('p', {class: 'form-error', role: 'alert'}, problem(err)));
      return;
    }
  }
  build();
  if (!state.deputy)
    return;
  loadRules().then((rules) => {
    state.rules = rules;
    ruleHint();
  }).catch((err) => state.lost(err));
  await Promise.all([loadList(), loadScore()]);
}

export function hide() {
  state.me = null;
  state.seq++;
  hideSection('duties-view', 'duties-root');
}

/* Builds the section again in the current language, keeping what was read. */
export function render() {
  if (!state.me || !$('duties-root') || $('duties-view').hidden)
    return;
  if (!$('duty-list')) {
    build();
    return;
  }
  const old = $(P);
  build();
  renderScore();
  renderList();
  if (old)
    redrawForm(old);
}

/* The open form drawn again in the current language, keeping what was typed and the files chosen. */
function redrawForm(old) {
  const kind = (old.querySelector('input[name="kind"]:checked') || {}).value;
  const typed = ['title', 'happened_on', 'body'].map((name) => [name, old.elements.namedItem(name).value]);
  openForm(state.editing, false);
  const form = $(P);
  if (kind)
    $(`${P}-kind-${kind}`).checked = true;
  for (const [name, value] of typed)
    form.elements.namedItem(name).value = value;
  form.elements.namedItem('photos').replaceWith(old.elements.namedItem('photos'));
  ruleHint();
}
