/* suggestions_office: 审 and 交 - the office's board (an admin of the region, 代表工委): the
 * region's suggestions by state, and on one of them the steps the state allows - accept (the
 * server numbers it, 第0001号), return with a reason, turn into a letter, assign a lead unit and
 * co-units of the region (a key suggestion with its supervising member and a due date), and
 * reassign one a unit contested. Above the board, the way to a unit's 交办单 of two weeks
 * (assignment-sheet.html, to print or download as .xlsx). */

import {t} from './i18n.js';
import {api} from './api.js';
import {h} from './dom.js';
import {textOf, loadAll} from './inbox_common.js';
import {boardSection, control, choices, checkbox, checked, boxOn} from './suggestions_common.js';

const state = {units: [], members: []};

/* Monday of this week, 'YYYY-MM-DD' in Beijing: where a 交办单 of two weeks usually starts. */
function monday() {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  const back = (now.getUTCDay() + 6) % 7;
  return new Date(now.getTime() - back * 86400 * 1000).toISOString().slice(0, 10);
}

function unitFields(p, s) {
  const options = state.units.map((u) => [String(u.id), u.name]);
  const live = (s.units || []).filter((u) => u.state !== 'replaced');
  const lead = live.find((u) => u.role === 'lead');
  return [
    control(p, 'lead_unit_id', 'sg.field.lead_unit', {type: 'select', required: true,
      options: [['', t('sg.pick'), 'sg.pick'], ...options], value: s.state === 'contested' ? '' : lead && lead.unit_id}),
    choices(p, 'co_unit_ids', 'sg.field.co_units', options.map(([v]) => [v, null]), {multiple: true,
      labels: options.map(([, name]) => name), hintKey: 'sg.hint.co_units'})
  ];
}

function unitBody(form) {
  const lead = Number(form.elements.namedItem('lead_unit_id').value);
  const co = checked(form, 'co_unit_ids').map(Number);
  if (co.includes(lead))
    return {error: {code: 'unit_twice', field: 'co_unit_ids'}};
  return {lead_unit_id: lead, co_unit_ids: co};
}

function assignFields(p, s) {
  return [
    ...unitFields(p, s),
    checkbox(p, 'key', 'sg.field.key'),
    control(p, 'supervisor_user_id', 'sg.field.supervisor', {type: 'select', hintKey: 'sg.hint.supervisor',
      options: [['', t('sg.pick'), 'sg.pick'], ...state.members.map((m) => [String(m.id), m.display_name])]}),
    control(p, 'due_date', 'sg.field.due_date', {type: 'date', hintKey: 'sg.hint.due_date'})
  ];
}

function assignBody(form) {
  const body = unitBody(form);
  if (body.error)
    return body;
  body.key = boxOn(form, 'key');
  const supervisor = form.elements.namedItem('supervisor_user_id').value;
  if (body.key && !supervisor)
    return {error: {code: 'required', field: 'supervisor_user_id'}};
  if (supervisor)
    body.supervisor_user_id = Number(supervisor);
  const due = form.elements.namedItem('due_date').value;
  if (due)
    body.due_date = due;
  return body;
}

function steps(s) {
  const reasonField = (key, required) => (p) => [control(p, 'text', key, {type: 'textarea', required, max: 2000})];
  const reasonBody = (form) => ({text: textOf(form, 'text')});
  switch (s.state) {
  case 'submitted':
    return [{step: 'accept', primary: true},
      {step: 'return', form: reasonField('sg.field.return_reason', true), body: reasonBody},
      {step: 'to-letter', form: reasonField('sg.field.note', false), body: reasonBody}];
  case 'accepted':
    return [{step: 'assign', primary: true, form: assignFields, body: assignBody}];
  case 'contested':
    return [{step: 'reassign', primary: true, form: unitFields, body: unitBody}];
  default:
    return [];
  }
}

/* A plain GET form to the 交办单 page: no script needed to follow it. */
function sheetForm() {
  return h('form', {class: 'sg-sheet-form book-form', action: '/assignment-sheet.html', method: 'get',
    'aria-labelledby': 'sgo-sheet-heading'},
  h('h3', {id: 'sgo-sheet-heading', class: 'sg-wide', 'data-i18n': 'sg.sheet.heading'}, t('sg.sheet.heading')),
  control('sgo-sheet', 'unit', 'sg.field.unit', {type: 'select', options: state.units.map((u) => [String(u.id), u.name])}),
  control('sgo-sheet', 'from', 'sg.field.from', {type: 'date', value: monday()}),
  h('button', {type: 'submit', class: 'secondary', 'data-i18n': 'sg.sheet.open'}, t('sg.sheet.open')));
}

const section = boardSection(async (me) => {
  const [units, users] = await Promise.all([
    loadAll('units', {region: me.region}).catch(() => []),
    api('GET', '/api/v1/users?limit=100').catch(() => ({users: []}))]);
  state.units = units;
  state.members = ((users && users.users) || []).filter((u) => u.role === 'member' && !u.disabled);
  return {
    prefix: 'sgo',
    tabs: ['submitted', 'accepted', 'contested', 'assigned', 'handling', 'replied', 'evaluated', 'closed', 'returned',
      'letter', 'all'],
    intro: () => [sheetForm(), h('h3', {'data-i18n': 'sg.board'}, t('sg.board'))],
    steps
  };
});

export const {show, render, hide} = section;
