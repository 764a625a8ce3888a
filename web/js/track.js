/* track: a constituent follows their message (track.html?code=XXXX) with its tracking code and
 * the last four digits of their phone, or the secret token handed out when they left no phone.
 * It shows where the message is in the loop 登记—梳理—处理—反馈—评议 (in words as well as on the
 * strip), what was sent, the answer and the public timeline in Beijing time, and, once it is
 * answered, a form to rate the answer; 不满意 sends it back for another round.
 *
 * A wrong code and a wrong phone or token get the same answer from the server, and here the
 * same words: the page never says which half was wrong. */

import {initI18n, t, has} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {once, say, rerenderMessages} from './forms.js';
import {ErrorSummary, spaced, spelled, normalizeCode, timeEl, loadCategories, categoryName, requestProblem}
  from './opinion-public.js';

const CODE = /^[ACDEFGHJKMNPQRTWXY34679]{8}$/;   /* the tracking code's alphabet (no 0/O, 1/I...) */
const TOKEN = /^[ACDEFGHJKMNPQRTWXY34679]{12}$/;
const COMMENT_MAX = 1000;
const STEPS = ['register', 'triage', 'handle', 'answer', 'rate'];

/* The step of the loop each state has reached (0 登记 .. 4 评议). */
const STEP_OF = {registered: 0, triaged: 1, in_progress: 2, answered: 3, rejected: 3, closed: 4};

const lookupForm = $('track-form');
const rateForm = $('rate-form');
const lookupErrors = new ErrorSummary(lookupForm, $('track-errors'));
const rateErrors = new ErrorSummary(rateForm, $('rate-errors'));

const state = {
  code: null,         /* the code and the proof that opened it: {phone4} or {token} */
  proof: null,
  view: null,         /* GET /api/v1/track/{code} */
  categories: []
};

/* ---- looking it up ------------------------------------------------------------------------ */

/* {code, proof} from the form, or the problems with it. */
function readLookup() {
  const code = normalizeCode(lookupForm.elements.namedItem('code').value);
  const key = normalizeCode(lookupForm.elements.namedItem('key').value);
  const problems = [];
  if (!code)
    problems.push({field: 'code', text: () => t('track.error.code.empty')});
  else if (!CODE.test(code))
    problems.push({field: 'code', text: () => t('track.error.code')});
  let proof = null;
  if (/^[0-9]{4}$/.test(key))
    proof = {phone4: key};
  else if (TOKEN.test(key))
    proof = {token: key};
  else
    problems.push({field: 'key', text: () => t(key ? 'track.error.key' : 'track.error.key.empty')});
  return {code, proof, problems};
}

function trackPath(code) {
  return `/api/v1/track/${encodeURIComponent(code)}`;
}

function notFound(err) {
  if (err.status === 404)
    return [{field: null, text: () => t('track.error.not_found')}];
  return [{field: null, text: requestProblem(err, 'track.error.too_many')}];
}

async function lookUp() {
  lookupErrors.clear();
  const {code, proof, problems} = readLookup();
  if (problems.length) {
    lookupErrors.show(problems);
    return;
  }
  say('track-busy', () => t('track.busy'));
  let view;
  try {
    view = await api('GET', `${trackPath(code)}?${new URLSearchParams(proof)}`);
  } catch (err) {
    say('track-busy', null);
    hideResult();
    lookupErrors.show(notFound(err));
    return;
  }
  say('track-busy', null);
  Object.assign(state, {code, proof, view});
  say('result-notice', null);
  render();
  $('result-heading').focus();
}

function hideResult() {
  Object.assign(state, {code: null, proof: null, view: null});
  $('result').hidden = true;
  $('rate').hidden = true;
}

/* ---- the view ------------------------------------------------------------------------------- */

/* The state that decides the strip: a merged message follows the one it was merged into. */
function shownState(v) {
  return v.state === 'merged' && v.merged_state ? v.merged_state : v.state;
}

function reopened(v) {
  return shownState(v) === 'in_progress' && v.rating === 'unsatisfied';
}

function stateWords(v) {
  const s = shownState(v);
  if (reopened(v))
    return t('track.state.reopened');
  return has(`track.state.${s}`) ? t(`track.state.${s}`) : s;
}

function steps(v) {
  const at = STEP_OF[shownState(v)] ?? 0;
  const over = shownState(v) === 'closed' || shownState(v) === 'rejected'; /* nothing more will happen */
  return STEPS.map((step, i) => {
    const done = i < at || (over && i === at);
    const current = i === at && !over;
    const mark = done ? '✓' : String(i + 1);
    const status = done ? 'track.step.done' : current ? 'track.step.current' : 'track.step.todo';
    return h('li', {class: `loop-step ${done ? 'done' : current ? 'current' : 'todo'}`, 'aria-current': current ? 'step' : null},
      h('span', {class: 'loop-step-mark', 'aria-hidden': 'true'}, mark),
      h('span', {class: 'loop-step-name'}, t(`track.step.${step}`)),
      h('span', {class: 'loop-step-status'}, t(status)));
  });
}

function actionWords(e) {
  if (e.action === 'rate')
    return e.state === 'in_progress' ? t('track.action.rate.reopened') : t('track.action.rate');
  return has(`track.action.${e.action}`) ? t(`track.action.${e.action}`) : e.action;
}

function timeline(v) {
  const events = v.timeline || [];
  return h('ol', {class: 'pub-timeline'}, events.map((e) => h('li', null,
    h('p', {class: 'tl-head'}, timeEl(e.at), h('span', {class: 'tl-action'}, actionWords(e))),
    e.note ? h('p', {class: 'tl-note prose'}, e.note) : null)));
}

function who(v) {
  if (v.deputy)
    return h('a', {href: `/deputy.html?id=${v.deputy.id}`}, t('write.to.deputy.name', {name: v.deputy.name}));
  if (v.station)
    return h('a', {href: `/station.html?id=${v.station.id}`}, v.station.name);
  return null;
}

function row(key, value) {
  return value === null || value === undefined || value === '' ? null
    : h('div', null, h('dt', null, t(key)), h('dd', null, value));
}

function body(v) {
  const category = state.categories.find((c) => c.id === v.category_id);
  const answerKey = v.state === 'rejected' ? 'track.answer.rejected'
    : reopened(v) ? 'track.answer.previous' : 'track.answer';
  return [
    v.state === 'merged' ? h('p', {class: 'muted'}, t('track.merged')) : null,
    h('dl', {class: 'details'},
      row('track.code', h('span', null, h('span', {class: 'code-text', 'aria-hidden': 'true'}, spaced(v.tracking_code)),
        h('span', {class: 'visually-hidden'}, spelled(v.tracking_code)))),
      row('track.to', who(v)),
      row('track.category', category ? categoryName(category) : null),
      row('track.channel', has(`track.channel.${v.channel}`) ? t(`track.channel.${v.channel}`) : v.channel),
      row('track.sent', timeEl(v.created_at))),
    h('h3', null, t('track.content')),
    h('p', {class: 'prose quoted'}, v.content),
    v.answer ? [
      h('h3', null, t(answerKey)),
      h('p', {class: 'prose quoted answer'}, v.answer),
      v.answered_at ? h('p', {class: 'muted'}, t('track.answered_at'), ' ', timeEl(v.answered_at)) : null
    ] : null,
    v.rating && !v.can_rate ? h('p', {class: 'rated'}, t('track.rated', {rating: t(`track.rating.${v.rating}`)})) : null,
    h('h3', null, t('track.timeline'), ' ', h('span', {class: 'muted tz'}, t('track.timeline.zone'))),
    timeline(v)
  ];
}

function render() {
  const v = state.view;
  if (!v)
    return;
  $('result-state').replaceChildren(h('span', {class: 'muted'}, t('track.state.label')), ' ', h('strong', null, stateWords(v)));
  $('result-steps').replaceChildren(...steps(v));
  $('result-body').replaceChildren(...body(v).flat().filter(Boolean));
  $('result').hidden = false;
  $('rate').hidden = !v.can_rate;
}

/* ---- rating ---------------------------------------------------------------------------------- */

async function rate() {
  rateErrors.clear();
  const chosen = rateForm.querySelector('input[name="rating"]:checked');
  const comment = rateForm.elements.namedItem('comment').value.trim();
  const problems = [];
  if (!chosen)
    problems.push({field: 'rating', text: () => t('track.error.rating')});
  if ([...comment].length > COMMENT_MAX)
    problems.push({field: 'comment', text: () => t('track.error.comment', {max: COMMENT_MAX})});
  if (problems.length) {
    rateErrors.show(problems);
    return;
  }
  const request = {...state.proof, rating: chosen.value};
  if (comment)
    request.comment = comment;
  say('rate-busy', () => t('track.rate.busy'));
  let view;
  try {
    view = await api('POST', `${trackPath(state.code)}/rating`, request);
  } catch (err) {
    say('rate-busy', null);
    if (err.status === 409)
      rateErrors.show([{field: null, text: () => t('track.error.rated')}]);
    else if (err.status === 404)
      rateErrors.show(notFound(err));
    else
      rateErrors.show([{field: null, text: requestProblem(err, 'track.error.too_many')}]);
    return;
  }
  say('rate-busy', null);
  rateForm.reset();
  state.view = view;
  render();
  say('result-notice', () => (reopened(view) ? t('track.notice.reopened') : t('track.notice.rated')));
  $('result-heading').focus();
}

/* ---- start ---------------------------------------------------------------------------------- */

function start() {
  initI18n();
  document.addEventListener('langchange', () => {
    rerenderMessages();
    lookupErrors.render();
    rateErrors.render();
    render();
  });
  loadCategories().then((list) => {
    state.categories = list;
    render();
  }).catch(() => { /* the category is left out of the view */ });

  const code = new URLSearchParams(window.location.search).get('code');
  if (code) {
    lookupForm.elements.namedItem('code').value = spaced(normalizeCode(code).slice(0, 12));
    lookupForm.elements.namedItem('key').focus();
  }
  lookupForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    once(lookupForm, lookUp);
  });
  rateForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    once(rateForm, rate);
  });
}

start();
