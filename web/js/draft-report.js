/* draft-report: the feedback report of a draft (draft-report.html?id=N) - per article the
 * comments by source and which were adopted - to read, print (css/draft.css: A4) or download
 * as Excel from the same API. For the office and the station staff of the draft's region. */

import './strings/draft.js';
import {initI18n, t, getLang} from './i18n.js';
import {api} from './api.js';
import {$, h, idParam} from './dom.js';

const id = idParam('id');
let report = null; /* the report shown, to redraw on a language switch */

function counts(c, adopted) {
  return {online: c.online, deputy: c.deputy, meeting: c.meeting, total: c.total, adopted};
}

function commentRow(c) {
  return h('tr', null,
    h('td', null, t(`source.${c.source}`) + (c.station ? ` · ${c.station.name}` : '') + (c.meeting ? ` · ${c.meeting}` : '')),
    h('td', null, c.author || t('report.anonymous')),
    h('td', null, c.content),
    h('td', null, t(c.adopted ? 'report.adopted' : 'report.not_adopted')),
    h('td', null, c.adoption_note));
}

function articleBlock(a) {
  const head = ['report.col.source', 'report.col.author', 'report.col.content', 'report.col.adopted', 'report.col.note'];
  return h('section', {class: 'report-article', 'aria-labelledby': `report-a${a.number}`},
    h('h2', {id: `report-a${a.number}`}, a.topic ? `${a.label}（${a.topic}）` : a.label),
    h('p', {class: 'draft-text'}, a.text),
    h('p', {class: 'muted'}, t('report.article.counts', counts(a.counts, a.adopted))),
    a.comments.length
      ? h('div', {class: 'table-scroll', role: 'region', tabindex: '0', 'aria-labelledby': `report-a${a.number}`},
        h('table', null,
          h('thead', null, h('tr', null, head.map((key) => h('th', {scope: 'col'}, t(key))))),
          h('tbody', null, a.comments.map(commentRow))))
      : h('p', null, t('report.none')));
}

function render() {
  if (!report)
    return;
  const d = report.draft;
  $('report-title').textContent = `${d.title} · ${t('report.heading')}`;
  $('report-meta').textContent = `${d.region_name} · ${t('draft.deadline', {date: d.deadline})} · ${t(`draft.state.${d.state}`)}`;
  $('report-totals').textContent = t('report.totals', report.totals);
  $('report-articles').replaceChildren(...report.articles.map(articleBlock));
  $('report-xlsx').href = `/api/v1/drafts/${id}/report.xlsx${getLang() === 'en' ? '?lang=en' : ''}`;
}

async function start() {
  initI18n();
  document.addEventListener('langchange', render);
  $('report-print').addEventListener('click', () => window.print());
  if (!id) {
    $('report-status').textContent = t('report.missing');
    return;
  }
  try {
    report = await api('GET', `/api/v1/drafts/${id}/report`);
    render();
    $('report-print').disabled = false;
  } catch (err) {
    $('report-status').textContent = t('draft.error', {message: err.message});
  }
}

start();
