/* suggestions_common: what every role's view of deputy suggestions (代表建议: 提、交、办、督、评)
 * shares - the words for states, sessions, reply categories and ratings (always as text, a badge
 * never speaks by colour alone), a suggestion drawn in full (GET /api/v1/suggestions/:id: its
 * co-signers, source opinions, attachments, units, contact log, reply, ratings and timeline), the
 * small controls of its forms, and the Board: a list by state (tabs) whose rows open the
 * suggestion in place, with the steps the role may take on it (each answered with the suggestion
 * as it now is; a 409 reads it again and says why).
 *
 * Every string lives in strings/suggestions.js under sg.*. */

import './strings/suggestions.js';
import {t, has, getLang} from './i18n.js';
import {api} from './api.js';
import {$, h} from './dom.js';
import {say, capitalize, errorText, clearFormError, showFormError, missingField, once} from './forms.js';
import {details} from './record.js';
import {beijingTime, badge, flagBadge, actionForm, PagedList, loadCategories} from './inbox_common.js';

export const SESSIONS = ['session', 'recess'];
export const RATINGS = ['satisfied', 'basic', 'unsatisfied'];
export const REPLY_CATEGORIES = ['A', 'B', 'C'];
export const REPLY_TYPES = ['solve', 'explain'];
export const STAGES = ['before', 'during', 'after'];
export const WAYS = ['phone', 'visit', 'meeting', 'letter', 'online'];
export const PAGE = 20;

/* ---- words ------------------------------------------------------------------------------ */

/* sw('state', 'handling') -> '办理中'; an unknown code is shown as it came. */
export function sw(group, code) {
  const key = `sg.${group}.${code}`;
  return has(key) ? t(key) : String(code ?? '');
}

/* 'YYYY-MM-DD' in Beijing time. */
export function beijingDate(unix) {
  return beijingTime(unix).slice(0, 10);
}

/* A name from the API, given as {name} or as plain text. */
export function nameOf(x) {
  if (!x)
    return '';
  return typeof x === 'string' ? x : x.name || x.display_name || '';
}

export function percent(rate) {
  return Number.isFinite(rate) ? `${Math.round(rate * 1000) / 10}%` : t('sg.no_rate');
}

/* The words for an error of a suggestion's step: a refused state, the closed contest window, a
 * field the server refused (in this feature's words), else what forms.js knows. */
export function reason(err) {
  if (err.code === 'illegal_transition') {
    const state = err.body && err.body.error ? err.body.error.state : '';
    return t('sg.err.illegal_transition', {state: sw('state', state)});
  }
  if (has(`sg.err.${err.code}`))
    return t(`sg.err.${err.code}`);
  if (err.status === 422 && err.field && has(`sg.err.field.${err.field}`))
    return t(`sg.err.field.${err.field}`);
  return null;
}

export function problemText(err) {
  return errorText(err, reason);
}

/* ---- form controls (each in a box marked data-field, so forms.js ties errors to it) ---------- */

function fieldBox(id, name, labelKey, required, control, hintKey) {
  return h('div', {class: 'field', 'data-field': name},
    h('label', {for: id},
      h('span', {'data-field-label': true, 'data-i18n': labelKey}, t(labelKey)),
      required ? h('span', {class: 'required', 'data-i18n': 'inbox.required'}, t('inbox.required')) : null),
    hintKey ? h('p', {class: 'hint', id: `${id}-hint`, 'data-i18n': hintKey}, t(hintKey)) : null,
    control,
    h('p', {class: 'field-error', id: `${id}-error`}));
}

/* A text control: type text, date, textarea or select (options [[value, text, key?]]). */
export function control(prefix, name, labelKey, {type = 'text', required = false, hintKey = null, value = '', max = 200,
  options = []} = {}) {
  const id = `${prefix}-${name}`;
  const describedBy = hintKey ? `${id}-hint` : null;
  let el;
  if (type === 'textarea')
    el = h('textarea', {id, name, rows: 6, maxlength: max, required, 'aria-describedby': describedBy});
  else if (type === 'select')
    el = h('select', {id, name, required, 'aria-describedby': describedBy},
      options.map(([v, text, key]) => h('option', {value: v, 'data-i18n': key || null}, text)));
  else
    el = h('input', {id, name, type, maxlength: type === 'text' ? max : null, required, autocomplete: 'off',
      'aria-describedby': describedBy});
  if (value !== null && value !== undefined && value !== '')
    el.value = String(value);
  return fieldBox(id, name, labelKey, required, el, hintKey);
}

/* A group of radio buttons (or check boxes, multiple) under a legend; options [[value, key]]. */
export function choices(prefix, name, labelKey, options, {required = false, value = null, multiple = false,
  hintKey = null, labels = null} = {}) {
  const legendId = `${prefix}-${name}-legend`;
  const hint = hintKey ? `${prefix}-${name}-hint` : null;
  const picked = new Set([].concat(value ?? []).map(String));
  return h('fieldset', {class: 'field choices', 'data-field': name, 'aria-describedby': hint},
    h('legend', {id: legendId},
      h('span', {'data-field-label': true, 'data-i18n': labelKey}, t(labelKey)),
      required ? h('span', {class: 'required', 'data-i18n': 'inbox.required'}, t('inbox.required')) : null),
    hint ? h('p', {class: 'hint', id: hint, 'data-i18n': hintKey}, t(hintKey)) : null,
    h('div', {class: multiple ? 'checks' : 'sg-radios'}, options.map(([v, key], i) => {
      const id = `${prefix}-${name}-${i}`;
      return h('label', {for: id, class: 'choice'},
        h('input', {id, type: multiple ? 'checkbox' : 'radio', name, value: v, checked: picked.has(String(v))}),
        labels ? h('span', null, labels[i]) : h('span', {'data-i18n': key}, t(key)));
    })),
    h('p', {class: 'field-error', id: `${prefix}-${name}-error`}));
}

/* One check box (consent, key suggestion). */
export function checkbox(prefix, name, labelKey, checked = false) {
  const id = `${prefix}-${name}`;
  return h('div', {class: 'field check', 'data-field': name},
    h('input', {id, name, type: 'checkbox', checked}),
    h('label', {for: id, 'data-field-label': true, 'data-i18n': labelKey}, t(labelKey)),
    h('p', {class: 'field-error', id: `${id}-error`}));
}

export function checked(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((el) => el.value);
}

export function radioValue(form, name) {
  return checked(form, name)[0] || undefined;
}

export function boxOn(form, name) {
  const el = form.querySelector(`input[type="checkbox"][name="${name}"]`);
  return Boolean(el && el.checked);
}

/* ---- a suggestion drawn in full ------------------------------------------------------------ */

let categories = [];

/* Reads the categories once, for their names; the editor's select uses them too. */
export async function categoryList() {
  categories = await loadCategories().catch(() => []);
  return categories;
}

export function categoryName(code) {
  const c = categories.find((x) => x.code === code);
  if (!c)
    return code || '';
  return getLang() === 'en' && c.name_en ? c.name_en : c.name;
}

export function numberText(s) {
  return s.number_text || t('sg.unnumbered');
}

export function stateBadge(s) {
  return badge('state', sw('state', s.state));
}

function unitLine(u) {
  const parts = [`${sw('role', u.role)}：${u.unit_name || `#${u.unit_id}`}`, `（${sw('ustate', u.state)}）`];
  return h('li', {class: u.state === 'replaced' ? 'muted' : null}, parts.join(''),
    u.contest_reason ? h('p', {class: 'sg-note'}, t('sg.field.contest_reason'), t('field.separator'), u.contest_reason) : null,
    u.opinion ? h('p', {class: 'sg-note'}, t('sg.field.co_opinion'), t('field.separator'), u.opinion) : null);
}

function replyBlock(r) {
  if (!r)
    return null;
  return h('section', {class: 'sg-reply', 'aria-labelledby': 'sg-reply-heading'},
    h('h4', {id: 'sg-reply-heading'}, t('sg.reply.heading')),
    h('p', {class: 'badges'}, badge('state', sw('category', r.category)), ' ', badge('state', sw('type', r.type))),
    h('p', {class: 'prose quoted answer'}, r.text),
    details([
      ['sg.field.commitment_date', r.commitment_date || null],
      ['sg.field.reason', r.reason ? h('span', {class: 'prose'}, r.reason) : null],
      ['sg.field.signed_by', r.signed_by],
      ['sg.field.replied_at', beijingTime(r.replied_at)]
    ]));
}

function timeline(items) {
  if (!items || !items.length)
    return null;
  return h('section', {'aria-labelledby': 'sg-tl-heading'},
    h('h4', {id: 'sg-tl-heading'}, t('sg.timeline')),
    h('ol', {class: 'op-timeline'}, items.map((e) => h('li', null,
      h('p', {class: 'timeline-head'}, h('time', null, beijingTime(e.at)), h('span', {class: 'timeline-what'},
        sw('action', e.action)), e.to ? h('span', null, `→ ${sw('state', e.to)}`) : null),
      e.actor ? h('p', {class: 'muted'}, has(`role.${e.actor}`) ? t(`role.${e.actor}`) : e.actor) : null,
      e.note ? h('p', {class: 'prose'}, e.note) : null))));
}

/* The body of a suggestion for any reader: facts, text, units, contact log, reply, timeline. */
export function suggestionView(s, headingId) {
  const cosigners = (s.cosigners || []).map((c) => `${c.name}（${sw('cosign', c.state)}）`).join('、');
  const attachments = (s.attachments || []).length ? h('ul', {class: 'plain-list'}, s.attachments.map((a) =>
    h('li', null, h('a', {href: `/api/v1/suggestions/${s.id}/attachments/${a.id}`}, a.name),
      ` (${Math.max(1, Math.round(a.bytes / 1024))} KB)`))) : null;
  const rating = s.rating ? `${sw('rating', s.rating)}${s.rating_comment ? ` - ${s.rating_comment}` : ''}` : null;
  return [
    h('h3', {id: headingId, tabindex: '-1'}, `${numberText(s)} ${s.title}`),
    h('p', {class: 'badges'}, stateBadge(s), ' ', s.key ? badge('urgent', t('sg.key')) : null, ' ',
      ['replied', 'evaluated', 'closed', 'letter', 'draft'].includes(s.state) ? null : flagBadge(s.flag),
      s.reopens ? badge('flag-warn', t('sg.redo')) : null),
    details([
      ['sg.field.deputy', nameOf(s.deputy)],
      ['sg.field.congress', s.congress ? `${s.congress.name} · ${sw('session', s.session)}` : sw('session', s.session)],
      ['sg.field.category', s.category ? categoryName(s.category) : null],
      ['sg.field.cosigners', cosigners || null],
      ['sg.field.opinions', (s.opinions || []).map((o) => o.tracking_code).join('、') || null],
      ['sg.field.attachments', attachments],
      ['sg.field.supervisor', s.supervisor ? nameOf(s.supervisor) : null],
      ['sg.field.due', s.due ? beijingDate(s.due) : null],
      ['sg.field.contest_due', s.contest_due && s.state === 'assigned' ? beijingTime(s.contest_due) : null],
      ['sg.field.submitted_at', beijingTime(s.submitted_at)],
      ['sg.field.rating', rating],
      ['sg.field.result_rating', s.result_rating ? sw('rating', s.result_rating) : null],
      ['sg.field.published', s.published ? t('sg.yes') : null]
    ]),
    h('h4', null, t('sg.field.content')),
    h('p', {class: 'prose sg-content'}, s.content),
    (s.units || []).length ? h('section', null, h('h4', null, t('sg.units')),
      h('ul', {class: 'plain-list sg-units'}, s.units.map(unitLine))) : null,
    (s.contacts || []).length ? h('section', null, h('h4', null, t('sg.contacts')),
      h('ul', {class: 'plain-list sg-contacts'}, s.contacts.map((c) => h('li', null,
        `${sw('stage', c.stage)} · ${sw('way', c.way)} · ${beijingTime(c.at)}：`, h('span', {class: 'prose'}, c.text))))) : null,
    replyBlock(s.reply),
    timeline(s.timeline)
  ];
}

/* ---- the board: tabs of states, a list, a suggestion opened in place ------------------------- */

/* options: root (element id), prefix (ids), tabs (['all', states...]), intro (nodes above the tabs),
 * steps(s) -> [{step, path?, form?: (prefix, s) -> fields, body?: (form, s) -> body | {error},
 * submitKey?, primary?}] for the suggestion shown (a step without form posts its body at once; one
 * with run(s) does its own work), lost(err) -> true when err ended the session, and row extras. */
export class Board {
  constructor(options) {
    Object.assign(this, options);
    this.tab = this.tabs[0];
    this.shown = null;   /* the suggestion opened, or null while the list shows */
    this.step = null;    /* the step whose form is open */
    this.list = new PagedList({
      path: '/api/v1/suggestions',
      query: () => {
        const q = new URLSearchParams({limit: String(PAGE)});
        if (this.tab !== 'all')
          q.set('state', this.tab);
        return q;
      },
      regionOf: () => null,
      render: () => this.renderList(),
      statusId: `${this.prefix}-count`,
      errorId: `${this.prefix}-error`,
      countText: () => this.list.count('sg.empty'),
      lost: this.lost
    });
  }

  id(suffix) {
    return `${this.prefix}-${suffix}`;
  }

  build() {
    const tabs = h('div', {class: 'tabs sg-tabs', role: 'tablist', 'aria-label': t('sg.tabs'), 'data-i18n-aria-label': 'sg.tabs'},
      this.tabs.map((s) => h('button', {type: 'button', role: 'tab', id: this.id(`tab-${s}`), 'data-state': s,
        'aria-selected': String(s === this.tab), 'aria-controls': this.id('panel'), tabindex: s === this.tab ? null : '-1',
        'data-i18n': s === 'all' ? 'sg.tab.all' : `sg.state.${s}`}, s === 'all' ? t('sg.tab.all') : sw('state', s))));
    tabs.addEventListener('click', (event) => {
      const b = event.target.closest('button[role="tab"]');
      if (b)
        this.choose(b.dataset.state, false);
    });
    tabs.addEventListener('keydown', (event) => this.onTabKey(event));
    const list = h('ul', {id: this.id('list'), class: 'inbox-list sg-list'});
    list.addEventListener('click', (event) => {
      const b = event.target.closest('button[data-id]');
      if (b)
        this.open(Number(b.dataset.id));
    });
    const more = h('button', {id: this.id('more'), type: 'button', class: 'secondary', hidden: true, 'data-i18n': 'inbox.more'},
      t('inbox.more'));
    more.addEventListener('click', () => this.list.load(true));
    $(this.root).replaceChildren(...(this.intro ? this.intro() : []),
      h('div', {id: this.id('listing')}, tabs,
        h('div', {id: this.id('panel'), role: 'tabpanel', 'aria-labelledby': this.id(`tab-${this.tab}`)},
          h('p', {id: this.id('count'), class: 'inbox-count', role: 'status'}),
          h('p', {id: this.id('error'), class: 'form-error', role: 'alert'}),
          list, more)),
      h('div', {id: this.id('detail'), class: 'inbox-detail', hidden: true}));
    return this.list.load();
  }

  onTabKey(event) {
    const at = this.tabs.indexOf(this.tab);
    const go = {ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: this.tabs.length - 1}[event.key];
    if (go === undefined)
      return;
    event.preventDefault();
    this.choose(this.tabs[(go + this.tabs.length) % this.tabs.length], true);
  }

  choose(state, focus) {
    this.tab = state;
    for (const b of $(this.id('listing')).querySelectorAll('button[role="tab"]')) {
      const on = b.dataset.state === state;
      b.setAttribute('aria-selected', String(on));
      if (on)
        b.removeAttribute('tabindex');
      else
        b.setAttribute('tabindex', '-1');
      if (on && focus)
        b.focus();
    }
    $(this.id('panel')).setAttribute('aria-labelledby', this.id(`tab-${state}`));
    return this.list.load();
  }

  row(s) {
    const lead = s.lead_unit ? nameOf(s.lead_unit) : '';
    return h('li', {class: 'inbox-row'},
      h('button', {type: 'button', class: 'inbox-open', 'data-id': s.id},
        h('span', {class: 'inbox-row-head'}, h('span', {class: 'inbox-code'}, numberText(s)), stateBadge(s),
          s.key ? badge('urgent', t('sg.key')) : null, flagBadge(s.flag),
          this.rowBadge ? this.rowBadge(s) : null),
        h('span', {class: 'inbox-excerpt sg-title'}, s.title),
        h('span', {class: 'item-meta'}, [nameOf(s.deputy), lead && `${t('sg.role.lead')}：${lead}`,
          s.due && `${t('sg.field.due')} ${beijingDate(s.due)}`, s.reply_category && sw('category', s.reply_category),
          s.rating && sw('rating', s.rating)].filter(Boolean).join(' · '))));
  }

  renderList() {
    const list = $(this.id('list'));
    if (!list)
      return;
    list.replaceChildren(...this.list.items.map((s) => this.row(s)));
    $(this.id('more')).hidden = !this.list.next;
  }

  /* Reads suggestion id and shows it in place of the list. */
  async open(id, notice) {
    try {
      const s = await api('GET', `/api/v1/suggestions/${id}`);
      this.show(s, notice);
    } catch (err) {
      if (!this.lost(err))
        say(this.id('error'), () => capitalize(problemText(err)));
    }
  }

  show(s, notice) {
    this.shown = s;
    this.step = null;
    $(this.id('listing')).hidden = true;
    const box = $(this.id('detail'));
    box.hidden = false;
    const back = h('button', {type: 'button', class: 'secondary back'}, t('sg.back'));
    back.addEventListener('click', () => this.back());
    const steps = this.steps(s);
    const buttons = steps.map((st) => h('button', {type: 'button', class: st.primary ? 'primary' : 'secondary',
      'data-step': st.step, 'aria-expanded': st.form ? 'false' : null,
      'aria-controls': st.form ? this.id('step-form') : null}, t(st.labelKey || `sg.step.${st.step}`)));
    const group = buttons.length ? h('div', {class: 'step-buttons', role: 'group', 'aria-label': t('sg.steps')}, buttons)
      : null;
    if (group)
      group.addEventListener('click', (event) => {
        const b = event.target.closest('button[data-step]');
        if (b)
          this.onStep(b, steps.find((x) => x.step === b.dataset.step));
      });
    box.replaceChildren(back,
      h('article', {'aria-labelledby': this.id('heading')}, suggestionView(s, this.id('heading')),
        h('p', {id: this.id('notice'), class: 'notice', role: 'status'}),
        h('p', {id: this.id('step-error'), class: 'form-error', role: 'alert'}),
        group,
        h('div', {id: this.id('step-form')})));
    if (notice)
      say(this.id('notice'), notice);
    $(this.id('heading')).focus();
  }

  back() {
    this.shown = null;
    this.step = null;
    $(this.id('detail')).hidden = true;
    $(this.id('detail')).replaceChildren();
    $(this.id('listing')).hidden = false;
    return this.list.load();
  }

  onStep(button, st) {
    if (!st)
      return;
    if (st.run)
      return st.run(this.shown);
    if (!st.form)
      return this.quick(button, st);
    this.step = st.step;
    for (const b of $(this.id('detail')).querySelectorAll('button[aria-expanded]'))
      b.setAttribute('aria-expanded', String(b.dataset.step === st.step));
    const formId = this.id(`f-${st.step}`);
    const form = actionForm({
      id: formId,
      headingKey: st.labelKey || `sg.step.${st.step}`,
      fields: st.form(formId, this.shown),
      submitKey: st.submitKey || 'inbox.submit',
      onSubmit: (f) => this.send(f, st),
      onCancel: () => this.closeForm()
    });
    $(this.id('step-form')).replaceChildren(form);
    form.querySelector('input, textarea, select').focus();
  }

  closeForm() {
    const was = this.step;
    this.step = null;
    $(this.id('step-form')).replaceChildren();
    for (const b of $(this.id('detail')).querySelectorAll('button[aria-expanded]'))
      b.setAttribute('aria-expanded', 'false');
    const b = was && $(this.id('detail')).querySelector(`button[data-step="${was}"]`);
    if (b)
      b.focus();
  }

  async post(st, body) {
    const s = await api('POST', `/api/v1/suggestions/${this.shown.id}/${st.path || st.step}`, body);
    const view = s && s.id && s.state ? s : await api('GET', `/api/v1/suggestions/${this.shown.id}`);
    this.show(view, () => t(`sg.done.${st.step}`, {number: numberText(view)}));
  }

  async quick(button, st) {
    if (button.getAttribute('aria-disabled') === 'true')
      return;
    button.setAttribute('aria-disabled', 'true');
    say(this.id('step-error'), null);
    try {
      await this.post(st, st.body ? st.body(null, this.shown) : {});
    } catch (err) {
      button.removeAttribute('aria-disabled');
      this.failed(err);
    }
  }

  send(form, st) {
    once(form, async () => {
      const errorId = `${form.id}-error`;
      clearFormError(form, errorId);
      const missing = missingField(form);
      const body = missing ? {error: missing} : st.body(form, this.shown);
      if (body.error) {
        const el = showFormError(form, errorId, body.error, reason);
        if (el)
          el.focus();
        return;
      }
      try {
        await this.post(st, body);
      } catch (err) {
        if (this.lost(err))
          return;
        if (err.status === 409)
          return this.failed(err);
        const el = showFormError(form, errorId, err, reason);
        if (el)
          el.focus();
      }
    });
  }

  /* A step refused: after a 409 the suggestion is read again (someone moved it meanwhile). */
  async failed(err) {
    if (this.lost(err))
      return;
    if (err.status === 409 && this.shown) {
      const id = this.shown.id;
      try {
        this.show(await api('GET', `/api/v1/suggestions/${id}`));
      } catch (again) {
        if (this.lost(again))
          return;
      }
    }
    say(this.id('step-error'), () => capitalize(problemText(err)));
  }

  /* Words of the current language: the list, or the suggestion shown (unless a form is open). */
  render() {
    if (this.shown && !this.step)
      this.show(this.shown);
    else if (!this.shown)
      this.renderList();
  }
}

/* A role's section made of one Board: options(me) -> the Board's options (or a promise of them). */
export function boardSection(options) {
  let board = null;
  return {
    async show(me, lost) {
      board = new Board({root: 'suggestions-root', lost, ...(await options(me))});
      await board.build();
    },
    render() {
      if (board)
        board.render();
    },
    hide() {
      board = null;
    }
  };
}
