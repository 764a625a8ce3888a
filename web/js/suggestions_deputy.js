/* suggestions_deputy: 提 and 评 - what a deputy's account sees of its suggestions in the
 * workspace. The editor writes one (title, text, category, the congress from the deputy's own
 * seats, 大会期间/闭会期间, co-signers found among the deputies of that congress, the opinions it
 * grew from, attachments and consent to publish) and saves it as a draft (POST, or PATCH while it
 * is a draft or returned) or submits it. Invitations to co-sign (附议) are listed with their answer
 * buttons; the board lists the suggestions the deputy leads or co-signs, and on one it leads it
 * rates the reply (满意/基本满意/不满意) and later the result of a commitment (结果满意). */

import {t} from './i18n.js';
import {api, upload} from './api.js';
import {$, h} from './dom.js';
import {say, capitalize, clearFormError, showFormError, missingField, once} from './forms.js';
import {textOf, badge} from './inbox_common.js';
import {Board, SESSIONS, RATINGS, control, choices, checkbox, checked, radioValue, boxOn, categoryList, categoryName,
  reason, problemText, nameOf} from './suggestions_common.js';

const MAX_BYTES = 5 * 1024 * 1024;    /* the server's limit for an attachment */
const FILE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'];
const FOUND = 10;                      /* deputies looked at per search for a seat in the congress */
const P = 'sgd-e';                     /* the editor's ids */

const state = {
  me: null,
  lost: () => false,
  board: null,
  seats: [],            /* the deputy's seats [{congress_id, congress, district}] */
  opinions: [],         /* opinions the deputy may link */
  editing: null,        /* the suggestion being edited, or null for a new one */
  cosigners: new Map()  /* deputy id -> name, chosen in the editor */
};

const congresses = new Map(); /* id -> the congress record (a promise) */

function congress(id) {
  if (!congresses.has(id))
    congresses.set(id, api('GET', `/api/v1/congresses/${id}`).catch(() => ({id})));
  return congresses.get(id);
}

/* ---- the editor ------------------------------------------------------------------------------ */

function chosenList() {
  const ul = $(`${P}-chosen`);
  if (!ul)
    return;
  ul.replaceChildren(...[...state.cosigners].map(([id, name]) => h('li', null, name, ' ',
    h('button', {type: 'button', class: 'small secondary', 'data-remove': id, 'aria-label': t('sg.cosigner.remove', {name})},
      t('sg.cosigner.remove.short')))));
  say(`${P}-chosen-status`, () => (state.cosigners.size ? t('sg.cosigner.count', {n: state.cosigners.size})
    : t('sg.cosigner.none')));
}

async function findCosigners() {
  const form = $(P);
  const congressId = Number(form.elements.namedItem('congress_id').value);
  const results = $(`${P}-found`);
  if (!congressId) {
    say(`${P}-found-status`, () => t('sg.cosigner.pick_congress'));
    return;
  }
  say(`${P}-found-status`, () => t('inbox.loading'));
  try {
    const c = await congress(congressId);
    const q = new URLSearchParams({limit: '30'});
    const text = $(`${P}-cosigner-q`).value.trim();
    if (text)
      q.set('q', text);
    if (c.region)
      q.set('region', c.region);
    const data = await api('GET', `/api/v1/deputies?${q}`);
    const candidates = ((data && data.items) || []).filter((d) => d.id !== state.me.deputy_id && !state.cosigners.has(d.id));
    const full = await Promise.all(candidates.slice(0, FOUND).map((d) => api('GET', `/api/v1/deputies/${d.id}`).catch(() => null)));
    const same = full.filter((d) => d && (d.seats || []).some((s) => s.congress_id === congressId));
    results.replaceChildren(...same.map((d) => {
      const seat = d.seats.find((s) => s.congress_id === congressId);
      return h('li', null, h('button', {type: 'button', class: 'secondary small', 'data-add': d.id, 'data-name': d.name},
        t('sg.cosigner.add', {name: d.name}), seat && seat.district ? ` （${seat.district}）` : ''));
    }));
    say(`${P}-found-status`, () => (same.length ? t('sg.cosigner.found', {n: same.length}) : t('sg.cosigner.nobody')));
  } catch (err) {
    if (!state.lost(err))
      say(`${P}-found-status`, () => capitalize(problemText(err)));
  }
}

function cosignerField() {
  const box = h('fieldset', {class: 'field sg-cosigners', 'data-field': 'cosigners', 'aria-describedby': `${P}-cosigners-hint`},
    h('legend', null, h('span', {'data-field-label': true, 'data-i18n': 'sg.field.cosigners'}, t('sg.field.cosigners'))),
    h('p', {class: 'hint', id: `${P}-cosigners-hint`, 'data-i18n': 'sg.hint.cosigners'}, t('sg.hint.cosigners')),
    h('ul', {id: `${P}-chosen`, class: 'plain-list'}),
    h('p', {id: `${P}-chosen-status`, class: 'muted', role: 'status'}),
    h('div', {class: 'search-row'},
      h('label', {for: `${P}-cosigner-q`, class: 'visually-hidden', 'data-i18n': 'sg.cosigner.search'}, t('sg.cosigner.search')),
      h('input', {id: `${P}-cosigner-q`, type: 'search', autocomplete: 'off', 'data-i18n-placeholder': 'sg.cosigner.placeholder',
        placeholder: t('sg.cosigner.placeholder')}),
      h('button', {type: 'button', id: `${P}-find`, class: 'secondary', 'data-i18n': 'sg.cosigner.find'}, t('sg.cosigner.find'))),
    h('p', {id: `${P}-found-status`, class: 'muted', role: 'status'}),
    h('ul', {id: `${P}-found`, class: 'plain-list sg-found'}),
    h('p', {class: 'field-error', id: `${P}-cosigners-error`}));
  box.addEventListener('click', (event) => {
    const add = event.target.closest('button[data-add]');
    const remove = event.target.closest('button[data-remove]');
    if (add) {
      state.cosigners.set(Number(add.dataset.add), add.dataset.name);
      add.closest('li').remove();
      chosenList();
      $(`${P}-cosigner-q`).focus();
    } else if (remove) {
      state.cosigners.delete(Number(remove.dataset.remove));
      chosenList();
      $(`${P}-cosigner-q`).focus();
    } else if (event.target.id === `${P}-find`) {
      findCosigners();
    }
  });
  box.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && event.target.id === `${P}-cosigner-q`) {
      event.preventDefault();
      findCosigners();
    }
  });
  return box;
}

function attachmentField(s) {
  const id = `${P}-attachments`;
  const old = s && (s.attachments || []).length ? h('ul', {class: 'plain-list'}, s.attachments.map((a) => h('li', null, a.name)))
    : null;
  return h('div', {class: 'field', 'data-field': 'attachments'},
    h('label', {for: id}, h('span', {'data-field-label': true, 'data-i18n': 'sg.field.attachments'}, t('sg.field.attachments'))),
    h('p', {class: 'hint', id: `${id}-hint`, 'data-i18n': 'sg.hint.attachments'}, t('sg.hint.attachments')),
    old,
    h('input', {id, name: 'attachments', type: 'file', multiple: true, accept: FILE_TYPES.join(','), 'aria-describedby': `${id}-hint`}),
    h('p', {class: 'field-error', id: `${id}-error`}));
}

function editorForm(s) {
  const seatOptions = state.seats.map((seat) => [String(seat.congress_id), seat.congress || `#${seat.congress_id}`]);
  const cats = [['', t('sg.category.none'), 'sg.category.none'], ...state.categories.map((c) => [c.code, categoryName(c.code)])];
  const opinionChoices = state.opinions.map((o) => [String(o.id), null]);
  const form = h('form', {id: P, class: 'sg-editor', novalidate: true, 'aria-labelledby': `${P}-heading`},
    h('h3', {id: `${P}-heading`, tabindex: '-1'}, s ? t('sg.editor.edit', {title: s.title}) : t('sg.editor.new')),
    control(P, 'title', 'sg.field.title', {required: true, max: 100, value: s && s.title}),
    control(P, 'content', 'sg.field.content', {type: 'textarea', required: true, max: 20000, value: s && s.content,
      hintKey: 'sg.hint.content'}),
    control(P, 'category', 'sg.field.category', {type: 'select', options: cats, value: s && s.category}),
    control(P, 'congress_id', 'sg.field.congress', {type: 'select', required: true, options: seatOptions,
      value: s && s.congress ? s.congress.id : null}),
    choices(P, 'session', 'sg.field.session', SESSIONS.map((x) => [x, `sg.session.${x}`]),
      {required: true, value: s ? s.session : 'recess'}),
    cosignerField(),
    opinionChoices.length ? choices(P, 'opinions', 'sg.field.opinions', opinionChoices, {multiple: true,
      value: s ? (s.opinions || []).map((o) => o.id) : [], hintKey: 'sg.hint.opinions',
      labels: state.opinions.map((o) => `${o.tracking_code} ${o.excerpt || ''}`)}) : null,
    attachmentField(s),
    checkbox(P, 'consent_publish', 'sg.field.consent_publish', Boolean(s && s.consent_deputy)),
    h('p', {id: `${P}-error`, class: 'form-error', role: 'alert'}),
    h('div', {class: 'form-actions'},
      h('button', {type: 'submit', class: 'secondary', 'data-action': 'save', 'data-i18n': 'sg.editor.save'}, t('sg.editor.save')),
      h('button', {type: 'submit', class: 'primary', 'data-action': 'submit', 'data-i18n': 'sg.editor.submit'}, t('sg.editor.submit')),
      h('button', {type: 'button', class: 'secondary', id: `${P}-cancel`, 'data-i18n': 'inbox.cancel'}, t('inbox.cancel'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save(form, event.submitter && event.submitter.dataset.action === 'submit');
  });
  form.querySelector(`#${P}-cancel`).addEventListener('click', () => closeEditor(true));
  form.elements.namedItem('congress_id').addEventListener('change', () => {
    state.cosigners.clear();
    chosenList();
    $(`${P}-found`).replaceChildren();
  });
  return form;
}

function filesOf(form) {
  const input = form.elements.namedItem('attachments');
  const files = input && input.files ? [...input.files] : [];
  for (const f of files) {
    if (!FILE_TYPES.includes(f.type))
      return {error: {code: 'file_type', field: 'attachments'}};
    if (f.size > MAX_BYTES)
      return {error: {code: 'file_size', field: 'attachments'}};
  }
  return {files};
}

function bodyOf(form) {
  const category = form.elements.namedItem('category').value;
  return {
    title: textOf(form, 'title'),
    content: textOf(form, 'content'),
    category: category || null,
    congress_id: Number(form.elements.namedItem('congress_id').value),
    session: radioValue(form, 'session'),
    cosigners: [...state.cosigners.keys()],
    opinions: checked(form, 'opinions').map(Number),
    consent_publish: boxOn(form, 'consent_publish')
  };
}

function save(form, submit) {
  once(form, async () => {
    const errorId = `${P}-error`;
    clearFormError(form, errorId);
    const missing = missingField(form);
    const {files, error} = missing ? {error: missing} : filesOf(form);
    if (error) {
      showFormError(form, errorId, error, reason).focus();
      return;
    }
    try {
      const body = bodyOf(form);
      if (!body.category && !state.editing)
        delete body.category;
      let s = state.editing ? await api('PATCH', `/api/v1/suggestions/${state.editing.id}`, body)
        : await api('POST', '/api/v1/suggestions', body);
      state.editing = s;
      for (const f of files)
        await upload('POST', `/api/v1/suggestions/${s.id}/attachments?name=${encodeURIComponent(f.name)}`, f, f.type);
      if (submit)
        s = await api('POST', `/api/v1/suggestions/${s.id}/submit`, {});
      closeEditor(false);
      await state.board.open(s.id, () => t(submit ? 'sg.done.submit' : 'sg.done.save'));
      loadInvitations();
    } catch (err) {
      if (state.lost(err))
        return;
      const el = showFormError(form, errorId, err, reason);
      if (el)
        el.focus();
    }
  });
}

async function openEditor(s) {
  state.editing = s || null;
  state.cosigners = new Map((s ? s.cosigners || [] : []).map((c) => [c.deputy_id, c.name]));
  const slot = $('sgd-editor');
  say('sgd-status', () => t('inbox.loading'));
  try {
    const [deputy, categories, opinions] = await Promise.all([
      api('GET', `/api/v1/deputies/${state.me.deputy_id}`),
      categoryList(),
      api('GET', '/api/v1/opinions?limit=50').catch(() => ({items: []}))]);
    state.seats = (deputy && deputy.seats) || [];
    state.categories = categories;
    state.opinions = (opinions && opinions.items) || [];
  } catch (err) {
    if (!state.lost(err))
      say('sgd-status', () => capitalize(problemText(err)));
    return;
  }
  say('sgd-status', state.seats.length ? null : () => t('sg.editor.no_seat'));
  if (!state.seats.length)
    return;
  $('sgd-new').setAttribute('aria-expanded', 'true');
  slot.replaceChildren(editorForm(s));
  chosenList();
  $(`${P}-heading`).focus();
}

function closeEditor(focus) {
  state.editing = null;
  $('sgd-editor').replaceChildren();
  $('sgd-new').setAttribute('aria-expanded', 'false');
  if (focus)
    $('sgd-new').focus();
}

/* ---- invitations to co-sign --------------------------------------------------------------------- */

async function answer(button, id, confirm) {
  button.setAttribute('aria-disabled', 'true');
  try {
    await api('POST', `/api/v1/suggestions/${id}/cosign`, {confirm});
    say('sgd-invites-status', () => t(confirm ? 'sg.done.cosign_yes' : 'sg.done.cosign_no'));
    await loadInvitations(true);
    state.board.list.load();
  } catch (err) {
    button.removeAttribute('aria-disabled');
    if (!state.lost(err))
      say('sgd-invites-error', () => capitalize(problemText(err)));
  }
}

async function loadInvitations(keepStatus = false) {
  const ul = $('sgd-invites');
  if (!ul)
    return;
  say('sgd-invites-error', null);
  try {
    const data = await api('GET', '/api/v1/suggestions?limit=50');
    const others = ((data && data.items) || []).filter((s) => s.deputy && s.deputy.id !== state.me.deputy_id &&
      ['submitted', 'accepted'].includes(s.state));
    const full = await Promise.all(others.map((s) => api('GET', `/api/v1/suggestions/${s.id}`).catch(() => null)));
    const invited = full.filter((s) => s && (s.cosigners || []).some((c) => c.deputy_id === state.me.deputy_id &&
      c.state === 'invited'));
    state.invitations = invited;
    renderInvitations();
    if (!keepStatus)
      say('sgd-invites-status', invited.length ? null : () => t('sg.invites.none'));
  } catch (err) {
    if (!state.lost(err))
      say('sgd-invites-error', () => capitalize(problemText(err)));
  }
}

function renderInvitations() {
  const ul = $('sgd-invites');
  if (!ul)
    return;
  ul.replaceChildren(...(state.invitations || []).map((s) => h('li', {class: 'unit-card', 'data-id': s.id},
    h('p', {class: 'sg-invite-title'}, s.title),
    h('p', {class: 'muted'}, t('sg.invites.from', {name: nameOf(s.deputy)})),
    h('div', {class: 'step-buttons', role: 'group', 'aria-label': t('sg.invites.answer', {title: s.title})},
      h('button', {type: 'button', class: 'primary', 'data-confirm': 'true'}, t('sg.step.cosign_yes')),
      h('button', {type: 'button', class: 'secondary', 'data-confirm': 'false'}, t('sg.step.cosign_no'))))));
}

/* ---- the board's steps --------------------------------------------------------------------------- */

function ratingFields(p, s, withConsent) {
  return [choices(p, 'rating', 'sg.field.rating', RATINGS.map((r) => [r, `sg.rating.${r}`]), {required: true,
    hintKey: withConsent ? 'sg.hint.evaluate' : 'sg.hint.rate_result'}),
  control(p, 'comment', 'sg.field.comment', {type: 'textarea', max: 2000}),
  withConsent ? checkbox(p, 'consent_publish', 'sg.field.consent_publish', Boolean(s.consent_deputy)) : null];
}

function ratingBody(withConsent) {
  return (form) => {
    const rating = radioValue(form, 'rating');
    if (!rating)
      return {error: {code: 'required', field: 'rating'}};
    const body = {rating, comment: textOf(form, 'comment')};
    if (withConsent)
      body.consent_publish = boxOn(form, 'consent_publish');
    return body;
  };
}

function steps(s) {
  const me = state.me.deputy_id;
  const lead = s.deputy && s.deputy.id === me;
  const mine = (s.cosigners || []).find((c) => c.deputy_id === me);
  const out = [];
  if (lead && ['draft', 'returned'].includes(s.state))
    out.push({step: 'edit', run: (x) => openEditor(x)}, {step: 'submit', primary: true});
  if (mine && mine.state === 'invited' && ['submitted', 'accepted'].includes(s.state))
    out.push({step: 'cosign_yes', path: 'cosign', primary: true, body: () => ({confirm: true})},
      {step: 'cosign_no', path: 'cosign', body: () => ({confirm: false})});
  if (lead && s.state === 'replied')
    out.push({step: 'evaluate', primary: true, form: (p) => ratingFields(p, s, true), body: ratingBody(true)});
  if (lead && s.state === 'evaluated')
    out.push({step: 'rate-result', primary: true, form: (p) => ratingFields(p, s, false), body: ratingBody(false)});
  return out;
}

function intro() {
  const invites = h('ul', {id: 'sgd-invites', class: 'unit-list'});
  invites.addEventListener('click', (event) => {
    const b = event.target.closest('button[data-confirm]');
    if (b && b.getAttribute('aria-disabled') !== 'true')
      answer(b, Number(b.closest('li[data-id]').dataset.id), b.dataset.confirm === 'true');
  });
  const add = h('button', {id: 'sgd-new', type: 'button', class: 'primary', 'aria-expanded': 'false', 'aria-controls': 'sgd-editor',
    'data-i18n': 'sg.editor.open'}, t('sg.editor.open'));
  add.addEventListener('click', () => openEditor(null));
  return [
    add,
    h('p', {id: 'sgd-status', class: 'muted', role: 'status'}),
    h('div', {id: 'sgd-editor'}),
    h('section', {class: 'sg-invites', 'aria-labelledby': 'sgd-invites-heading'},
      h('h3', {id: 'sgd-invites-heading', 'data-i18n': 'sg.invites.heading'}, t('sg.invites.heading')),
      h('p', {id: 'sgd-invites-status', class: 'muted', role: 'status'}),
      h('p', {id: 'sgd-invites-error', class: 'form-error', role: 'alert'}),
      invites),
    h('h3', {'data-i18n': 'sg.mine'}, t('sg.mine'))
  ];
}

/* ---- entry points (suggestions.js) ------------------------------------------------------------ */

export async function show(me, lost) {
  state.me = me;
  state.lost = lost;
  state.invitations = [];
  await categoryList();
  state.board = new Board({
    root: 'suggestions-root',
    prefix: 'sgd',
    tabs: ['all', 'draft', 'returned', 'submitted', 'accepted', 'assigned', 'handling', 'replied', 'evaluated', 'closed'],
    intro,
    steps,
    lost,
    rowBadge: (s) => (s.deputy && s.deputy.id !== me.deputy_id ? badge('state', t('sg.cosigned')) : null)
  });
  await state.board.build();
  await loadInvitations();
}

export function render() {
  if (!state.board)
    return;
  state.board.render();
  renderInvitations();
}

export function hide() {
  state.me = null;
  state.board = null;
}

