/* annual_report_editor: 述职报告 in the staff workspace, for a deputy - the report of a year: made
 * as a draft from the year's confirmed records (POST /api/v1/deputies/:id/annual-reports {year};
 * again while a draft, which replaces it), changed (PATCH /api/v1/annual-reports/:id {title, body})
 * and published on the deputy's public page (POST .../publish), or taken back (.../unpublish).
 * Once published the page shows it read-only with its ratings and a link to the public page
 * (annual-report.html?id=). */

import {t} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {say, once} from './forms.js';
import {field, textOf} from './inbox_common.js';
import {beijingDate} from './opinion-public.js';
import {thisYear, yearField, problem, lostBy, ratingsText, submitter, hideSection} from './duty_common.js';

const P = 'ar';

const state = {
  me: null,
  lost: () => false,
  year: thisYear(),
  report: null,      /* the year's report, or null when there is none */
  seq: 0
};

const path = () => `/api/v1/deputies/${state.me.deputy_id}/annual-reports`;

/* The year's report: the deputy's list names it (drafts too, for the deputy); then read whole. */
async function load() {
  const seq = ++state.seq;
  say(`${P}-error`, null);
  say(`${P}-status`, () => t('duty.loading'));
  let report = null;
  try {
    const list = await api('GET', path());
    const found = ((list && list.items) || []).find((r) => Number(r.year) === state.year);
    if (found)
      report = await api('GET', `/api/v1/annual-reports/${found.id}`);
  } catch (err) {
    if (state.lost(err) || seq !== state.seq)
      return;
    say(`${P}-status`, null);
    say(`${P}-error`, () => problem(err));
    return;
  }
  if (seq !== state.seq)
    return;
  state.report = report;
  renderReport();
}

/* Runs a step of the report; the answer is the report as it now is. */
async function step(button, fn, doneKey, focusId) {
  once(button, async () => {
    say(`${P}-error`, null);
    say(`${P}-notice`, null);
    try {
      const report = await fn();
      state.report = report && report.id ? report : await api('GET', `/api/v1/annual-reports/${state.report.id}`);
      renderReport();
      say(`${P}-notice`, () => t(doneKey, {year: state.year}));
      $(focusId || `${P}-notice`).focus();
    } catch (err) {
      if (!state.lost(err))
        say(`${P}-error`, () => problem(err));
    }
  });
}

function generate(event) {
  const regenerating = state.report && state.report.state === 'draft';
  if (regenerating && !window.confirm(t('duty.report.regenerate.confirm')))
    return;
  step(event.currentTarget, () => api('POST', path(), {year: state.year}), 'duty.report.generated', `${P}-notice`);
}

function editor(r) {
  const form = h('form', {id: `${P}-form`, class: 'duty-report-form', novalidate: true, 'aria-labelledby': `${P}-heading`},
    field(P, 'title', 'duty.report.title', {type: 'text', required: true, max: 200, value: r.title}),
    field(P, 'body', 'duty.report.body', {required: true, max: 20000, hintKey: 'duty.report.body.hint', value: r.body}),
    h('p', {id: `${P}-form-error`, class: 'form-error', role: 'alert'}),
    h('div', {class: 'form-actions'},
      h('button', {type: 'submit', class: 'primary'}, t('duty.report.save')),
      h('button', {type: 'button', id: `${P}-publish`, class: 'primary', onclick: onPublish}, t('duty.report.publish')),
      h('button', {type: 'button', class: 'secondary', onclick: generate}, t('duty.report.regenerate'))));
  form.elements.namedItem('body').rows = 18;
  return submitter(form, `${P}-form-error`, state.lost, async () => {
    say(`${P}-notice`, null);
    state.report = await save(form);
    say(`${P}-notice`, () => t('duty.report.saved'));
    $(`${P}-notice`).focus();
  });
}

function save(form) {
  return api('PATCH', `/api/v1/annual-reports/${state.report.id}`,
    {title: textOf(form, 'title') || '', body: form.elements.namedItem('body').value});
}

/* Publishing saves what is typed first, so nothing typed is lost. */
function onPublish(event) {
  if (!window.confirm(t('duty.report.publish.confirm')))
    return;
  const form = $(`${P}-form`);
  step(event.currentTarget, async () => {
    await save(form);
    return api('POST', `/api/v1/annual-reports/${state.report.id}/publish`, {});
  }, 'duty.report.published');
}

function published(r) {
  return [
    h('p', {class: 'item-meta'}, r.published_at ? t('duty.report.published_at', {date: beijingDate(r.published_at)}) : null),
    r.ratings ? h('p', {class: 'duty-ratings'}, ratingsText(r.ratings)) : null,
    h('h4', null, r.title),
    h('div', {class: 'prose duty-report-body'}, r.body),
    h('div', {class: 'form-actions'},
      h('a', {class: 'button primary', href: `/annual-report.html?id=${r.id}`}, t('duty.report.view')),
      h('button', {type: 'button', class: 'secondary', onclick: (event) => step(event.currentTarget,
        () => api('POST', `/api/v1/annual-reports/${r.id}/unpublish`, {}), 'duty.report.unpublished')},
      t('duty.report.unpublish')))
  ];
}

function renderReport() {
  const box = $(`${P}-report`);
  if (!box)
    return;
  const r = state.report;
  say(`${P}-status`, () => (r ? `${t('duty.year.value', {year: state.year})} · ${t(`duty.report.state.${r.state}`)}`
    : t('duty.report.none', {year: state.year})));
  if (!r) {
    box.replaceChildren(h('button', {type: 'button', id: `${P}-generate`, class: 'primary', onclick: generate},
      t('duty.report.generate', {year: state.year})));
    return;
  }
  box.replaceChildren(...(r.state === 'published' ? published(r).filter(Boolean) : [editor(r)]));
}

function build() {
  $('annual-report-root').replaceChildren(
    h('p', {class: 'muted'}, t('duty.report.intro')),
    yearField(`${P}-year`, state.year, (year) => {
      state.year = year;
      state.report = null;
      load();
    }),
    h('p', {id: `${P}-status`, class: 'inbox-count', role: 'status'}),
    h('p', {id: `${P}-notice`, class: 'notice', role: 'status', tabindex: '-1'}),
    h('p', {id: `${P}-error`, class: 'form-error', role: 'alert'}),
    h('div', {id: `${P}-report`}));
}

/* Shows 述职报告 to a deputy; options.onSessionLost runs on a 401. */
export async function show(me, options = {}) {
  state.me = me;
  state.lost = lostBy(options.onSessionLost || (() => {}));
  state.year = thisYear();
  state.report = null;
  $('annual-report-view').hidden = false;
  if (!me.deputy_id) {
    $('annual-report-root').replaceChildren(h('p', {class: 'notice'}, t('duty.err.no_deputy')));
    return;
  }
  build();
  await load();
}

export function hide() {
  state.me = null;
  state.seq++;
  hideSection('annual-report-view', 'annual-report-root');
}

/* Draws the section again in the current language; a draft being typed keeps its text. */
export function render() {
  if (!state.me || !$(`${P}-report`))
    return;
  const form = $(`${P}-form`);
  const typed = form ? {title: form.elements.namedItem('title').value, body: form.elements.namedItem('body').value} : null;
  build();
  renderReport();
  if (typed && $(`${P}-form`)) {
    $(`${P}-form`).elements.namedItem('title').value = typed.title;
    $(`${P}-form`).elements.namedItem('body').value = typed.body;
  }
}
