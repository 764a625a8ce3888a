/* staff: the staff workspace - sign in and out, change password, and for admins the
 * accounts of their region, a form to create one, and the registry (registry.js). Staff,
 * admins and deputies get the opinions inbox (inbox.js); unit accounts their referrals
 * (unit_inbox.js). Deputies, admins, units and members get deputies' suggestions (suggestions.js),
 * and each role its sections of duty records (duty_sections.js). */

import {initI18n, t, has, getLang} from './i18n.js';
import {api, setCsrfToken} from './api.js';
import {say, rerenderMessages, capitalize, errorText, clearFormError, showFormError, missingField, formValues, once}
  from './forms.js';
import * as registry from './registry.js';
import * as inbox from './inbox.js';
import * as unitInbox from './unit_inbox.js';
import * as reports from './reports.js';
import * as digestStaff from './digest_staff.js';
import * as reception from './reception.js';
import * as campaigns from './campaigns_staff.js';
import * as consultation from './consultation_staff.js';
import * as suggestions from './suggestions.js';
import * as search from './search.js';
import * as dutySections from './duty_sections.js';
import * as ballots from './ballots_staff.js';
import * as dashboard from './dashboard.js';

const PAGE = 100; /* accounts fetched per request */

const $ = (id) => document.getElementById(id);

const state = {
  me: null,
  users: [],
  more: false
};

/* ---- views ------------------------------------------------------------------------ */

function roleName(role) {
  return has(`role.${role}`) ? t(`role.${role}`) : role;
}

function formatDate(unixSeconds) {
  if (!Number.isFinite(unixSeconds))
    return '';
  try {
    return new Intl.DateTimeFormat(getLang(), {
      timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit'
    }).format(new Date(unixSeconds * 1000));
  } catch {
    return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
  }
}

function showSignedOut() {
  state.me = null;
  state.users = [];
  setCsrfToken(null);
  $('loading').hidden = true;
  $('workspace').hidden = true;
  $('login-view').hidden = false;
  for (const form of document.querySelectorAll('#workspace form'))
    form.reset();
  $('users-body').replaceChildren();
  for (const id of ['signout-error', 'users-error', 'users-status', 'create-error', 'password-error', 'password-status'])
    say(id, null);
  registry.hide();
  inbox.hide();
  unitInbox.hide();
  reports.hide();
  reception.hide();
  campaigns.hide();
  consultation.hide();
  suggestions.hide();
  dutySections.hide();
  ballots.hide();
  dashboard.hide();
}

function renderMe() {
  const me = state.me;
  $('me-name').textContent = me.display_name;
  $('me-role').textContent = roleName(me.role);
  $('me-region').textContent = me.region;
}

function showSignedIn(session) {
  setCsrfToken(session.csrf_token);
  state.me = session.user;
  $('loading').hidden = true;
  $('login-view').hidden = true;
  $('workspace').hidden = false;
  $('password-username').value = state.me.username;
  renderMe();
  const admin = state.me.role === 'admin';
  $('users-view').hidden = !admin;
  if (admin) {
    $('create-region').value = state.me.region;
    loadUsers();
    registry.show(state.me, {onSessionLost: sessionLost});
  }
  if (['staff', 'admin', 'deputy'].includes(state.me.role))
    inbox.show(state.me, {onSessionLost: sessionLost});
  if (['staff', 'admin'].includes(state.me.role))
    reports.show(state.me, {onSessionLost: sessionLost});
  if (['staff', 'admin'].includes(state.me.role))
    digestStaff.show(state.me);
  if (['staff', 'admin', 'member'].includes(state.me.role))
    dashboard.show(state.me, {onSessionLost: sessionLost, openOpinion: state.me.role === 'member' ? null : inbox.openById});
  if (['staff', 'admin'].includes(state.me.role))
    search.show(state.me, {onSessionLost: sessionLost, openOpinion: inbox.openById});
  if (['staff', 'admin'].includes(state.me.role))
    reception.show(state.me, {onSessionLost: sessionLost});
  if (['staff', 'admin'].includes(state.me.role))
    campaigns.show(state.me, {onSessionLost: sessionLost});
  if (['staff', 'admin'].includes(state.me.role))
    consultation.show(state.me, {onSessionLost: sessionLost});
  if (state.me.role === 'unit')
    unitInbox.show(state.me, {onSessionLost: sessionLost});
  suggestions.show(state.me, {onSessionLost: sessionLost});
  dutySections.show(state.me, {onSessionLost: sessionLost});
  if (['admin', 'deputy'].includes(state.me.role))
    ballots.show(state.me, {onSessionLost: sessionLost});
}

/* A request answered 401 after sign-in: the session ended elsewhere (expired, password
 * changed, account disabled). Back to the sign-in form with a note. */
function sessionLost() {
  showSignedOut();
  say('notice', () => t('session.expired'));
  $('login-heading').focus();
}

function isSessionLost(err) {
  return state.me && err.status === 401;
}

/* ---- accounts (admin) ------------------------------------------------------------- */

function renderUsers() {
  const body = $('users-body');
  const rows = state.users.map((u) => {
    const tr = document.createElement('tr');
    const cells = [
      [u.username, 'code'],
      [u.display_name, ''],
      [roleName(u.role), ''],
      [u.region, 'code'],
      [u.disabled ? t('users.status.disabled') : t('users.status.active'), u.disabled ? 'status-off' : ''],
      [formatDate(u.created_at), 'nowrap']
    ];
    for (const [text, cls] of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls)
        td.className = cls;
      tr.append(td);
    }
    return tr;
  });
  body.replaceChildren(...rows);
  $('users-more').hidden = !state.more;
}

async function loadUsers(append = false) {
  say('users-error', null);
  say('users-status', () => t('users.loading'));
  const offset = append ? state.users.length : 0;
  try {
    const data = await api('GET', `/api/v1/users?limit=${PAGE}&offset=${offset}`);
    const page = (data && data.users) || [];
    state.users = append ? state.users.concat(page) : page;
    state.more = page.length === PAGE;
    renderUsers();
    say('users-status', state.users.length ? null : () => t('users.empty'));
  } catch (err) {
    if (isSessionLost(err))
      return sessionLost();
    say('users-status', null);
    say('users-error', () => capitalize(errorText(err)));
  }
}

/* ---- forms ------------------------------------------------------------------------ */

function onLogin(event) {
  event.preventDefault();
  const form = event.currentTarget;
  once(form, async () => {
    clearFormError(form, 'login-error');
    say('notice', null);
    const missing = missingField(form);
    if (missing) {
      showFormError(form, 'login-error', missing).focus();
      return;
    }
    const {username, password} = formValues(form);
    try {
      const session = await api('POST', '/api/v1/session', {username: username.trim(), password});
      form.reset();
      showSignedIn(session);
      $('session-heading').focus();
    } catch (err) {
      const field = showFormError(form, 'login-error', err);
      (field || form.elements.namedItem('password')).focus();
    }
  });
}

async function onSignOut() {
  say('signout-error', null);
  try {
    await api('DELETE', '/api/v1/session');
  } catch (err) {
    if (!isSessionLost(err)) {
      say('signout-error', () => capitalize(errorText(err)));
      return;
    }
  }
  showSignedOut();
  say('notice', () => t('session.signed_out'));
  $('login-heading').focus();
}

function onChangePassword(event) {
  event.preventDefault();
  const form = event.currentTarget;
  once(form, async () => {
    clearFormError(form, 'password-error');
    say('password-status', null);
    const missing = missingField(form);
    if (missing) {
      showFormError(form, 'password-error', missing).focus();
      return;
    }
    const values = formValues(form);
    if (values.new_password !== values.confirm_password) {
      showFormError(form, 'password-error', {code: 'mismatch', field: 'confirm_password'}).focus();
      return;
    }
    try {
      await api('PUT', '/api/v1/session/password', {
        current_password: values.current_password,
        new_password: values.new_password
      });
      form.reset();
      $('password-username').value = state.me.username;
      say('password-status', () => t('password.done'));
    } catch (err) {
      if (isSessionLost(err))
        return sessionLost();
      const field = showFormError(form, 'password-error', err);
      if (field)
        field.focus();
    }
  });
}

function onCreateUser(event) {
  event.preventDefault();
  const form = event.currentTarget;
  once(form, async () => {
    clearFormError(form, 'create-error');
    say('users-status', null);
    const missing = missingField(form);
    if (missing) {
      showFormError(form, 'create-error', missing).focus();
      return;
    }
    const v = formValues(form);
    const body = {
      username: v.username.trim(),
      display_name: v.display_name.trim(),
      password: v.password,
      role: v.role,
      region: v.region.trim()
    };
    try {
      const user = await api('POST', '/api/v1/users', body);
      form.reset();
      $('create-region').value = state.me.region;
      await loadUsers();
      const name = (user && user.username) || body.username;
      say('users-status', () => t('create.done', {name}));
    } catch (err) {
      if (isSessionLost(err))
        return sessionLost();
      const field = showFormError(form, 'create-error', err);
      if (field)
        field.focus();
    }
  });
}

/* ---- start ------------------------------------------------------------------------ */

/* GET /api/v1/session answers 200 either way: {"user":{...},"csrf_token":"..."} when signed in,
 * {"user":null,"csrf_token":null} when nobody is. Any error is a real one, worth showing. */
async function restoreSession() {
  let session;
  try {
    session = await api('GET', '/api/v1/session');
  } catch (err) {
    showSignedOut();
    say('login-error', () => capitalize(errorText(err)));
    return;
  }
  if (session && session.user)
    showSignedIn(session);
  else
    showSignedOut();
}

function start() {
  initI18n();
  document.addEventListener('langchange', () => {
    rerenderMessages();
    if (state.me) {
      renderMe();
      renderUsers();
      registry.render();
      inbox.render();
      unitInbox.render();
      suggestions.render();
      search.render();
      dutySections.render();
      ballots.render();
      reports.render();
      dashboard.rerender();
      reception.render();
      campaigns.render();
    }
  });
  $('login-form').addEventListener('submit', onLogin);
  $('signout').addEventListener('click', onSignOut);
  $('password-form').addEventListener('submit', onChangePassword);
  $('create-form').addEventListener('submit', onCreateUser);
  $('users-more').addEventListener('click', () => loadUsers(true));
  reports.init();
  restoreSession();
}

start();
