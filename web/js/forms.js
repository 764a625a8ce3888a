/* forms: what every form of the workspace shares - live messages that follow the language,
 * API errors in words (naming the field at fault), client-side checks for empty fields, and
 * one request per form at a time.
 *
 * A field is found by its name: a container marked data-field="NAME" (its first control, its
 * [data-field-label] text and its .field-error line), or else a labelled control named NAME. */

import {t, has} from './i18n.js';

const $ = (id) => document.getElementById(id);

/* ---- messages that follow the language ------------------------------------------ */

/* Each live message is remembered as a function, so a language switch can re-render it. */
const messages = new Map();

export function say(id, render) {
  const el = $(id);
  if (!el)
    return;
  if (!render) {
    messages.delete(id);
    el.textContent = '';
    return;
  }
  messages.set(id, render);
  el.textContent = render();
}

/* Re-renders every live message in the current language (on "langchange"). */
export function rerenderMessages() {
  for (const [id, render] of messages) {
    const el = $(id);
    if (el)
      el.textContent = render();
    else
      messages.delete(id);
  }
}

export function capitalize(s) {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

/* The words for an API (or client-side) error, in the current language: the most specific
 * translation first (error.<code>.<field>, then error.<code>), else the server's message.
 * reason(err), when given, may name the problem from the server's message first (the
 * registry says several different things with code "invalid"). */
export function errorText(err, reason) {
  if (err.code === 'too_many_attempts' && err.retryAfter)
    return t('error.too_many_attempts.wait', {seconds: err.retryAfter});
  const specific = reason ? reason(err) : null;
  if (specific)
    return specific;
  if (err.code && err.field && has(`error.${err.code}.${err.field}`))
    return t(`error.${err.code}.${err.field}`);
  if (err.code && has(`error.${err.code}`))
    return t(`error.${err.code}`);
  if (err.message)
    return err.message;
  return t('error.unknown', {status: err.status});
}

function labelled(form, name) {
  const el = form.elements.namedItem(name);
  return el instanceof HTMLElement && !el.hidden && el.labels && el.labels.length ? el : null;
}

/* {input, label, note} for the field called name, or null: input takes focus and aria-invalid,
 * label names it in messages, note (optional) is the line under the field for its error. */
function fieldOf(form, name) {
  const box = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  if (box && !box.hidden) {
    const input = box.querySelector('input:not([type="hidden"]), select, textarea');
    const label = box.querySelector('[data-field-label]');
    if (input)
      return {input, label: () => (label ? label.textContent.trim() : name), note: box.querySelector('.field-error')};
  }
  const input = labelled(form, name);
  return input ? {input, label: () => input.labels[0].textContent.trim(), note: null} : null;
}

function dropDescribedBy(el, id) {
  const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== id);
  if (ids.length)
    el.setAttribute('aria-describedby', ids.join(' '));
  else
    el.removeAttribute('aria-describedby');
}

export function clearFormError(form, errorId) {
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    dropDescribedBy(el, errorId);
    for (const note of form.querySelectorAll('.field-error[id]'))
      dropDescribedBy(el, note.id);
  }
  for (const note of form.querySelectorAll('.field-error[id]'))
    say(note.id, null);
  say(errorId, null);
}

/* Shows err in the form's alert, naming the field it is about, marks that field invalid (and
 * writes the reason under it when the field has a line for that), and returns the field's
 * control (or null) so the caller can move focus to it. */
export function showFormError(form, errorId, err, reason) {
  clearFormError(form, errorId);
  const field = err.field ? fieldOf(form, err.field) : null;
  if (field) {
    const {input, note} = field;
    input.setAttribute('aria-invalid', 'true');
    const ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    ids.push(note && note.id ? note.id : errorId);
    input.setAttribute('aria-describedby', ids.join(' '));
    if (note && note.id)
      say(note.id, () => errorText(err, reason));
  }
  say(errorId, () => {
    const text = errorText(err, reason);
    if (!err.field)
      return capitalize(text);
    return (field ? field.label() : err.field) + t('field.separator') + text;
  });
  return field ? field.input : null;
}

/* The first empty required control of form, as a client-side error, or null. */
export function missingField(form) {
  for (const el of form.elements) {
    if (el.required && !el.hidden && !el.disabled && !String(el.value).trim())
      return {code: 'required', field: el.closest('[data-field]')?.dataset.field || el.name};
  }
  return null;
}

export function formValues(form) {
  const out = {};
  for (const [key, value] of new FormData(form))
    out[key] = typeof value === 'string' ? value : '';
  return out;
}

/* Runs one request for a form at a time; a second submit while busy is ignored. */
const busy = new Set();

export async function once(form, fn) {
  if (busy.has(form))
    return;
  busy.add(form);
  form.setAttribute('aria-busy', 'true');
  try {
    await fn();
  } finally {
    busy.delete(form);
    form.removeAttribute('aria-busy');
  }
}
