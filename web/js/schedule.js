/* schedule: a station's 接待日公示表 for a month (schedule.html?station=N&month=YYYY-MM) - the
 * days of its reception days and activities with the time, place and deputies on duty, from GET
 * /api/v1/stations/:id/schedule, as a table to read on a phone, print on one clean A4 sheet
 * (css/reception.css: only the station's name, the month and the table reach the paper), or
 * download as Excel from the same API. */

import {initI18n, t} from './i18n.js';
import {api} from './api.js';
import {$, h, idParam} from './dom.js';
import {say, rerenderMessages} from './forms.js';
import {beijingMonth, addMonths, monthName, dayName, weekdayName, timeRange, titleOf, onDuty, seatsWords}
  from './activities.js';

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

const station = idParam('station');
let shown = null; /* the schedule answered, redrawn on a language switch */

function month() {
  const v = $('schedule-month').value;
  return MONTH.test(v) ? v : beijingMonth();
}

function seatsCell(a) {
  const words = seatsWords(a);
  return a.bookable ? h('a', {href: `/booking.html?station=${station}&activity=${a.id}`}, words) : words;
}

/* A cell with its column's name, which a phone shows before the value when the table is
 * stacked into cards (css/reception.css). */
function cell(column, attrs, ...content) {
  return h('td', {...attrs, 'data-label': t(`schedule.col.${column}`)}, ...content);
}

function dayRows(day) {
  const list = day.activities || [];
  const span = list.length > 1 ? String(list.length) : null;
  return list.map((a, i) => h('tr', null,
    i === 0 ? cell('date', {class: 'nowrap', rowspan: span}, dayName(day.date)) : null,
    i === 0 ? cell('weekday', {class: 'nowrap', rowspan: span}, weekdayName(day.date)) : null,
    cell('time', {class: 'nowrap'}, timeRange(a)),
    cell('activity', null, titleOf(a)),
    cell('place', null, a.place || ''),
    cell('deputies', null, onDuty(a)),
    cell('seats', {class: 'screen-only'}, seatsCell(a))));
}

function render() {
  if (!shown)
    return;
  const s = shown;
  const name = s.station ? s.station.name : '';
  $('schedule-title').textContent = name;
  document.title = t('schedule.title', {name});
  $('schedule-meta').textContent = t('schedule.meta', {month: monthName(s.month)});
  say('schedule-address', s.station && s.station.address ? () => t('schedule.address', {address: s.station.address}) : null);
  $('schedule-caption').textContent = t('schedule.caption', {month: monthName(s.month)});
  const rows = (s.days || []).filter((d) => (d.activities || []).length).flatMap(dayRows);
  $('schedule-table').tBodies[0].replaceChildren(...(rows.length ? rows
    : [h('tr', null, h('td', {colspan: '7'}, t('schedule.empty')))]));
  $('schedule-sheet').hidden = false;
}

async function show() {
  const m = month();
  $('schedule-month').value = m;
  $('schedule-print').disabled = true;
  $('schedule-xlsx').href = `/api/v1/stations/${station}/schedule.xlsx?month=${m}`;
  $('schedule-xlsx').setAttribute('download', '');
  window.history.replaceState(null, '', `?station=${station}&month=${m}`);
  say('schedule-status', () => t('schedule.loading'));
  try {
    shown = await api('GET', `/api/v1/stations/${station}/schedule?month=${m}`);
  } catch (err) {
    shown = null;
    $('schedule-sheet').hidden = true;
    say('schedule-status', () => t('schedule.error', {message: err.message}));
    return;
  }
  say('schedule-status', null);
  render();
  $('schedule-print').disabled = false;
}

function start() {
  initI18n();
  document.addEventListener('langchange', () => {
    rerenderMessages();
    render();
  });
  if (!station) {
    say('schedule-status', () => t('schedule.no_station'));
    for (const id of ['schedule-form', 'schedule-print', 'schedule-xlsx', 'schedule-book'])
      $(id).hidden = true;
    return;
  }
  $('schedule-back').href = `/station.html?id=${station}`;
  $('schedule-book').href = `/booking.html?station=${station}`;
  const wanted = new URLSearchParams(window.location.search).get('month');
  $('schedule-month').value = wanted && MONTH.test(wanted) ? wanted : beijingMonth();
  $('schedule-print').addEventListener('click', () => window.print());
  $('schedule-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    show();
  });
  for (const [id, step] of [['schedule-prev', -1], ['schedule-next', 1]]) {
    $(id).addEventListener('click', () => {
      $('schedule-month').value = addMonths(month(), step);
      show();
    });
  }
  show();
}

start();
