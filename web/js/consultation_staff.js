/* consultation_staff: 立法征求意见 in the workspace. The office pastes a draft law or regulation,
 * previews how it splits into articles and topics, saves and publishes it; the office and the
 * station staff read the comments article by article, record what a station's meeting (座谈会)
 * said, mark which comments were adopted (采纳) with a note, and open the printable report
 * (draft-report.html). */

import './strings/draft.js';
import {t} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {say, showFormError, clearFormError, missingField, formValues, once} from './forms.js';

const state = {me: null, drafts: [], stations: [], current: null, onSessionLost: () => {}};

function field(id, key, control, hint) {
  return h('div', {class: 'field', 'data-field': control.getAttribute('name')},
    h('label', {for: id}, h('span', {'data-field-label': true, 'data-i18n': key}, t(key))),
    hint ? h('p', {id: `${id}-hint`, class: 'hint', 'data-i18n': hint}, t(hint)) : null,
    control);
}

function failed(err, form, errorId) {
  if (err.status === 401)
    state.onSessionLost();
  else if (form)
    showFormError(form, errorId, err);
  else
    say('consult-status', () => t('draft.error', {message: err.message}));
}

/* ---- creating ---- */

function createForm() {
  const deadline = new Date(Date.now() + 8 * 3600 * 1000 + 30 * 86400 * 1000).toISOString().slice(0, 10);
  return h('form', {id: 'consult-create', class: 'consult-staff', novalidate: true, 'aria-labelledby': 'consult-create-heading'},
    h('h3', {id: 'consult-create-heading', 'data-i18n': 'consult.create'}, t('consult.create')),
    field('consult-title', 'consult.title', h('input', {id: 'consult-title', name: 'title', type: 'text', required: true, maxlength: '200'})),
    field('consult-summary', 'consult.summary', h('textarea', {id: 'consult-summary', name: 'summary', rows: '2', maxlength: '2000'})),
    field('consult-region', 'consult.region', h('input', {id: 'consult-region', name: 'region', type: 'text', inputmode: 'numeric',
      required: true, pattern: '[0-9]{12}', value: state.me.region})),
    field('consult-deadline', 'consult.deadline', h('input', {id: 'consult-deadline', name: 'deadline', type: 'date', required: true, value: deadline})),
    field('consult-text', 'consult.text', h('textarea', {id: 'consult-text', name: 'text', rows: '10', required: true,
      'aria-describedby': 'consult-text-hint'}), 'consult.text.hint'),
    h('p', {id: 'consult-create-error', class: 'form-error', role: 'alert'}),
    h('p', {id: 'consult-create-status', class: 'form-status', role: 'status'}),
    h('div', {id: 'consult-preview', class: 'consult-preview', hidden: true, tabindex: '0', 'aria-label': t('consult.preview')}),
    h('p', {class: 'consult-actions'},
      h('button', {id: 'consult-preview-button', type: 'button', class: 'secondary', 'data-i18n': 'consult.preview'}, t('consult.preview')),
      h('button', {type: 'submit', class: 'primary', 'data-i18n': 'consult.save'}, t('consult.save'))));
}

function draftBody(form) {
  const v = formValues(form);
  const body = {title: v.title.trim(), region: v.region.trim(), deadline: v.deadline, text: v.text};
  if (v.summary.trim())
    body.summary = v.summary.trim();
  return body;
}

function checked(form) {
  clearFormError(form, 'consult-create-error');
  say('consult-create-status', null);
  const missing = missingField(form);
  if (missing) {
    const input = showFormError(form, 'consult-create-error', missing);
    if (input)
      input.focus();
  }
  return !missing;
}

async function onPreview() {
  const form = $('consult-create');
  if (!checked(form))
    return;
  try {
    const preview = await api('POST', '/api/v1/drafts?dry_run=true', draftBody(form));
    const box = $('consult-preview');
    box.replaceChildren(
      h('p', null, t('consult.preview.count', {n: preview.articles.length, topics: preview.topics.join('、') || t('consult.none_topic')})),
      h('ol', {class: 'draft-articles'}, preview.articles.map((a) =>
        h('li', null, h('strong', null, a.label), a.topic ? ` （${a.topic}） ` : ' ', a.text))));
    box.hidden = false;
  } catch (err) {
    failed(err, form, 'consult-create-error');
  }
}

async function onCreate(event) {
  event.preventDefault();
  const form = event.currentTarget;
  await once(form, async () => {
    if (!checked(form))
      return;
    try {
      const d = await api('POST', '/api/v1/drafts', draftBody(form));
      form.reset();
      $('consult-preview').hidden = true;
      say('consult-create-status', () => t('consult.saved', {title: d.title}));
      await load();
    } catch (err) {
      failed(err, form, 'consult-create-error');
    }
  });
}

/* ---- the list ---- */

function draftItem(d) {
  const admin = state.me.role === 'admin';
  return h('li', {'data-draft': String(d.id)},
    h('p', null, h('strong', null, d.title)),
    h('p', {class: 'muted'}, `${t(`draft.state.${d.state}`)} · ${t('draft.deadline', {date: d.deadline})} · ` +
      t('draft.counts', {articles: d.article_count, comments: d.comment_count})),
    h('p', {class: 'consult-actions'},
      admin && d.state === 'draft'
        ? h('button', {type: 'button', class: 'primary', onclick: () => publish(d)}, t('consult.publish')) : null,
      d.state !== 'draft'
        ? h('button', {type: 'button', class: 'secondary', onclick: () => openComments(d)}, t('consult.comments')) : null,
      h('a', {href: `/draft-report.html?id=${d.id}`}, t('consult.report')),
      d.state !== 'draft' ? h('a', {href: `/draft.html?id=${d.id}`}, t('consult.public')) : null));
}

function renderList() {
  $('consult-list').replaceChildren(...(state.drafts.length ? state.drafts.map(draftItem)
    : [h('li', {class: 'muted'}, t('consult.list.empty'))]));
}

async function load() {
  try {
    const page = await api('GET', `/api/v1/drafts?region=${state.me.region}&limit=50`);
    state.drafts = page.items;
    renderList();
  } catch (err) {
    failed(err);
  }
}

async function publish(d) {
  try {
    await api('POST', `/api/v1/drafts/${d.id}/publish`, {});
    say('consult-status', () => t('consult.published', {title: d.title}));
    await load();
  } catch (err) {
    failed(err);
  }
}

/* ---- comments ---- */

function reviewForm(c) {
  const id = (name) => `review-${c.id}-${name}`;
  const form = h('form', {class: 'consult-review', novalidate: true},
    h('div', {class: 'field check'},
      h('input', {id: id('adopted'), name: 'adopted', type: 'checkbox', checked: c.adopted}),
      h('label', {for: id('adopted')}, t('consult.adopted'))),
    h('div', {class: 'field', 'data-field': 'note'},
      h('label', {for: id('note')}, t('consult.note')),
      h('input', {id: id('note'), name: 'note', type: 'text', maxlength: '1000', value: c.adoption_note})),
    h('button', {type: 'submit', class: 'secondary'}, t('consult.review.save')),
    h('p', {id: id('error'), class: 'form-error', role: 'alert'}),
    h('p', {id: id('status'), class: 'form-status', role: 'status'}));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    once(form, async () => {
      clearFormError(form, id('error'));
      try {
        await api('POST', `/api/v1/comments/${c.id}/adopt`, {adopted: form.elements.adopted.checked, note: form.elements.note.value});
        say(id('status'), () => t('consult.review.saved'));
      } catch (err) {
        failed(err, form, id('error'));
      }
    });
  });
  return form;
}

function commentItem(c, label) {
  const where = [t(`source.${c.source}`), c.station ? c.station.name : null, c.meeting || null].filter(Boolean).join(' · ');
  return h('li', {class: 'consult-comment', 'data-comment': String(c.id)},
    h('p', null, h('strong', null, label), ` · ${where} · ${c.author || t('report.anonymous')}`),
    h('p', null, c.content),
    reviewForm(c));
}

function meetingForm(d) {
  const form = h('form', {id: 'consult-meeting', class: 'consult-staff', novalidate: true, 'aria-labelledby': 'consult-meeting-heading'},
    h('h4', {id: 'consult-meeting-heading'}, t('consult.meeting.heading')),
    field('meeting-article', 'consult.meeting.article', h('select', {id: 'meeting-article', name: 'article', required: true},
      d.articles.map((a) => h('option', {value: String(a.number)}, a.label)))),
    field('meeting-station', 'consult.meeting.station', h('select', {id: 'meeting-station', name: 'station_id', required: true},
      state.stations.map((s) => h('option', {value: String(s.id)}, s.name)))),
    field('meeting-name', 'consult.meeting.name', h('input', {id: 'meeting-name', name: 'meeting', type: 'text', required: true, maxlength: '200'})),
    field('meeting-speaker', 'consult.meeting.speaker', h('input', {id: 'meeting-speaker', name: 'name', type: 'text', maxlength: '50'})),
    field('meeting-content', 'consult.meeting.content', h('textarea', {id: 'meeting-content', name: 'content', rows: '3', required: true, maxlength: '2000'})),
    h('p', {id: 'meeting-error', class: 'form-error', role: 'alert'}),
    h('p', {id: 'meeting-status', class: 'form-status', role: 'status'}),
    h('button', {type: 'submit', class: 'primary'}, t('consult.meeting.submit')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    once(form, async () => {
      clearFormError(form, 'meeting-error');
      const missing = missingField(form);
      if (missing) {
        showFormError(form, 'meeting-error', missing);
        return;
      }
      const v = formValues(form);
      const body = {content: v.content, station_id: Number(v.station_id), meeting: v.meeting.trim()};
      if (v.name.trim())
        body.name = v.name.trim();
      try {
        await api('POST', `/api/v1/drafts/${d.id}/articles/${v.article}/meeting-comments`, body);
        say('meeting-status', () => t('consult.meeting.done'));
        await openComments(d);
      } catch (err) {
        failed(err, form, 'meeting-error');
      }
    });
  });
  return form;
}

async function openComments(summary) {
  try {
    const [d, list] = await Promise.all([api('GET', `/api/v1/drafts/${summary.id}`),
      api('GET', `/api/v1/drafts/${summary.id}/comments`)]);
    if (!state.stations.length) {
      const stations = await api('GET', `/api/v1/stations?region=${state.me.region}&limit=100`);
      state.stations = stations.items;
    }
    state.current = d;
    const labels = new Map(d.articles.map((a) => [a.number, a.label]));
    const heading = h('h3', {id: 'consult-comments-heading', tabindex: '-1'}, t('consult.comments.heading', {title: d.title}));
    $('consult-comments').replaceChildren(heading,
      list.items.length ? h('ul', {class: 'consult-drafts'}, list.items.map((c) => commentItem(c, labels.get(c.article))))
        : h('p', {class: 'muted'}, t('consult.comments.empty')),
      d.state === 'open' && state.stations.length ? meetingForm(d) : null);
    $('consult-comments').hidden = false;
    heading.focus();
  } catch (err) {
    failed(err);
  }
}

/* ---- the section ---- */

document.addEventListener('langchange', () => {
  if (state.me)
    renderList();
});


export function show(me, {onSessionLost}) {
  state.me = me;
  state.onSessionLost = onSessionLost;
  const create = me.role === 'admin' ? createForm() : null;
  $('consultation-root').replaceChildren(
    h('p', {class: 'muted', 'data-i18n': 'consult.intro'}, t('consult.intro')),
    h('p', {id: 'consult-status', class: 'form-status', role: 'status'}),
    h('ul', {id: 'consult-list', class: 'consult-drafts'}),
    h('div', {id: 'consult-comments', hidden: true}),
    create);
  if (create) {
    create.addEventListener('submit', onCreate);
    $('consult-preview-button').addEventListener('click', onPreview);
  }
  $('consultation-view').hidden = false;
  load();
}

export function hide() {
  state.me = null;
  state.drafts = [];
  state.stations = [];
  $('consultation-view').hidden = true;
  $('consultation-root').replaceChildren();
}
