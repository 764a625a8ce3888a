/* campaign: the public progress page of a campaign (主题活动, campaign.html?id=N) - its theme,
 * period and regions, a bar of done/target per task, what has counted so far by kind, region and
 * month, and the activities that count. Without ?id= it lists the campaigns. Only counts and
 * activity titles are shown: the API gives no one's personal data here. */

import './strings/campaign.js';
import {initI18n, t} from './i18n.js';
import {api} from './api.js';
import {$, h, idParam} from './dom.js';

const KINDS = ['activity', 'visit', 'opinion'];
const state = {campaign: null, list: null, status: () => t('campaign.loading')};

/* "YYYY-MM-DD" of the Beijing day of a UTC time in seconds. */
function beijingDay(seconds) {
  return new Date((seconds + 8 * 3600) * 1000).toISOString().slice(0, 10);
}

function section(id, headingKey, ...content) {
  return h('section', {class: 'card', 'aria-labelledby': id}, h('h2', {id}, t(headingKey)), content);
}

function facts(c) {
  const rows = [
    ['campaign.theme', c.theme],
    ['campaign.period', t('campaign.period.value', {from: c.starts_on, to: c.ends_on})],
    ['campaign.state', t(`campaign.state.${c.state}`)],
    ['campaign.office', c.region_name || c.region],
    ['campaign.regions', c.regions.map((r) => r.name).join('、')]
  ];
  return h('dl', {class: 'details'}, rows.map(([key, value]) => h('div', null, h('dt', null, t(key)), h('dd', null, value))));
}

function taskRow(task) {
  const who = (task.deputy || task.group || {}).name || '';
  const label = t('campaign.task.label', {who, title: task.title, done: task.done, target: task.target});
  return h('tr', null,
    h('th', {scope: 'row'}, who),
    h('td', null, task.title),
    h('td', null,
      h('progress', {value: String(Math.min(task.done, task.target)), max: String(task.target), 'aria-label': label}),
      ` ${t('campaign.task.done', {done: task.done, target: task.target})}`));
}

function tasks(c) {
  if (!c.tasks.length)
    return section('campaign-tasks', 'campaign.tasks', h('p', {class: 'muted'}, t('campaign.tasks.none')));
  return section('campaign-tasks', 'campaign.tasks',
    h('div', {class: 'table-wrap'}, h('table', {class: 'campaign-tasks'},
      h('thead', null, h('tr', null, ['campaign.task.who', 'campaign.task.task', 'campaign.task.progress']
        .map((key) => h('th', {scope: 'col'}, t(key))))),
      h('tbody', null, c.tasks.map(taskRow)))));
}

/* A table of counts with a bar each, its length the share of the largest; the number is written. */
function bars(captionKey, headKey, rows) {
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return h('table', {class: 'reports-bars'},
    h('caption', null, t(captionKey)),
    h('thead', null, h('tr', null, h('th', {scope: 'col'}, t(headKey)), h('th', {scope: 'col'}, t('campaign.count')))),
    h('tbody', null, rows.map(([name, n]) => h('tr', null, h('th', {scope: 'row'}, name),
      h('td', null, h('span', {class: 'bar', 'data-share': String(Math.round((n / max) * 10))}), ` ${n}`)))));
}

function counts(c) {
  const p = c.progress;
  return section('campaign-counts', 'campaign.counts',
    h('dl', {class: 'reports-figures'}, KINDS.map((kind) =>
      h('div', null, h('dt', null, t(`campaign.kind.${kind}`)), h('dd', {'data-kind': kind}, String(p.by_kind[kind]))))),
    bars('campaign.by_region', 'campaign.region', p.by_region.map((r) => [r.name, r.count])),
    p.by_month.length
      ? bars('campaign.by_month', 'campaign.month', p.by_month.map((m) => [m.month, m.activity + m.visit + m.opinion]))
      : null);
}

function activities(c) {
  if (!c.activities.length)
    return section('campaign-activities', 'campaign.activities', h('p', {class: 'muted'}, t('campaign.activities.none')));
  return section('campaign-activities', 'campaign.activities',
    h('ul', {class: 'campaign-activities'}, c.activities.map((a) => h('li', null,
      h('time', {datetime: beijingDay(a.starts_at)}, beijingDay(a.starts_at)), ' ', a.title,
      a.station && a.station.id ? [' · ', h('a', {href: `/station.html?id=${a.station.id}`}, a.station.name)] : null))));
}

function people(c) {
  const lists = [];
  if (c.deputies.length)
    lists.push(section('campaign-deputies', 'campaign.deputies',
      h('ul', {class: 'inline-list'}, c.deputies.map((d) => h('li', null, h('a', {href: `/deputy.html?id=${d.id}`}, d.name))))));
  if (c.groups.length)
    lists.push(section('campaign-groups', 'campaign.groups',
      h('ul', {class: 'inline-list'}, c.groups.map((g) => h('li', null, g.name)))));
  return lists;
}

function campaignPage(c) {
  return [
    h('h1', {id: 'campaign-heading', tabindex: '-1'}, c.title),
    c.description ? h('p', null, c.description) : null,
    facts(c), tasks(c), counts(c), activities(c), people(c)
  ];
}

function listPage(items) {
  return [
    h('h1', {id: 'campaign-heading'}, t('campaign.heading')),
    items.length
      ? h('ul', {class: 'campaign-list'}, items.map((c) => h('li', null,
        h('a', {href: `/campaign.html?id=${c.id}`}, c.title), ' ',
        h('span', {class: 'muted'}, `${c.theme} · ${t('campaign.period.value', {from: c.starts_on, to: c.ends_on})}`))))
      : h('p', {class: 'muted'}, t('campaigns.none'))
  ];
}

function render() {
  const shown = state.campaign ? campaignPage(state.campaign) : state.list ? listPage(state.list) : null;
  if (shown) {
    $('record').replaceChildren(...h('div', null, shown).childNodes); /* h drops the empty parts */
    $('record').hidden = false;
    $('status').textContent = '';
    document.title = t('campaign.title', {title: state.campaign ? state.campaign.title : t('campaign.heading')});
  } else {
    $('status').textContent = state.status();
  }
}

async function start() {
  initI18n();
  document.addEventListener('langchange', render);
  render();
  const id = idParam();
  try {
    if (id)
      state.campaign = await api('GET', `/api/v1/campaigns/${id}`);
    else
      state.list = (await api('GET', '/api/v1/campaigns')).items;
  } catch (err) {
    state.status = err.status === 404 ? () => t('campaign.not_found') : () => t('campaign.error', {message: err.message});
  }
  render();
}

start();
