/* duty_common: what the pages of duty records (履职档案) share - the twelve kinds and the words
 * for states, sources, periods and evidence (a state is always said in words, never by colour
 * alone), the scoring rules read once, the year in Beijing, the explained score (every point
 * named by the record that earned it), a record's photos as thumbnails, small bar charts drawn
 * in SVG (the page's policy forbids style="", so sizes go in SVG attributes), and API errors in
 * this feature's words. Every string lives in strings/duties.js under duty.*. */

import './strings/duties.js';
import {t, has, getLang} from './i18n.js';
import {api} from './api.js';
import {h} from './dom.js';
import {errorText, clearFormError, showFormError, missingField, once} from './forms.js';
import {beijingDay, dayName} from './activities.js';

export const KINDS = ['training', 'meeting', 'observe', 'inspection', 'reception', 'visit', 'suggestion', 'group',
  'report', 'help', 'campaign', 'online'];
export const PERIODS = ['month', 'quarter', 'year'];
export const EVIDENCE = ['none', 'text', 'photo'];
export const YEARS_BACK = 5; /* years offered in a year select, this one included */

/* word('state', 'pending') -> '待确认'; an unknown code is shown as it came. */
export function word(group, code) {
  const key = `duty.${group}.${code}`;
  return has(key) ? t(key) : String(code ?? '');
}

export function stateBadge(state) {
  return h('span', {class: `badge duty-state duty-state-${state}`}, word('state', state));
}

/* The year of today in Beijing, as a number. */
export function thisYear() {
  return Number(beijingDay().slice(0, 4));
}

/* A labelled select of the last few years; onChange(year) on a change. */
export function yearField(id, year, onChange) {
  const select = h('select', {id, name: 'year'},
    Array.from({length: YEARS_BACK}, (_, i) => thisYear() - i)
      .map((y) => h('option', {value: String(y), selected: y === year}, t('duty.year.value', {year: y}))));
  select.addEventListener('change', () => onChange(Number(select.value)));
  return h('div', {class: 'field duty-year'}, h('label', {for: id, 'data-i18n': 'duty.year'}, t('duty.year')), select);
}

/* '2026年5月11日' of 'YYYY-MM-DD', in a <time>. */
export function dayEl(day) {
  return h('time', {datetime: day}, dayName(day));
}

/* ---- rules --------------------------------------------------------------------------------- */

let rules = null;

/* The scoring rules (GET /api/v1/duty-rules), read once a page unless fresh is asked. */
export function loadRules(fresh = false) {
  if (!rules || fresh) {
    rules = api('GET', '/api/v1/duty-rules').then((data) => (data && data.items) || []);
    rules.catch(() => { rules = null; });
  }
  return rules;
}

/* A rule's name in the current language: the name kept as data, or the kind's word in English. */
export function ruleName(rule) {
  if (getLang() === 'en')
    return rule.name_en || word('kind', rule.kind);
  return rule.name || word('kind', rule.kind);
}

export function capText(cap) {
  return cap === null || cap === undefined ? t('duty.cap.none') : t('duty.cap', {cap});
}

/* ---- errors -------------------------------------------------------------------------------- */

/* The words for a refusal of this feature, else what forms.js knows. */
export function reason(err) {
  if (err.key)
    return t(err.key);
  if (err.code === 'evidence_missing')
    return t(err.field === 'photo' ? 'duty.err.evidence.photo' : 'duty.err.evidence.body');
  for (const code of ['duplicate', 'too_large', 'unsupported_type', 'decompression_bomb', 'published', 'already_rated',
    'not_linked']) {
    if (err.code === code)
      return t(`duty.err.${code}`);
  }
  if (err.status === 409 && (err.code === 'conflict' || err.code === 'illegal_transition' || err.code === 'not_pending'))
    return t('duty.err.state');
  if (err.status === 422 && err.field && has(`duty.err.${err.field}`))
    return t(`duty.err.${err.field}`);
  return null;
}

export function problem(err) {
  const text = errorText(err, reason);
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/* lost(err) -> true (after calling onSessionLost) when err says the session has ended. */
export function lostBy(onSessionLost) {
  return (err) => {
    if (err && err.status === 401) {
      onSessionLost();
      return true;
    }
    return false;
  };
}

/* Runs form's request once at a time on submit: an empty required field, a client-side error
 * fn throws or the server's refusal is shown on the field it names, which takes the focus;
 * lost(err) ends it quietly when the session is gone. */
export function submitter(form, errorId, lost, fn) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    once(form, async () => {
      clearFormError(form, errorId);
      try {
        const missing = missingField(form);
        if (missing)
          throw missing;
        await fn(form);
      } catch (err) {
        if (lost(err))
          return;
        const el = showFormError(form, errorId, err, reason);
        (el || form.querySelector('input, select, textarea')).focus();
      }
    });
  });
  return form;
}

/* Hides a section of the workspace and empties it. */
export function hideSection(viewId, rootId) {
  const view = document.getElementById(viewId);
  if (view) {
    view.hidden = true;
    document.getElementById(rootId).replaceChildren();
  }
}

/* ---- photos -------------------------------------------------------------------------------- */

export function photoPath(recordId, photoId, thumb = false) {
  return `/api/v1/duty-records/${recordId}/photos/${photoId}${thumb ? '/thumb' : ''}`;
}

/* The record's photos as thumbnails, each a link to the full photo; null when there are none. */
export function thumbnails(record) {
  const ids = record.photos || [];
  if (!ids.length)
    return null;
  return h('ul', {class: 'duty-thumbs'}, ids.map((id, i) => h('li', null,
    h('a', {href: photoPath(record.id, id), target: '_blank', rel: 'noopener',
      'aria-label': t('duty.photo.open', {title: record.title, n: i + 1})},
    h('img', {src: photoPath(record.id, id, true), alt: t('duty.photo.alt', {title: record.title, n: i + 1}),
      loading: 'lazy', decoding: 'async', width: 96, height: 72})))));
}

/* ---- bars ---------------------------------------------------------------------------------- */

const SVG = 'http://www.w3.org/2000/svg';

function rect(cls, width) {
  const r = document.createElementNS(SVG, 'rect');
  for (const [k, v] of Object.entries({class: cls, width, height: '100%', rx: 3}))
    r.setAttribute(k, String(v));
  return r;
}

/* A bar showing value out of max, hidden from screen readers (the number is said beside it). */
export function bar(value, max, cls = '') {
  const svg = document.createElementNS(SVG, 'svg');
  for (const [k, v] of Object.entries({class: `duty-bar ${cls}`.trim(), 'aria-hidden': 'true', focusable: 'false',
    width: '100%', height: 14}))
    svg.setAttribute(k, String(v));
  const share = max > 0 ? Math.max(0, Math.min(1, value / max)) : 0;
  svg.append(rect('duty-bar-track', '100%'), rect('duty-bar-fill', `${Math.round(share * 1000) / 10}%`));
  return svg;
}

/* A small bar chart: rows [{label, value, text, href?}] as a list, each with its bar; the
 * caption names it. Rows with a value of 0 still show, so nobody is left out of the picture. */
export function barChart(id, captionKey, rows) {
  const max = Math.max(0, ...rows.map((r) => r.value));
  return h('figure', {class: 'duty-chart', 'aria-labelledby': `${id}-caption`},
    h('figcaption', {id: `${id}-caption`}, t(captionKey)),
    h('ul', {id, class: 'duty-chart-rows'}, rows.map((r) => h('li', {class: r.value ? 'duty-chart-row' : 'duty-chart-row zero'},
      h('span', {class: 'duty-chart-label'}, r.href ? h('a', {href: r.href}, r.label) : r.label),
      bar(r.value, max),
      h('span', {class: 'duty-chart-value'}, r.text)))));
}

/* ---- the explained score ------------------------------------------------------------------- */

function recordLine(r) {
  return h('li', {class: r.points ? 'duty-earned' : 'duty-earned zero', 'data-record': String(r.id)},
    h('span', {class: 'duty-earned-what'}, t('duty.score.detail.record', {day: dayName(r.happened_on), title: r.title,
      source: word('source', r.source)})),
    h('span', {class: 'duty-earned-points'}, r.points ? t('duty.score.detail.record.points', {n: r.points})
      : t('duty.score.detail.record.zero')));
}

function ruleBlock(item, idPrefix, i) {
  const rule = item.rule;
  const records = item.records || [];
  const capped = Number(item.raw) > Number(item.points);
  const headingId = `${idPrefix}-rule-${i}`;
  return h('li', {class: 'duty-rule', 'data-kind': rule.kind, 'aria-labelledby': headingId},
    h('h4', {id: headingId}, t('duty.score.detail.rule', {name: ruleName(rule), points: item.points})),
    h('p', {class: 'item-meta'}, t('duty.score.detail.rule.meta', {each: rule.points, cap: capText(rule.cap),
      period: word('period', rule.period), n: records.length})),
    capped ? h('p', {class: 'badge flag-warn'}, t('duty.score.detail.capped', {raw: item.raw})) : null,
    records.length ? h('ul', {class: 'duty-earned-list'}, records.map(recordLine)) : null);
}

/* The score of a deputy ({year, score, rank, of, items:[{rule, points, raw, records}]}) with
 * every rule that has records, its points and cap, and each record with what it earned. */
export function scoreExplained(score, idPrefix) {
  const items = (score.items || []).filter((x) => (x.records || []).length || x.points);
  return h('div', {class: 'duty-explain'},
    h('p', {class: 'duty-total'}, t('duty.score.detail.total', {score: score.score, rank: score.rank, of: score.of})),
    items.length
      ? h('ol', {class: 'duty-rule-list'}, items.map((item, i) => ruleBlock(item, idPrefix, i)))
      : h('p', {class: 'muted'}, t('duty.score.detail.none')));
}

/* ---- annual reports ------------------------------------------------------------------------ */

export function ratingsText(c) {
  return t('duty.report.ratings', {satisfied: c.satisfied || 0, basic: c.basic || 0, unsatisfied: c.unsatisfied || 0});
}

const reportLists = new Map(); /* deputy id -> the published reports (a promise) */

/* The card of a deputy's public page listing their published annual reports (GET
 * /api/v1/deputies/:id/annual-reports), each a link to annual-report.html?id=; it stays empty
 * and hidden while there are none. */
export function publishedReports(deputy) {
  if (!reportLists.has(deputy.id)) {
    reportLists.set(deputy.id, api('GET', `/api/v1/deputies/${deputy.id}/annual-reports`)
      .then((data) => ((data && data.items) || []).filter((r) => !r.state || r.state === 'published'))
      .catch(() => []));
  }
  const id = `reports-${deputy.id}`;
  const card = h('section', {class: 'card duty-report-list', 'aria-labelledby': id, hidden: true});
  reportLists.get(deputy.id).then((items) => {
    if (!items.length)
      return;
    card.replaceChildren(h('h2', {id}, t('duty.report.list.heading')),
      h('ul', {class: 'link-list'}, items.map((r) => h('li', null,
        h('a', {class: 'item-link', href: `/annual-report.html?id=${r.id}`},
          h('span', {class: 'item-title'}, t('duty.report.list.item', {year: r.year, title: r.title})),
          r.ratings ? h('span', {class: 'item-meta'}, ratingsText(r.ratings)) : null)))));
    card.hidden = false;
  });
  return card;
}
