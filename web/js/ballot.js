/* ballot: a deputy votes in a secret ballot (票决) on a phone (ballot.html?id=N). Signed in (here,
 * or in the workspace), an eligible deputy sees the candidates as large checkboxes with their
 * descriptions, the rule in words and a counter ("已选 3/10") read out as it changes; the next
 * step opens only once the choice follows the rule, and asks to confirm it; the vote is cast
 * once and answers a receipt code, shown large, that the deputy checks under "核对回执" once the
 * ballot has closed (GET /api/v1/ballots/:id/receipts/:code: counted or not, never the choice).
 *
 * The server decides: a vote outside the voting time, a second vote or one from a deputy not on
 * the list is refused there, and the page says why in words. */

import './strings/ballots.js';
import {initI18n, t} from './i18n.js';
import {api, setCsrfToken} from './api.js';
import {$, h, idParam} from './dom.js';
import {say, rerenderMessages, capitalize, errorText, clearFormError, showFormError, missingField, formValues, once}
  from './forms.js';
import {spelled, beijingTime, requestProblem} from './opinion-public.js';
import {factsList, ruleText, ruleHolds, receiptCode, receiptShown} from './ballot_common.js';

const ballotId = idParam('id');

const state = {
  me: null,
  ballot: null,
  chosen: new Set(),   /* candidate ids ticked */
  step: null,          /* 'choose' | 'confirm' | 'done' | null */
  receipt: null
};

const STEPS = ['choose', 'confirm', 'done'];

function showStep(step) {
  state.step = step;
  for (const id of STEPS)
    $(id).hidden = id !== step;
}

/* ---- the page's state in words -------------------------------------------------------------- */

/* Why the deputy cannot vote now (a function of the language), or null when they can. */
function blocked(b) {
  const now = Date.now() / 1000;
  if (b.state === 'closed' || b.state === 'published' || (b.state === 'open' && now >= b.closes_at))
    return () => t('ballot.ended');
  if (state.me.role !== 'deputy')
    return () => t('ballot.not_deputy');
  if (b.voted)
    return () => t('ballot.voted');
  if (b.eligible === false)
    return () => t('ballot.not_eligible');
  if (b.state !== 'open' || now < b.opens_at)
    return () => t('ballot.not_yet', {time: beijingTime(b.opens_at)});
  return null;
}

function renderBallot() {
  const b = state.ballot;
  if (!b)
    return;
  document.title = `${b.title} - ${t('ballot.title')}`;
  $('ballot-heading').textContent = b.title;
  $('ballot-facts').replaceChildren(factsList(b));
  $('ballot-description').hidden = !b.description;
  $('ballot-description').textContent = b.description || '';
  $('results-link').hidden = b.state !== 'published';
  $('results-href').href = `/ballot-result.html?id=${b.id}`;
}

/* ---- step 1: the choice --------------------------------------------------------------------- */

function renderChoices() {
  const b = state.ballot;
  $('choose-legend').textContent = `${t('ballot.vote.legend')}${t('field.separator')}`;
  $('choose-rule').textContent = ruleText(b);
  $('choose-list').replaceChildren(...b.candidates.map((c) => {
    const id = `choice-${c.id}`;
    const described = c.description ? `${id}-desc` : null;
    return h('label', {class: 'ballot-choice', for: id},
      h('input', {type: 'checkbox', id, name: 'choice', value: String(c.id), checked: state.chosen.has(c.id),
        'aria-describedby': described}),
      h('span', {class: 'ballot-choice-text'},
        h('span', {class: 'ballot-choice-name'}, c.name),
        c.description ? h('span', {class: 'ballot-choice-desc', id: described}, c.description) : null));
  }));
  renderCount();
}

function countWords() {
  const b = state.ballot;
  const n = state.chosen.size;
  const k = b.choose;
  if (n > k)
    return t('ballot.vote.count.over', {n, k, extra: n - k});
  if (n === 0 && b.rule === 'at_most')
    return t('ballot.vote.count.none', {k});
  if (n < k && b.rule === 'exactly')
    return t('ballot.vote.count.short', {n, k, need: k - n});
  return t('ballot.vote.count.ready', {n, k});
}

function renderCount() {
  const ok = ruleHolds(state.ballot, state.chosen.size);
  say('choose-count', countWords);
  $('choose-count').classList.toggle('over', state.chosen.size > state.ballot.choose);
  $('choose-count').classList.toggle('ready', ok);
  $('choose-next').disabled = !ok;
  $('choose-next-hint').hidden = ok;
}

function onTick(event) {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.name !== 'choice')
    return;
  const id = Number(box.value);
  if (box.checked)
    state.chosen.add(id);
  else
    state.chosen.delete(id);
  renderCount();
}

/* ---- step 2: confirm -------------------------------------------------------------------------- */

function chosenCandidates() {
  return state.ballot.candidates.filter((c) => state.chosen.has(c.id));
}

function renderConfirm() {
  const chosen = chosenCandidates();
  $('confirm-intro').textContent = t('ballot.confirm.intro', {n: chosen.length});
  $('confirm-list').replaceChildren(...chosen.map((c) => h('li', null, c.name)));
}

function toConfirm() {
  if (!ruleHolds(state.ballot, state.chosen.size))
    return;
  say('confirm-error', null);
  renderConfirm();
  showStep('confirm');
  $('confirm-heading').focus();
}

function backToChoose() {
  showStep('choose');
  $('choose-next').focus();
}

/* The vote refused for a reason that ends voting here: the notice says it, the form goes. */
function stop(why) {
  showStep(null);
  say('ballot-notice', why);
  $('ballot-notice').focus();
}

const STOPS = {already_voted: 'ballot.error.already_voted', not_open: 'ballot.error.not_open', not_eligible: 'ballot.error.not_eligible'};

async function cast() {
  say('confirm-error', null);
  say('confirm-sending', () => t('ballot.confirm.sending'));
  let made;
  try {
    made = await api('POST', `/api/v1/ballots/${ballotId}/vote`, {choices: chosenCandidates().map((c) => c.id)});
  } catch (err) {
    say('confirm-sending', null);
    if (err.status === 401)
      return signedOut();
    if (STOPS[err.code])
      return stop(() => t(STOPS[err.code]));
    if (err.status === 422)
      return say('confirm-error', () => t('ballot.error.choices'));
    return say('confirm-error', () => capitalize(errorText(err)));
  }
  say('confirm-sending', null);
  state.receipt = made.receipt;
  state.ballot.voted = true;
  state.chosen.clear();
  renderDone();
  showStep('done');
  $('done-heading').focus();
}

/* ---- step 3: the receipt ---------------------------------------------------------------------- */

function renderDone() {
  if (!state.receipt)
    return;
  $('done-code').textContent = receiptShown(state.receipt);
  $('done-code-spoken').textContent = spelled(receiptCode(state.receipt) || state.receipt);
}

/* Without a clipboard (an insecure origin, or refused) one tap selects the whole code (ballot.css). */
async function copyReceipt() {
  const copied = await navigator.clipboard?.writeText(receiptShown(state.receipt)).then(() => true, () => false);
  say('done-copied', () => t(copied ? 'ballot.done.copied' : 'ballot.done.copy.failed'));
}

function openCheck(event) {
  event.preventDefault();
  $('check-code').value = receiptShown(state.receipt);
  $('check').scrollIntoView({block: 'start'});
  $('check-code').focus();
}

/* ---- checking a receipt ---------------------------------------------------------------------- */

function checkSays(cls, render) {
  $('check-result').className = `ballot-check-result ${cls}`;
  say('check-result', render);
}

async function check() {
  const form = $('check-form');
  clearFormError(form, 'check-result');
  const typed = String($('check-code').value);
  const code = receiptCode(typed);
  if (!code) {
    const message = typed.trim() ? t('ballot.check.error.code') : t('ballot.check.error.code.empty');
    showFormError(form, 'check-result', {code: 'invalid', field: 'code', message}, () => message).focus();
    $('check-result').className = 'ballot-check-result bad';
    return;
  }
  checkSays('', () => t('ballot.check.busy'));
  try {
    await api('GET', `/api/v1/ballots/${ballotId}/receipts/${encodeURIComponent(code)}`);
    checkSays('good', () => t('ballot.check.counted', {code: receiptShown(code)}));
  } catch (err) {
    if (err.status === 404)
      checkSays('bad', () => t('ballot.check.not_found'));
    else if (err.status === 409)
      checkSays('', () => t('ballot.check.not_closed'));
    else
      checkSays('bad', requestProblem(err, 'ballot.error.too_many'));
  }
}

/* ---- signing in and loading ------------------------------------------------------------------- */

function signedOut() {
  state.me = null;
  setCsrfToken(null);
  showStep(null);
  $('signin').hidden = false;
}

async function signIn() {
  const form = $('signin-form');
  clearFormError(form, 'signin-error');
  const missing = missingField(form);
  if (missing) {
    showFormError(form, 'signin-error', missing).focus();
    return;
  }
  const {username, password} = formValues(form);
  let session;
  try {
    session = await api('POST', '/api/v1/session', {username: username.trim(), password});
  } catch (err) {
    const field = showFormError(form, 'signin-error', err);
    (field || form.elements.namedItem('password')).focus();
    return;
  }
  form.reset();
  $('signin').hidden = true;
  await begin(session);
  $('ballot-heading').focus();
}

function fail(render) {
  say('status', render);
  $('status').hidden = false;
}

/* Reads the ballot as the session sees it and shows the step that fits. */
async function begin(session) {
  setCsrfToken(session.csrf_token);
  state.me = session.user;
  try {
    state.ballot = await api('GET', `/api/v1/ballots/${ballotId}`);
  } catch (err) {
    if (err.status === 401)
      return signedOut();
    return fail(err.status === 404 || err.status === 403 ? () => t('ballot.not_found')
      : err.code === 'network' ? () => t('ballot.error.network') : () => t('error.unknown', {status: err.status}));
  }
  say('status', null);
  $('status').hidden = true;
  renderBallot();
  const why = blocked(state.ballot);
  if (why) {
    showStep(null);
    say('ballot-notice', why);
    return;
  }
  say('ballot-notice', null);
  renderChoices();
  showStep('choose');
}

function render() {
  renderBallot();
  if (state.step === 'choose' || state.step === 'confirm')
    renderChoices();
  if (state.step === 'confirm')
    renderConfirm();
  renderDone();
}

async function start() {
  initI18n();
  document.addEventListener('langchange', () => {
    rerenderMessages();
    render();
  });
  if (!ballotId) {
    fail(() => t('ballot.missing_id'));
    return;
  }
  $('check').hidden = false;
  $('choose-list').addEventListener('change', onTick);
  $('choose-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    toConfirm();
  });
  $('confirm-back').addEventListener('click', backToChoose);
  $('confirm-submit').addEventListener('click', () => once($('confirm'), cast));
  $('done-copy').addEventListener('click', copyReceipt);
  $('done-check').addEventListener('click', openCheck);
  $('signin-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    once(ev.currentTarget, signIn);
  });
  $('check-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    once(ev.currentTarget, check);
  });
  let session;
  try {
    session = await api('GET', '/api/v1/session');
  } catch (err) {
    fail(err.code === 'network' ? () => t('ballot.error.network') : () => t('error.unknown', {status: err.status}));
    return;
  }
  if (session && session.user) {
    await begin(session);
  } else {
    say('status', null);
    $('status').hidden = true;
    signedOut();
  }
}

start();
