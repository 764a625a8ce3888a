/* campaigns_staff: 主题活动 in the workspace. An admin creates a campaign with its tasks and sees
 * the progress of those of their region; admins and station staff count an activity, visit or
 * opinion toward a campaign by its kind and number (POST /api/v1/campaigns/:id/items). The
 * public progress page is campaign.html?id=N. */

import './strings/campaign.js';
import {t} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {say, showFormError, clearFormError, formValues, once} from './forms.js';

const KINDS = ['activity', 'visit', 'opinion'];
const state = {me: null, campaigns: [], built: false, onSessionLost: () => {}};

function field(id, key, control) {
  return h('div', {class: 'field', 'data-field': control.getAttribute('name')},
    h('label', {for: id, 'data-i18n': key}, t(key)), control);
}

function input(id, name, type, attrs) {
  return h('input', {id, name, type, ...attrs});
}

function createForm() {
  return h('form', {id: 'campaign-create-form', class: 'campaign-staff', novalidate: true, 'aria-labelledby': 'campaign-create-heading'},
    h('h3', {id: 'campaign-create-heading', 'data-i18n': 'campaigns.create'}, t('campaigns.create')),
    field('campaign-theme', 'campaigns.theme', input('campaign-theme', 'theme', 'text', {required: true, maxlength: '50'})),
    field('campaign-title', 'campaigns.title_field', input('campaign-title', 'title', 'text', {required: true, maxlength: '100'})),
    field('campaign-description', 'campaigns.description', h('textarea', {id: 'campaign-description', name: 'description', maxlength: '2000'})),
    field('campaign-starts', 'campaigns.starts_on', input('campaign-starts', 'starts_on', 'date', {required: true})),
    field('campaign-ends', 'campaigns.ends_on', input('campaign-ends', 'ends_on', 'date', {required: true})),
    field('campaign-regions', 'campaigns.regions', h('textarea', {id: 'campaign-regions', name: 'regions', spellcheck: 'false'})),
    h('div', {class: 'field', 'data-field': 'tasks'},
      h('label', {for: 'campaign-tasks', 'data-i18n': 'campaigns.tasks'}, t('campaigns.tasks')),
      h('textarea', {id: 'campaign-tasks', name: 'tasks', 'aria-describedby': 'campaign-tasks-hint'}),
      h('p', {id: 'campaign-tasks-hint', class: 'hint', 'data-i18n': 'campaigns.tasks.hint'}, t('campaigns.tasks.hint'))),
    h('p', {id: 'campaign-create-error', class: 'form-error', role: 'alert'}),
    h('p', {id: 'campaign-create-status', class: 'form-status', role: 'status'}),
    h('button', {type: 'submit', class: 'primary', 'data-i18n': 'campaigns.submit'}, t('campaigns.submit')));
}

function tagForm() {
  return h('form', {id: 'campaign-tag-form', class: 'campaign-staff', novalidate: true, 'aria-labelledby': 'campaign-tag-heading'},
    h('h3', {id: 'campaign-tag-heading', 'data-i18n': 'campaigns.tag'}, t('campaigns.tag')),
    field('campaign-tag-campaign', 'campaigns.tag.campaign', h('select', {id: 'campaign-tag-campaign', name: 'campaign', required: true})),
    field('campaign-tag-kind', 'campaigns.tag.kind', h('select', {id: 'campaign-tag-kind', name: 'kind'},
      KINDS.map((kind) => h('option', {value: kind, 'data-i18n': `campaign.kind.${kind}`}, t(`campaign.kind.${kind}`))))),
    field('campaign-tag-id', 'campaigns.tag.id', input('campaign-tag-id', 'id', 'text', {inputmode: 'numeric', required: true, pattern: '[0-9]*'})),
    h('p', {id: 'campaign-tag-error', class: 'form-error', role: 'alert'}),
    h('p', {id: 'campaign-tag-status', class: 'form-status', role: 'status'}),
    h('button', {type: 'submit', class: 'primary', 'data-i18n': 'campaigns.tag.submit'}, t('campaigns.tag.submit')));
}

/* "12, 进社区 2 次, activity, 2" or "g3, ..." per line -> tasks; throws the bad line's number. */
function parseTasks(text) {
  return text.split('\n').map((line) => line.trim()).filter(Boolean).map((line, i) => {
    const parts = line.split(/[,，]/).map((p) => p.trim());
    const m = /^(g?)([1-9][0-9]*)$/i.exec(parts[0] || '');
    const target = Number.parseInt(parts[3], 10);
    if (parts.length !== 4 || !m || !parts[1] || !KINDS.includes(parts[2]) || !(target > 0))
      throw i + 1;
    return {[m[1] ? 'group_id' : 'deputy_id']: Number(m[2]), title: parts[1], counts: parts[2], target};
  });
}

function renderList() {
  const root = $('campaigns-list');
  if (!root)
    return;
  const select = $('campaign-tag-campaign');
  const chosen = select.value;
  select.replaceChildren(...state.campaigns.map((c) => h('option', {value: String(c.id)}, c.title)));
  if (chosen)
    select.value = chosen;
  root.replaceChildren(
    h('h3', {'data-i18n': 'campaigns.list'}, t('campaigns.list')),
    state.campaigns.length
      ? h('ul', {class: 'campaign-list'}, state.campaigns.map((c) => h('li', null,
        h('a', {href: `/campaign.html?id=${c.id}`}, c.title), ' ',
        h('span', {class: 'muted'}, `${c.theme} · ${t('campaign.period.value', {from: c.starts_on, to: c.ends_on})} · ${c.tagged}`))))
      : h('p', {class: 'muted'}, t('campaigns.none')));
}

async function load() {
  try {
    const data = await api('GET', `/api/v1/campaigns?region=${encodeURIComponent(state.me.region)}`);
    state.campaigns = data.items;
  } catch (err) {
    if (err.status === 401)
      return state.onSessionLost();
    state.campaigns = [];
  }
  renderList();
}

async function onCreate(event) {
  event.preventDefault();
  const form = event.currentTarget;
  await once(form, async () => {
    clearFormError(form, 'campaign-create-error');
    say('campaign-create-status', null);
    const v = formValues(form);
    const body = {theme: v.theme.trim(), title: v.title.trim(), starts_on: v.starts_on, ends_on: v.ends_on};
    if (v.description.trim())
      body.description = v.description.trim();
    const regions = v.regions.split(/\s+/).filter(Boolean);
    if (regions.length)
      body.regions = regions;
    try {
      body.tasks = parseTasks(v.tasks);
    } catch (line) {
      showFormError(form, 'campaign-create-error', {field: 'tasks', message: t('campaigns.tasks.bad', {line})});
      return;
    }
    try {
      const made = await api('POST', '/api/v1/campaigns', body);
      form.reset();
      say('campaign-create-status', () => t('campaigns.created', {title: made.title}));
      await load();
    } catch (err) {
      if (err.status === 401)
        return state.onSessionLost();
      showFormError(form, 'campaign-create-error', err);
    }
  });
}

async function onTag(event) {
  event.preventDefault();
  const form = event.currentTarget;
  await once(form, async () => {
    clearFormError(form, 'campaign-tag-error');
    say('campaign-tag-status', null);
    const v = formValues(form);
    try {
      const done = await api('POST', `/api/v1/campaigns/${encodeURIComponent(v.campaign)}/items`,
        {kind: v.kind, id: Number.parseInt(v.id, 10) || 0});
      say('campaign-tag-status', () => t('campaigns.tagged', {kind: t(`campaign.kind.${done.kind}`), id: done.id}));
      await load();
    } catch (err) {
      if (err.status === 401)
        return state.onSessionLost();
      showFormError(form, 'campaign-tag-error', err);
    }
  });
}

function build() {
  const admin = state.me.role === 'admin';
  const create = admin ? createForm() : null;
  const tag = tagForm();
  $('campaigns-root').replaceChildren(h('div', {id: 'campaigns-list'}), tag, create);
  tag.addEventListener('submit', onTag);
  if (create)
    create.addEventListener('submit', onCreate);
}

export function show(me, {onSessionLost}) {
  state.me = me;
  state.onSessionLost = onSessionLost;
  build();
  $('campaigns-view').hidden = false;
  load();
}

export function hide() {
  state.me = null;
  state.campaigns = [];
  $('campaigns-view').hidden = true;
  $('campaigns-root').replaceChildren();
}

export function render() {
  if (state.me)
    renderList();
}
