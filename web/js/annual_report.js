/* annual_report: the public page of a deputy's published annual report (annual-report.html?id=N,
 * GET /api/v1/annual-reports/:id) - whose it is, the year, the day it was published, the text -
 * and the form that rates it (POST /api/v1/annual-reports/:id/ratings {phone, rating, comment?}):
 * one rating per phone and report; the phone is only kept as a keyed hash on the server. */

import {initI18n, t} from './i18n.js';
import {api} from './api.js';
import {$, h, idParam} from './dom.js';
import {say, rerenderMessages, clearFormError, showFormError, missingField, formValues, once} from './forms.js';
import {beijingDate} from './opinion-public.js';
import {reason, ratingsText} from './duty_common.js';

const MOBILE = /^1[3-9][0-9]{9}$/;

const reportId = idParam('id');
let report = null;

function render() {
  const r = report;
  if (!r)
    return;
  document.title = t('duty.report.page.title', {title: r.title});
  $('report-title').textContent = r.title;
  const deputy = r.deputy || (r.deputy_id ? {id: r.deputy_id, name: ''} : null);
  const rows = [
    ['duty.report.page.deputy', deputy ? h('a', {href: `/deputy.html?id=${deputy.id}`}, deputy.name || `#${deputy.id}`) : null],
    ['duty.report.page.year', t('duty.year.value', {year: r.year})],
    ['duty.report.page.date', r.published_at ? beijingDate(r.published_at) : null]
  ].filter(([, v]) => v);
  $('report-facts').replaceChildren(...rows.map(([k, v]) => h('div', null, h('dt', null, t(k)), h('dd', null, v))));
  $('report-body').textContent = r.body;
  $('rate-counts').textContent = r.ratings ? ratingsText(r.ratings) : '';
  if (deputy) {
    $('report-back').href = `/deputy.html?id=${deputy.id}`;
    $('report-back').textContent = t('duty.report.page.back');
  }
}

async function read() {
  report = await api('GET', `/api/v1/annual-reports/${reportId}`);
  render();
}

function onRate(event) {
  event.preventDefault();
  const form = event.currentTarget;
  once(form, async () => {
    clearFormError(form, 'rate-error');
    say('rate-done', null);
    const v = formValues(form);
    const phone = (v.phone || '').replace(/[\s-]+/g, '');
    const bad = missingField(form) || (!MOBILE.test(phone) ? {status: 422, field: 'phone', key: 'duty.err.phone'}
      : !v.rating ? {status: 422, field: 'rating', key: 'duty.err.rating'} : null);
    if (bad) {
      showFormError(form, 'rate-error', bad, reason).focus();
      return;
    }
    const body = {phone, rating: v.rating};
    if (v.comment && v.comment.trim())
      body.comment = v.comment.trim();
    try {
      await api('POST', `/api/v1/annual-reports/${reportId}/ratings`, body);
    } catch (err) {
      if (err.status === 429) {
        say('rate-error', () => t('duty.report.rate.too_many'));
        return;
      }
      const el = showFormError(form, 'rate-error', err, reason);
      (el || form.elements.namedItem('phone')).focus();
      return;
    }
    form.hidden = true;
    say('rate-done', () => t('duty.report.rate.done'));
    $('rate-done').focus();
    await read().catch(() => {});
  });
}

async function start() {
  initI18n();
  document.addEventListener('langchange', () => {
    rerenderMessages();
    render();
  });
  $('rate-form').addEventListener('submit', onRate);
  if (!reportId) {
    say('status', () => t('duty.report.page.missing'));
    return;
  }
  say('status', () => t('duty.report.page.loading'));
  try {
    await read();
  } catch (err) {
    say('status', () => (err.status === 404 || err.status === 403 ? t('duty.report.page.not_found')
      : err.code === 'network' ? t('error.network') : t('error.unknown', {status: err.status})));
    return;
  }
  say('status', null);
  $('status').hidden = true;
  $('report').hidden = false;
  $('rate').hidden = false;
}

start();
