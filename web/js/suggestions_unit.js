/* suggestions_unit: 办 - a handling unit's suggestions in the workspace (role unit): those
 * assigned to its unit, as lead (主办) or co-unit (协办). On one, the steps of its assignment:
 * contest a wrong assignment within the window (申请调整), start handling, log a contact with the
 * deputy before, during or after handling (办前/办中/办后沟通), send a co-unit's opinion to the
 * lead unit, and the lead unit's signed reply (A/B/C, 解决问题型/解释说明型, the commitment date of
 * a B, the reason of a C), every refusal of the server tied to its field. */

import {t} from './i18n.js';
import {h} from './dom.js';
import {textOf} from './inbox_common.js';
import {boardSection, REPLY_CATEGORIES, REPLY_TYPES, STAGES, WAYS, control, choices, checkbox, radioValue, boxOn, beijingDate}
  from './suggestions_common.js';

const state = {me: null};

/* The unit's live assignment on s ({role, state, ...}), or null. */
function mine(s) {
  return (s.units || []).find((u) => u.unit_id === state.me.unit_id && u.state !== 'replaced') || null;
}

const text = (key, required = true, hintKey = null) => (p) =>
  [control(p, 'text', key, {type: 'textarea', required, max: 5000, hintKey})];
const textBody = (form) => ({text: textOf(form, 'text')});

function contactFields(p) {
  return [
    choices(p, 'stage', 'sg.field.stage', STAGES.map((x) => [x, `sg.stage.${x}`]), {required: true, value: 'during'}),
    control(p, 'way', 'sg.field.way', {type: 'select', options: WAYS.map((w) => [w, t(`sg.way.${w}`), `sg.way.${w}`])}),
    control(p, 'text', 'sg.field.contact_text', {type: 'textarea', required: true, max: 2000})
  ];
}

function contactBody(form) {
  return {stage: radioValue(form, 'stage'), way: form.elements.namedItem('way').value, text: textOf(form, 'text')};
}

/* Tomorrow in Beijing: the earliest commitment date of a B reply. */
function tomorrow() {
  return beijingDate(Math.floor(Date.now() / 1000) + 86400);
}

function replyFields(p, s) {
  return [
    choices(p, 'category', 'sg.field.reply_category', REPLY_CATEGORIES.map((c) => [c, `sg.category.${c}`]),
      {required: true}),
    control(p, 'commitment_date', 'sg.field.commitment_date', {type: 'date', hintKey: 'sg.hint.commitment_date'}),
    control(p, 'reason', 'sg.field.reason', {type: 'textarea', max: 2000, hintKey: 'sg.hint.reason'}),
    choices(p, 'type', 'sg.field.reply_type', REPLY_TYPES.map((x) => [x, `sg.type.${x}`]), {required: true}),
    control(p, 'text', 'sg.field.reply_text', {type: 'textarea', required: true, max: 20000}),
    control(p, 'signed_by', 'sg.field.signed_by', {required: true, max: 30, hintKey: 'sg.hint.signed_by'}),
    checkbox(p, 'consent_publish', 'sg.field.consent_publish_unit', Boolean(s.consent_unit))
  ];
}

/* The checks the server makes too, said before sending: a category, a type, the future date of a
 * B, the reason of a C. */
function replyBody(form) {
  const category = radioValue(form, 'category');
  const type = radioValue(form, 'type');
  const date = form.elements.namedItem('commitment_date').value;
  const why = textOf(form, 'reason');
  if (!category)
    return {error: {code: 'required', field: 'category'}};
  if (category === 'B' && !date)
    return {error: {code: 'required', field: 'commitment_date'}};
  if (category === 'B' && date < tomorrow())
    return {error: {code: 'past_date', field: 'commitment_date'}};
  if (category === 'C' && !why)
    return {error: {code: 'required', field: 'reason'}};
  if (!type)
    return {error: {code: 'required', field: 'type'}};
  const body = {category, type, text: textOf(form, 'text'), signed_by: textOf(form, 'signed_by'),
    consent_publish: boxOn(form, 'consent_publish')};
  if (category === 'B')
    body.commitment_date = date;
  if (category === 'C')
    body.reason = why;
  return body;
}

function steps(s) {
  const a = mine(s);
  if (!a)
    return [];
  const lead = a.role === 'lead';
  const out = [];
  if (lead && s.state === 'handling')
    out.push({step: 'reply', primary: true, form: replyFields, body: replyBody});
  if (lead && s.state === 'assigned' && a.state === 'assigned')
    out.push({step: 'start', primary: true});
  if (s.state === 'assigned' && a.state === 'assigned')
    out.push({step: 'contest', form: text('sg.field.contest_reason', true, 'sg.hint.contest'), body: textBody});
  if (['assigned', 'handling', 'replied'].includes(s.state))
    out.push({step: 'contacts', labelKey: 'sg.step.contacts', form: contactFields, body: contactBody});
  if (!lead && ['assigned', 'handling'].includes(s.state))
    out.push({step: 'co-opinion', form: text('sg.field.co_opinion'), body: textBody});
  return out;
}

const section = boardSection((me) => {
  state.me = me;
  return {
    prefix: 'sgu',
    tabs: ['all', 'assigned', 'contested', 'handling', 'replied', 'evaluated', 'closed'],
    intro: () => [h('p', null, h('a', {href: `/assignment-sheet.html?unit=${me.unit_id}`, 'data-i18n': 'sg.sheet.mine'},
      t('sg.sheet.mine')))],
    steps
  };
});

export const {show, render, hide} = section;
