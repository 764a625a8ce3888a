/* scores_board: two sections of the staff workspace.
 *
 * 履职积分 (staff, admins, members): the deputies of the account's region ranked by their score
 * of a year (GET /api/v1/scores), a bar beside each score; a name opens the score explained
 * (GET /api/v1/deputies/:id/score): each rule with its points, cap and period, and each record
 * with what it earned - a record over the cap says it earned nothing. Admins also get the
 * scoring rules (履职计分细则) to change: points, cap, period, evidence (PATCH
 * /api/v1/duty-rules/:id); the scores are computed on read, so the board is read again after.
 *
 * 履职义务 (staff, admins): per obligation who is behind (GET /api/v1/obligations), the counts
 * first as a small bar chart, then each list with what was done and which periods were missed.
 *
 * The one idea: each part is drawn from what the server last said, so a language switch draws
 * it again unchanged. */

import {t, getLang} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {say, once} from './forms.js';
import {field} from './inbox_common.js';
import {PERIODS, EVIDENCE, word, thisYear, yearField, loadRules, ruleName, capText, problem, lostBy, bar, barChart,
  scoreExplained, submitter, hideSection} from './duty_common.js';

const PAGE = 100;
const SHOWN = 50;   /* names listed per obligation; the count says how many more */

const state = {
  me: null,
  lost: () => false,
  year: thisYear(),
  items: [],        /* the ranking */
  next: null,
  detail: null,     /* {deputy, score} explained */
  rules: [],
  editing: null,    /* the rule whose form is open */
  obligations: null,
  seq: 0
};

/* ---- the ranking ----------------------------------------------------------------------------- */

async function loadScores(append = false) {
  const seq = append ? state.seq : ++state.seq;
  say('sb-error', null);
  if (!append)
    say('sb-status', () => t('duty.loading'));
  const q = new URLSearchParams({year: String(state.year), limit: String(PAGE)});
  if (append && state.next)
    q.set('after', String(state.next));
  try {
    const data = await api('GET', `/api/v1/scores?${q}`);
    if (seq !== state.seq)
      return;
    const page = (data && data.items) || [];
    state.items = append ? state.items.concat(page) : page;
    state.next = (data && data.next) || null;
  } catch (err) {
    if (!state.lost(err) && seq === state.seq) {
      say('sb-status', null);
      say('sb-error', () => problem(err));
    }
    return;
  }
  renderScores();
}

function scoreRow(x, max) {
  const d = x.deputy || {};
  return h('tr', {'data-deputy': String(d.id)},
    h('td', {class: 'duty-rank'}, String(x.rank)),
    h('th', {scope: 'row', class: 'duty-name'},
      h('button', {type: 'button', class: 'link-button', 'data-explain': String(d.id),
        'aria-label': t('duty.score.explain.label', {name: d.name})}, d.name)),
    h('td', {class: 'duty-score-cell'}, h('span', {class: 'duty-score-number'}, String(x.score)), bar(x.score, max)),
    h('td', {class: 'duty-records-cell'}, String(x.records ?? '')));
}

function renderScores() {
  const body = $('sb-body');
  if (!body)
    return;
  const max = Math.max(0, ...state.items.map((x) => x.score));
  $('sb-caption').textContent = t('duty.score.caption', {year: state.year});
  body.replaceChildren(...state.items.map((x) => scoreRow(x, max)));
  $('sb-table').hidden = !state.items.length;
  say('sb-status', state.items.length ? null : () => t('duty.score.empty', {year: state.year}));
  $('sb-more').hidden = !state.next;
}

/* ---- one score explained ------------------------------------------------------------------- */

async function explain(deputy) {
  say('sb-error', null);
  try {
    const score = await api('GET', `/api/v1/deputies/${deputy.id}/score?year=${state.year}`);
    state.detail = {deputy, score};
  } catch (err) {
    if (!state.lost(err))
      say('sb-error', () => problem(err));
    return;
  }
  renderDetail();
  $('sb-detail-heading').focus();
}

function closeDetail() {
  const id = state.detail && state.detail.deputy.id;
  state.detail = null;
  renderDetail();
  document.querySelector(`#sb-body button[data-explain="${id}"]`)?.focus();
}

function renderDetail() {
  const box = $('sb-detail');
  if (!box)
    return;
  const d = state.detail;
  box.hidden = !d;
  if (!d) {
    box.replaceChildren();
    return;
  }
  box.replaceChildren(
    h('h3', {id: 'sb-detail-heading', tabindex: '-1'}, t('duty.score.detail.heading', {name: d.deputy.name,
      year: d.score.year || state.year})),
    scoreExplained(d.score, 'sb'),
    h('button', {type: 'button', class: 'secondary', onclick: closeDetail}, t('duty.score.detail.close')));
}

function onTableClick(event) {
  const button = event.target.closest('button[data-explain]');
  if (!button)
    return;
  const x = state.items.find((i) => String(i.deputy.id) === button.dataset.explain);
  if (x)
    once(button, () => explain(x.deputy));
}

/* ---- the rules (admins) -------------------------------------------------------------------- */

/* A rule as a line a phone can show: its name, then points, cap, period and evidence; its form
 * opens under it. */
function ruleItem(r) {
  return h('li', {class: 'duty-rule-item', 'data-rule': String(r.id)},
    h('p', null, h('strong', null, ruleName(r))),
    h('p', {class: 'item-meta'}, [t('duty.points', {n: r.points}), capText(r.cap), word('period', r.period),
      word('evidence', r.evidence)].join(' · ')),
    state.editing && state.editing.id === r.id ? ruleForm(r)
      : h('button', {type: 'button', class: 'secondary small', 'data-rule-edit': String(r.id),
        'aria-label': t('duty.rules.edit.label', {name: ruleName(r)})}, t('duty.rules.edit')));
}

function numberField(id, name, labelKey, value, hintKey) {
  return h('div', {class: 'field', 'data-field': name},
    h('label', {for: id}, h('span', {'data-field-label': true}, t(labelKey))),
    hintKey ? h('p', {class: 'hint', id: `${id}-hint`}, t(hintKey)) : null,
    h('input', {id, name, type: 'number', inputmode: 'numeric', min: 0, max: 1000, step: 1, value: value ?? '',
      'aria-describedby': [hintKey ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ')}),
    h('p', {class: 'field-error', id: `${id}-error`}));
}

/* A whole number typed in the field, null when empty, or NaN when it is not one. */
function wholeOf(form, name) {
  const raw = String(form.elements.namedItem(name).value).trim();
  if (!raw)
    return null;
  return /^-?[0-9]{1,6}$/.test(raw) ? Number(raw) : NaN;
}

function ruleForm(r) {
  const form = h('form', {id: 'sb-rule-form', class: 'action-form', novalidate: true, 'aria-labelledby': 'sb-rule-heading'},
    h('h4', {id: 'sb-rule-heading', tabindex: '-1'}, t('duty.rules.form.heading', {name: ruleName(r)})),
    h('div', {class: 'row-fields'},
      numberField('sb-rule-points', 'points', 'duty.rules.form.points', r.points),
      numberField('sb-rule-cap', 'cap', 'duty.rules.form.cap', r.cap, 'duty.rules.form.cap.hint')),
    field('sb-rule', 'period', 'duty.rules.form.period', {type: 'select', value: r.period,
      options: PERIODS.map((p) => [p, word('period', p)])}),
    field('sb-rule', 'evidence', 'duty.rules.form.evidence', {type: 'select', value: r.evidence,
      options: EVIDENCE.map((e) => [e, word('evidence', e)])}),
    h('p', {id: 'sb-rule-error', class: 'form-error', role: 'alert'}),
    h('div', {class: 'form-actions'},
      h('button', {type: 'submit', class: 'primary'}, t('duty.rules.form.submit')),
      h('button', {type: 'button', class: 'secondary', onclick: () => closeRule(r)}, t('duty.cancel'))));
  return submitter(form, 'sb-rule-error', state.lost, async () => {
    const points = wholeOf(form, 'points');
    const cap = wholeOf(form, 'cap');
    /* a negative cap goes to the server, whose refusal names the field */
    if (!Number.isInteger(points) || points < 0 || points > 1000)
      throw {status: 422, field: 'points', key: 'duty.rules.err.points'};
    if (Number.isNaN(cap))
      throw {status: 422, field: 'cap', key: 'duty.rules.err.cap'};
    const saved = await api('PATCH', `/api/v1/duty-rules/${r.id}`, {points, cap,
      period: form.elements.namedItem('period').value, evidence: form.elements.namedItem('evidence').value})
      .catch((err) => {
        throw err.field === 'cap' && err.status === 422 ? Object.assign(err, {key: 'duty.rules.err.cap'}) : err;
      });
    state.editing = null;
    say('sb-rules-notice', () => t('duty.rules.saved', {name: ruleName(saved || r)}));
    await refreshAfterRule();
    $('sb-rules-notice').focus();
  });
}

function closeRule(r) {
  state.editing = null;
  renderRules();
  document.querySelector(`#sb-rules button[data-rule-edit="${r.id}"]`)?.focus();
}

async function refreshAfterRule() {
  state.rules = await loadRules(true);
  renderRules();
  await loadScores();
  if (state.detail)
    await explain(state.detail.deputy);
}

function renderRules() {
  const box = $('sb-rules');
  if (!box)
    return;
  box.replaceChildren(h('ul', {class: 'duty-rule-items', 'aria-label': t('duty.rules.caption')}, state.rules.map(ruleItem)));
}

function onRulesClick(event) {
  const button = event.target.closest('button[data-rule-edit]');
  if (!button)
    return;
  state.editing = state.rules.find((r) => String(r.id) === button.dataset.ruleEdit) || null;
  renderRules();
  $('sb-rule-heading')?.focus();
}

/* ---- obligations --------------------------------------------------------------------------- */

async function loadObligations() {
  say('ob-error', null);
  say('ob-status', () => t('duty.loading'));
  try {
    state.obligations = await api('GET', `/api/v1/obligations?year=${state.year}`);
  } catch (err) {
    if (!state.lost(err)) {
      say('ob-status', null);
      say('ob-error', () => problem(err));
    }
    return;
  }
  renderObligations();
}

function obRuleName(rule) {
  return getLang() === 'en' && rule.name_en ? rule.name_en : rule.name;
}

function subjectPage(subject, id) {
  if (subject === 'deputy')
    return `/deputy.html?id=${id}`;
  if (subject === 'station')
    return `/station.html?id=${id}`;
  return null;
}

function behindItem(subject, x) {
  const href = subjectPage(subject, x.id);
  return h('li', {'data-subject': String(x.id)},
    h('p', null, href ? h('a', {href}, x.name) : h('strong', null, x.name), ' ',
      h('span', {class: 'badge flag-warn'}, t('duty.ob.item.done', {done: x.done, required: x.required}))),
    (x.missed || []).length ? h('p', {class: 'item-meta'}, t('duty.ob.item.missed', {periods: x.missed.join('、')})) : null,
    x.due ? h('p', {class: 'item-meta'}, t('duty.ob.item.due', {period: x.due})) : null);
}

function obligationBlock(entry, i) {
  const rule = entry.rule || {};
  const subject = entry.subject || rule.subject;
  const behind = entry.behind || {count: 0, items: []};
  const id = `ob-rule-${i}`;
  const items = behind.items || [];
  const rest = Math.max(0, behind.count - Math.min(items.length, SHOWN));
  return h('section', {class: 'duty-ob', 'aria-labelledby': `${id}-heading`, 'data-rule': rule.code || String(rule.id)},
    h('h4', {id: `${id}-heading`, tabindex: '-1'}, t('duty.ob.rule', {name: obRuleName(rule), subject: word('ob.subject', subject),
      period: word('period', rule.period), required: rule.required}), ' ',
    h('span', {class: behind.count ? 'badge flag-overdue' : 'badge state'}, t('duty.ob.behind', {n: behind.count}))),
    items.length
      ? h('ul', {class: 'duty-ob-list', 'aria-label': t('duty.ob.list', {name: obRuleName(rule)})},
        items.slice(0, SHOWN).map((x) => behindItem(subject, x)))
      : h('p', {class: 'muted'}, t('duty.ob.none')),
    rest ? h('p', {class: 'muted'}, t('duty.ob.more', {n: rest})) : null);
}

function renderObligations() {
  const box = $('ob-result');
  const o = state.obligations;
  if (!box || !o)
    return;
  const rules = o.rules || [];
  say('ob-status', () => t('duty.ob.summary', {year: o.year || state.year, rules: rules.length,
    behind: rules.filter((e) => e.behind && e.behind.count).length}));
  box.replaceChildren(
    barChart('ob-chart', 'duty.ob.chart', rules.map((e, i) => ({label: obRuleName(e.rule || {}), value: e.behind.count,
      text: t('duty.ob.behind', {n: e.behind.count}), href: `#ob-rule-${i}-heading`}))),
    ...rules.map(obligationBlock));
}

/* ---- the sections -------------------------------------------------------------------------- */

function chooseYear(year) {
  state.year = year;
  state.detail = null;
  renderDetail();
  loadScores();
  if ($('ob-result'))
    loadObligations();
}

function buildScores() {
  const table = h('table', {id: 'sb-table', class: 'duty-score-table', hidden: true},
    h('caption', {id: 'sb-caption'}),
    h('thead', null, h('tr', null,
      h('th', {scope: 'col', class: 'duty-rank'}, t('duty.score.rank')),
      h('th', {scope: 'col'}, t('duty.score.name')),
      h('th', {scope: 'col', class: 'duty-score-cell'}, t('duty.score.score')),
      h('th', {scope: 'col'}, t('duty.score.records')))),
    h('tbody', {id: 'sb-body'}));
  table.addEventListener('click', onTableClick);
  const admin = state.me.role === 'admin';
  const rules = h('div', {id: 'sb-rules'});
  rules.addEventListener('click', onRulesClick);
  const open = Boolean($('sb-rules-box') && $('sb-rules-box').open);
  $('scores-root').replaceChildren(...[
    h('p', {class: 'muted'}, t('duty.score.intro')),
    admin ? h('details', {id: 'sb-rules-box', class: 'duty-rules', open},
      h('summary', {id: 'sb-rules-heading'}, t('duty.rules.heading')),
      h('p', {class: 'muted'}, t('duty.rules.intro')),
      h('p', {id: 'sb-rules-notice', class: 'notice', role: 'status', tabindex: '-1'}),
      rules) : null,
    yearField('sb-year', state.year, chooseYear),
    h('p', {id: 'sb-status', class: 'inbox-count', role: 'status'}),
    h('p', {id: 'sb-error', class: 'form-error', role: 'alert'}),
    h('section', {id: 'sb-detail', class: 'duty-detail', 'aria-labelledby': 'sb-detail-heading', hidden: true}),
    h('div', {class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': t('duty.score.scroll')}, table),
    h('button', {type: 'button', id: 'sb-more', class: 'secondary', hidden: true, onclick: () => loadScores(true)},
      t('duty.more'))].filter(Boolean));
}

function buildObligations() {
  $('obligations-root').replaceChildren(
    h('p', {class: 'muted'}, t('duty.ob.intro')),
    h('p', {id: 'ob-status', class: 'inbox-count', role: 'status'}),
    h('p', {id: 'ob-error', class: 'form-error', role: 'alert'}),
    h('div', {id: 'ob-result'}));
}

/* Shows 履职积分 (and, with obligations set, 履职义务) ; options.onSessionLost runs on a 401. */
export async function show(me, {onSessionLost = () => {}, obligations = false} = {}) {
  state.me = me;
  state.lost = lostBy(onSessionLost);
  state.year = thisYear();
  state.detail = null;
  state.editing = null;
  state.obligations = null;
  $('scores-view').hidden = false;
  buildScores();
  const work = [loadScores()];
  if (obligations) {
    $('obligations-view').hidden = false;
    buildObligations();
    work.push(loadObligations());
  }
  if (me.role === 'admin') {
    work.push(loadRules().then((rules) => {
      state.rules = rules;
      renderRules();
    }).catch((err) => state.lost(err)));
  }
  await Promise.all(work);
}

export function hide() {
  state.me = null;
  state.seq++;
  hideSection('scores-view', 'scores-root');
  hideSection('obligations-view', 'obligations-root');
}

export function render() {
  if (!state.me || !$('sb-body'))
    return;
  const obligations = Boolean($('ob-result'));
  const editing = state.editing;
  buildScores();
  renderScores();
  renderDetail();
  state.editing = editing;
  renderRules();
  if (obligations) {
    buildObligations();
    renderObligations();
  }
}
