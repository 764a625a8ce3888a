/* draft: the public page of legislative consultation (draft.html). Without ?id it lists the
 * drafts open for comment (of ?region= and the regions above and below it, when given); with
 * ?id=N it shows the draft article by article, each with a comment form that works on a cheap
 * phone. A signed-in deputy comments as a deputy and picks the topics (专题) they follow. */

import './strings/draft.js';
import {initI18n, t} from './i18n.js';
import {api, setCsrfToken} from './api.js';
import {$, h, idParam} from './dom.js';
import {say, showFormError, clearFormError, missingField, formValues, once, rerenderMessages} from './forms.js';

const state = {draft: null, me: null};

/* A key per form submission: the same form sent again (a dropped connection) makes one comment. */
function freshKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fail(err) {
  say('draft-status', () => (err.status === 404 ? t('draft.not_found') : t('draft.error', {message: err.message})));
}

/* ---- the list ---- */

function draftItem(d) {
  return h('li', {class: 'card draft-item'},
    h('h2', null, h('a', {href: `/draft.html?id=${d.id}`}, d.title)),
    h('p', {class: 'muted'}, `${t(`draft.state.${d.state}`)} · ${t('draft.deadline', {date: d.deadline})}`),
    d.summary ? h('p', null, d.summary) : null,
    h('p', {class: 'muted'}, t('draft.counts', {articles: d.article_count, comments: d.comment_count})));
}

async function showList() {
  const region = new URLSearchParams(window.location.search).get('region');
  const q = new URLSearchParams({limit: '50'});
  if (region && /^[0-9]{12}$/.test(region))
    q.set('region', region);
  const page = await api('GET', `/api/v1/drafts?${q}`);
  const open = page.items.filter((d) => d.state === 'open');
  $('draft-list').replaceChildren(...open.map(draftItem));
  say('draft-status', open.length ? null : () => t('draft.none'));
  $('draft-list-view').hidden = false;
}

/* ---- one draft ---- */

function articleHeading(a) {
  return a.heading ? `${a.label}【${a.heading}】` : a.label;
}

function commentForm(a) {
  const id = (name) => `c${a.number}-${name}`;
  const deputy = state.me && state.me.role === 'deputy';
  const field = (name, key, control) => h('div', {class: 'field', 'data-field': name},
    h('label', {for: id(name)}, h('span', {'data-field-label': true, 'data-i18n': key}, t(key))), control,
    h('p', {id: id(`${name}-error`), class: 'field-error'}));
  const form = h('form', {class: 'draft-comment-form', novalidate: true, 'data-number': String(a.number)},
    deputy ? h('p', {class: 'hint', 'data-i18n': 'draft.comment.as_deputy'}, t('draft.comment.as_deputy')) : null,
    field('content', 'draft.comment.content',
      h('textarea', {id: id('content'), name: 'content', required: true, maxlength: '2000', rows: '4'})),
    deputy ? null : field('name', 'draft.comment.name',
      h('input', {id: id('name'), name: 'name', type: 'text', autocomplete: 'name', maxlength: '50'})),
    deputy ? null : field('phone', 'draft.comment.phone',
      h('input', {id: id('phone'), name: 'phone', type: 'tel', inputmode: 'tel', autocomplete: 'tel', maxlength: '20'})),
    h('p', {id: id('error'), class: 'form-error', role: 'alert'}),
    h('p', {id: id('status'), class: 'form-status', role: 'status'}),
    h('button', {type: 'submit', class: 'primary', 'data-i18n': 'draft.comment.submit'}, t('draft.comment.submit')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    once(form, () => sendComment(form, a));
  });
  return h('details', {class: 'draft-comment'},
    h('summary', {'data-i18n': 'draft.comment.open'}, t('draft.comment.open')), form);
}

async function sendComment(form, a) {
  const errorId = `c${a.number}-error`, statusId = `c${a.number}-status`;
  clearFormError(form, errorId);
  say(statusId, null);
  const missing = missingField(form);
  if (missing) {
    const input = showFormError(form, errorId, missing);
    if (input)
      input.focus();
    return;
  }
  const values = formValues(form);
  const body = {content: values.content};
  for (const name of ['name', 'phone'])
    if (values[name] && values[name].trim())
      body[name] = values[name].trim();
  form.dataset.key = form.dataset.key || freshKey();
  body.idempotency_key = form.dataset.key;
  say(statusId, () => t('draft.comment.sending'));
  try {
    await api('POST', `/api/v1/drafts/${state.draft.id}/articles/${a.number}/comments`, body);
    delete form.dataset.key;
    form.reset();
    a.comments += 1;
    renderCount(a);
    say(statusId, () => t('draft.comment.done', {label: a.label}));
  } catch (err) {
    say(statusId, null);
    const input = showFormError(form, errorId, err);
    if (input)
      input.focus();
  }
}

function renderCount(a) {
  const el = $(`a${a.number}-count`);
  if (el)
    el.textContent = t('draft.article.comments', {n: a.comments});
}

function articleItem(a, open) {
  return h('li', {id: `article-${a.number}`, class: 'card draft-article'},
    h('h2', null, articleHeading(a)),
    a.topic ? h('p', {class: 'muted draft-topic'}, t('draft.topic', {topic: a.topic})) : null,
    h('p', {class: 'draft-text'}, a.text),
    h('p', {id: `a${a.number}-count`, class: 'muted'}, t('draft.article.comments', {n: a.comments})),
    open ? commentForm(a) : null);
}

function renderMeta() {
  const d = state.draft;
  if (!d)
    return;
  document.title = `${d.title} - ${t('draft.page')}`;
  $('draft-meta').textContent = [t(`draft.state.${d.state}`), t('draft.deadline', {date: d.deadline}),
    d.region_name ? t('draft.by', {region: d.region_name}) : null].filter(Boolean).join(' · ');
  for (const a of d.articles)
    renderCount(a);
  for (const box of document.querySelectorAll('.draft-topic')) {
    const a = d.articles.find((x) => `article-${x.number}` === box.parentElement.id);
    if (a)
      box.textContent = t('draft.topic', {topic: a.topic});
  }
}

function followForm() {
  const d = state.draft;
  const following = new Set(d.following || []);
  $('follow-topics').replaceChildren(...d.topics.map((topic, i) => h('div', {class: 'field check'},
    h('input', {id: `follow-${i}`, type: 'checkbox', name: 'topic', value: topic, checked: following.has(topic)}),
    h('label', {for: `follow-${i}`}, topic))));
  const form = $('follow-form');
  form.hidden = d.topics.length === 0;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    once(form, async () => {
      clearFormError(form, 'follow-error');
      const topics = [...form.querySelectorAll('input[name="topic"]:checked')].map((box) => box.value);
      try {
        await api('POST', `/api/v1/drafts/${d.id}/follow`, {topics});
        say('follow-status', () => t('draft.follow.done'));
      } catch (err) {
        showFormError(form, 'follow-error', err);
      }
    });
  });
}

async function showDraft(id) {
  const d = await api('GET', `/api/v1/drafts/${id}`);
  state.draft = d;
  $('draft-heading').textContent = d.title;
  $('draft-heading').removeAttribute('data-i18n');
  $('draft-summary').textContent = d.summary;
  $('draft-closed').hidden = d.state === 'open';
  const open = d.state === 'open';
  $('draft-articles').replaceChildren(...d.articles.map((a) => articleItem(a, open)));
  if (state.me && state.me.role === 'deputy')
    followForm();
  renderMeta();
  say('draft-status', null);
  $('draft-crumbs').hidden = false;
  $('draft-view').hidden = false;
  const target = window.location.hash && document.querySelector(window.location.hash);
  if (target)
    target.scrollIntoView();
}

async function start() {
  initI18n();
  document.addEventListener('langchange', () => {
    renderMeta();
    rerenderMessages();
  });
  try {
    const session = await api('GET', '/api/v1/session');
    state.me = session && session.user;
    setCsrfToken(session && session.csrf_token);
  } catch {
    state.me = null; /* the public page works signed out */
  }
  const id = idParam('id');
  try {
    if (id)
      await showDraft(id);
    else
      await showList();
  } catch (err) {
    fail(err);
  }
}

start();
