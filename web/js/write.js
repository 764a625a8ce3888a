/* write: the public form that sends a message to a deputy (write.html?deputy=N) or a liaison
 * station (?station=N), reached from their pages and QR codes (&via=qr counts it as a QR scan).
 *
 * The one idea: a filled form carries one idempotency key, made when the form is new and kept
 * until the server has taken it, so a double tap or a retry after a lost answer sends the same
 * message again and gets the same tracking code back instead of making a second one. */

import {initI18n, t, applyTranslations} from './i18n.js';
import {api} from './api.js';
import {$, h, idParam} from './dom.js';
import {RegionCascade, regionInfo} from './regions.js';
import {once, say, rerenderMessages} from './forms.js';
import {ErrorSummary, spaced, spelled, beijingDate, loadCategories, categoryName, requestProblem} from './opinion-public.js';

const CONTENT_MAX = 5000;
const LIVE_PAUSE_MS = 1200;   /* the count is read out once typing pauses, not at every key */
const MOBILE = /^1[3-9][0-9]{9}$/;
const LANDLINE = /^0[0-9]{2,3}-?[0-9]{7,8}$/; /* area code and number, as the server takes them */

const params = new URLSearchParams(window.location.search);
const target = idParam('deputy') ? {kind: 'deputy', id: idParam('deputy')}
  : idParam('station') ? {kind: 'station', id: idParam('station')} : null;
const channel = params.get('via') === 'qr' ? 'qr' : 'online';

const form = $('write-form');
const summary = new ErrorSummary(form, $('write-errors'));
const state = {
  record: null,       /* the deputy or station */
  categories: [],
  root: null,         /* {code, name}: the county the place must lie in */
  key: newKey(),
  status: () => t('write.loading'),
  receipt: null       /* the server's answer once sent */
};

let cascade = null;

/* 8-64 letters, digits and dashes, as the server takes them; randomUUID needs a secure origin. */
function newKey() {
  if (window.crypto.randomUUID)
    return window.crypto.randomUUID();
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/* ---- the form ----------------------------------------------------------------------------- */

function chars(text) {
  return [...text].length; /* characters as the server counts them, not UTF-16 units */
}

let liveTimer = 0;

function countText() {
  const n = chars($('write-content').value);
  return n > CONTENT_MAX ? t('write.count.over', {n: n - CONTENT_MAX}) : t('write.count', {n, max: CONTENT_MAX});
}

/* live: also read the count out once typing pauses (not when the page shows the form) */
function showCount(live) {
  const over = chars($('write-content').value) > CONTENT_MAX;
  say('write-content-count', countText);
  $('write-content-count').classList.toggle('over', over);
  window.clearTimeout(liveTimer);
  if (live === true)
    liveTimer = window.setTimeout(() => say('write-content-live', countText), LIVE_PAUSE_MS);
}

function renderCategories() {
  const select = $('write-category');
  const chosen = select.value;
  select.replaceChildren(h('option', {value: ''}, t('write.category.choose')),
    ...state.categories.map((c) => h('option', {value: c.code}, `${'\u3000'.repeat(c.depth)}${categoryName(c)}`)));
  select.value = chosen;
}

function renderTarget() {
  const r = state.record;
  if (!r)
    return;
  const kind = target.kind;
  $('write-heading').dataset.i18n = `write.heading.${kind}`;
  document.querySelector('title').dataset.i18n = `write.title.${kind}`;
  $('back-link').dataset.i18n = `card.back.${kind}`;
  applyTranslations();
  $('write-to').replaceChildren(h('span', {class: 'muted'}, t(`write.to.${kind}`)), ' ',
    h('strong', null, kind === 'deputy' ? t('write.to.deputy.name', {name: r.name}) : r.name));
  if (state.root)
    say('write-region-hint', () => t('write.region.hint', {county: state.root.name}));
}

/* The client's own checks, all at once: [{field, text}]. */
function problems(values) {
  const out = [];
  if (!values.category)
    out.push({field: 'category', text: () => t('write.error.category')});
  if (cascade && cascade.firstSelect() && !cascade.chosen().length)
    out.push({field: 'region', text: () => t('write.error.region')});
  if (!values.content.trim())
    out.push({field: 'content', text: () => t('write.error.content.empty')});
  else if (chars(values.content) > CONTENT_MAX)
    out.push({field: 'content', text: () => t('write.error.content.long', {n: chars(values.content) - CONTENT_MAX})});
  if (values.phone && !MOBILE.test(values.phone) && !LANDLINE.test(values.phone))
    out.push({field: 'phone', text: () => t('write.error.phone')});
  return out;
}

function values() {
  const text = (name) => String(form.elements.namedItem(name).value);
  return {
    category: text('category'),
    content: text('content'),
    location: text('location').trim(),
    name: text('name').trim(),
    phone: text('phone').replace(/\s+/g, ''), /* 138 1234 5678 as people write it */
    address: text('address').trim(),
    consent: form.elements.namedItem('consent_publish').checked
  };
}

function body(v) {
  const out = {
    [`${target.kind}_id`]: Number(target.id),
    category: v.category,
    content: v.content,
    region: cascade.value(),
    channel,
    consent_publish: v.consent,
    idempotency_key: state.key
  };
  for (const name of ['location', 'name', 'phone', 'address'])
    if (v[name])
      out[name] = v[name]; /* an empty optional field is left out: the server wants 1 or more characters */
  return out;
}

const FORM_FIELDS = new Set(['category', 'region', 'location', 'content', 'name', 'phone', 'address']);

/* The server's refusal as [{field, text}]: on the field it names when the form has it. */
function refusal(err) {
  if (err.status === 422 && FORM_FIELDS.has(err.field))
    return [{field: err.field, text: () => t(`write.error.${err.field}`)}];
  if (err.status === 422 && (err.field === 'station_id' || err.field === 'deputy_id'))
    return [{field: null, text: () => t('write.error.target')}];
  if (err.code === 'network')
    return [{field: null, text: () => t('write.error.network')}];
  return [{field: null, text: requestProblem(err, 'write.error.too_many')}];
}

async function send() {
  summary.clear();
  const v = values();
  const found = problems(v);
  if (found.length) {
    summary.show(found);
    return;
  }
  say('write-sending', () => t('write.sending'));
  try {
    state.receipt = await api('POST', '/api/v1/opinions', body(v));
  } catch (err) {
    say('write-sending', null);
    summary.show(refusal(err)); /* the key stays: trying again cannot make a second message */
    return;
  }
  say('write-sending', null);
  state.key = newKey();
  showReceipt();
}

/* ---- the receipt ----------------------------------------------------------------------------- */

function showReceipt() {
  const r = state.receipt;
  $('receipt-code').textContent = spaced(r.tracking_code);
  $('receipt-code-spoken').textContent = spelled(r.tracking_code);
  $('receipt-token').hidden = !r.token;
  $('receipt-phone').hidden = Boolean(r.token);
  if (r.token) {
    $('receipt-token-text').textContent = spaced(r.token);
    $('receipt-token-spoken').textContent = spelled(r.token);
  }
  say('receipt-due', r.answer_due ? () => t('write.receipt.due', {date: beijingDate(r.answer_due)}) : null);
  $('receipt-track').href = `/track.html?code=${encodeURIComponent(r.tracking_code)}`;
  $('compose').hidden = true;
  $('receipt').hidden = false;
  $('receipt-heading').focus();
}

function writeAgain() {
  form.reset();
  summary.clear();
  showCount();
  placeCascade().catch(() => cascade.setValue(null));
  state.receipt = null;
  $('receipt').hidden = true;
  $('compose').hidden = false;
  $('write-heading').focus();
}

/* ---- start ------------------------------------------------------------------------------------- */

/* The county of a region (a place lies in the county of whom it is sent to); a region above
 * county level is its own root. */
async function rootOf(code) {
  const info = await regionInfo(code);
  if (info.level <= 3)
    return {code: info.code, name: info.name};
  return (info.path || []).find((r) => r.level === 3) || {code: info.code, name: info.name};
}

/* The place of the deputy or station is the likeliest; the visitor may change it. */
function placeCascade() {
  const code = state.record.region;
  return cascade.setValue(code === state.root.code ? null : code);
}

async function start() {
  initI18n();
  document.addEventListener('langchange', () => {
    rerenderMessages();
    renderCategories();
    renderTarget();
    if (cascade)
      cascade.render();
    summary.render();
    if (!state.record)
      $('status').textContent = state.status();
  });
  if (!target) {
    state.status = () => t('write.missing_target');
    $('status').textContent = state.status();
    return;
  }
  $('back-link').href = `/${target.kind}.html?id=${target.id}`;
  try {
    const record = await api('GET', `/api/v1/${target.kind === 'deputy' ? 'deputies' : 'stations'}/${target.id}`);
    state.record = record;
    state.categories = await loadCategories(record.region); /* the ones offered where it is */
    state.root = await rootOf(record.region);
    cascade = new RegionCascade({
      container: $('write-region-levels'),
      idPrefix: 'write-region',
      root: state.root,
      blank: (parentName, depth) => (depth === 0 ? t('region.choose') : t('write.region.only', {name: parentName}))
    });
    await placeCascade();
  } catch (err) {
    state.record = null;
    state.status = err.status === 404 ? () => t(`write.not_found.${target.kind}`)
      : err.code === 'network' ? () => t('error.network') : () => t('error.unknown', {status: err.status});
    $('status').textContent = state.status();
    return;
  }
  renderCategories();
  renderTarget();
  showCount();
  $('status').textContent = '';
  $('status').hidden = true;
  $('compose').hidden = false;
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  once(form, send);
});
$('write-content').addEventListener('input', () => showCount(true));
$('write-again').addEventListener('click', writeAgain);

start();
