/* activities: what the pages of reception days and activities share - the public station
 * calendar (station.js), booking (booking.js), the 接待日公示表 (schedule.js) and the workspace's
 * 接待与活动 (reception.js): Beijing days and times of an activity, the words for its kind and
 * state, who is on duty, and the seats left.
 *
 * Times come from the API as UTC seconds and are always shown in Beijing time, whatever the
 * device's zone; a day is 'YYYY-MM-DD' and a month 'YYYY-MM' there too. Every string lives in
 * strings/booking.js under activity.*. */

import './strings/booking.js';
import {t, has, getLang} from './i18n.js';
import {h} from './dom.js';

export const KINDS = ['reception', 'group', 'inspection', 'research', 'report', 'legislative', 'other'];

const BEIJING_OFFSET_S = 8 * 3600; /* China keeps no summer time */
const DAY_S = 86400;

/* The Beijing wall clock of unix seconds as a Date read with its UTC getters. */
function wall(unix) {
  return new Date((unix + BEIJING_OFFSET_S) * 1000);
}

/* 'YYYY-MM-DD' of unix seconds (now when left out), in Beijing. */
export function beijingDay(unix = Date.now() / 1000) {
  return wall(unix).toISOString().slice(0, 10);
}

export function beijingMonth(unix = Date.now() / 1000) {
  return beijingDay(unix).slice(0, 7);
}

/* 'HH:MM' of unix seconds in Beijing. */
export function clock(unix) {
  return wall(unix).toISOString().slice(11, 16);
}

/* 'YYYY-MM-DDTHH:MM' in Beijing, as an <input type="datetime-local"> and the API take it. */
export function localInput(unix) {
  return wall(unix).toISOString().slice(0, 16);
}

/* Weekday of a day 'YYYY-MM-DD': 1 Monday .. 7 Sunday. */
export function weekdayOf(day) {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

export function weekdayName(day) {
  return t(`activity.weekday.${weekdayOf(day)}`);
}

/* A day moved by n days ('2026-05-11', 7 -> '2026-05-18'). */
export function addDays(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_S * 1000).toISOString().slice(0, 10);
}

/* A month moved by n months ('2026-12', 1 -> '2027-01'). */
export function addMonths(month, n) {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

/* '2026年5月12日' / '12 May 2026' of a day 'YYYY-MM-DD'. */
export function dayName(day) {
  const [y, m, d] = day.split('-').map(Number);
  return getLang() === 'en'
    ? new Intl.DateTimeFormat('en-GB', {timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric'})
      .format(new Date(Date.UTC(y, m - 1, d)))
    : `${y}年${m}月${d}日`;
}

/* '2026年5月' / 'May 2026' of a month 'YYYY-MM'. */
export function monthName(month) {
  const [y, m] = month.split('-').map(Number);
  return getLang() === 'en'
    ? new Intl.DateTimeFormat('en-GB', {timeZone: 'UTC', month: 'long', year: 'numeric'}).format(new Date(Date.UTC(y, m - 1, 1)))
    : `${y}年${m}月`;
}

/* '09:00–11:30' of an activity. */
export function timeRange(a) {
  return `${clock(a.starts_at)}–${clock(a.ends_at)}`;
}

/* '2026年5月12日 星期二 09:00–11:30': the day, weekday and time of an activity. */
export function when(a) {
  const day = beijingDay(a.starts_at);
  return `${dayName(day)} ${weekdayName(day)} ${timeRange(a)}`;
}

export function kindName(kind) {
  return has(`activity.kind.${kind}`) ? t(`activity.kind.${kind}`) : String(kind);
}

export function stateName(state) {
  return has(`activity.state.${state}`) ? t(`activity.state.${state}`) : String(state);
}

/* The deputies on duty as words ('张三、李四'), or the words for nobody named. */
export function onDuty(a) {
  const names = (a.deputies || []).map((d) => d.name);
  return names.length ? names.join(t('activity.list.separator')) : t('activity.duty.none');
}

/* The seats as words: how many are left, or why nobody can book. */
export function seatsWords(a) {
  if (a.state === 'cancelled')
    return t('activity.state.cancelled');
  if (!a.capacity)
    return t('activity.seats.walk_in');
  if (a.bookable)
    return t('activity.seats.left', {n: a.seats_left});
  return a.seats_left > 0 ? t('activity.seats.closed') : t('activity.seats.full');
}

/* The title of an activity, with its kind when the title does not say it already. */
export function titleOf(a) {
  const kind = kindName(a.kind);
  return a.title && a.title !== kind ? `${kind} · ${a.title}` : kind;
}

/* A <time> of an activity's start, its text what when() says. */
export function whenEl(a) {
  return h('time', {datetime: `${localInput(a.starts_at)}+08:00`}, when(a));
}
