/* sheet: a registry list as a CSV sheet, in the staff workspace (under each tab of registry.js).
 *
 * Export is a link to GET /api/v1/<plural>/export.csv (the server answers with a UTF-8 file
 * with a byte-order mark, for Excel). Import sends the chosen file's bytes as they are, as
 * text/csv, to POST /api/v1/<plural>/import (?dry_run=true to check only): the server reads
 * UTF-8 or GB18030 and saves all rows or none. Its answer is said in one live region: the
 * counts with the first records the import made or changed (from the ids it answers, in sheet
 * order), or a table of the bad rows (line, column, message) in the current language. A file
 * that is plainly not a sheet (an .xlsx) or over the server's 5 MiB is refused before sending. */

import {t} from './i18n.js';
import {get, upload} from './api.js';
import {$, h, label} from './dom.js';
import {say, capitalize, errorText, once} from './forms.js';

const MAX_BYTES = 5 * 1024 * 1024; /* the server's limit for a sheet */
/* what Excel and its kin save by default: not CSV, and refused before it is sent */
const NOT_CSV = /\.(xlsx|xlsm|xlsb|xls|ods|numbers|et|ett)$/i;
const LISTED = 10; /* imported records named under the counts */

const current = {
  plural: null,           /* the list the section belongs to */
  fields: [],             /* its fields (registry.js): choices and limits for the messages */
  onImported: async () => {}, /* (ids) of the imported records, in sheet order */
  onSessionLost: () => false,
  result: null            /* () => nodes: what the last import said, made again on a language switch */
};

/* The section for one list: options {plural, fields, onImported(ids) after a saved import,
 * onSessionLost(err) -> true when err ended the session}. */
export function section(options) {
  Object.assign(current, options, {result: null});
  const form = h('form', {id: 'registry-import', class: 'sheet-form', novalidate: true,
    'aria-labelledby': 'registry-sheet-heading'},
  h('div', {class: 'field', 'data-field': 'file'},
    h('label', {for: 'registry-import-file', 'data-field-label': true, 'data-i18n': 'sheet.file'}, t('sheet.file')),
    h('input', {id: 'registry-import-file', name: 'file', type: 'file', accept: '.csv,text/csv'}),
    h('p', {class: 'field-error', id: 'registry-import-file-error'})),
  h('div', {class: 'field check'},
    h('input', {id: 'registry-import-dry', name: 'dry_run', type: 'checkbox'}),
    h('label', {for: 'registry-import-dry', 'data-i18n': 'sheet.dry_run'}, t('sheet.dry_run'))),
  h('div', {class: 'form-actions'},
    h('button', {id: 'registry-import-submit', type: 'submit', class: 'primary', 'data-i18n': 'sheet.submit'},
      t('sheet.submit')),
    h('progress', {id: 'registry-import-progress', 'aria-label': t('sheet.progress'),
      'data-i18n-aria-label': 'sheet.progress', hidden: true})),
  h('div', {id: 'registry-import-result', class: 'sheet-result', 'aria-live': 'polite'}));
  form.addEventListener('submit', onImport);
  form.elements.namedItem('file').addEventListener('change', clearFileProblem);

  return h('section', {class: 'sheet', 'aria-labelledby': 'registry-sheet-heading'},
    h('h3', {id: 'registry-sheet-heading', 'data-i18n': 'sheet.heading'}, t('sheet.heading')),
    h('p', {class: 'hint', 'data-i18n': 'sheet.intro'}, t('sheet.intro')),
    h('p', {class: 'sheet-export'},
      /* the server names the file (Content-Disposition): <plural>-<region>.csv */
      h('a', {id: 'registry-export', class: 'button secondary', href: `/api/v1/${current.plural}/export.csv`,
        download: true, 'aria-describedby': 'registry-export-hint', 'data-i18n': 'sheet.export'}, t('sheet.export')),
      h('span', {id: 'registry-export-hint', class: 'hint', 'data-i18n': 'sheet.export.hint'}, t('sheet.export.hint'))),
    form);
}

/* Says the last result again in the current language (the rest follows data-i18n). */
export function render() {
  if (current.result)
    showResult(current.result);
}

function showResult(make) {
  current.result = make;
  const box = $('registry-import-result');
  if (box)
    box.replaceChildren(...(make ? make().filter(Boolean) : []));
}

/* A problem with the chosen file itself: said in the result, and on the file input. */
function fileProblem(key) {
  const input = $('registry-import-file');
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', 'registry-import-file-error');
  say('registry-import-file-error', () => t(key));
  showResult(() => [h('p', {class: 'form-error'}, t(key))]);
  input.focus();
}

function clearFileProblem() {
  const input = $('registry-import-file');
  input.removeAttribute('aria-invalid');
  input.removeAttribute('aria-describedby');
  say('registry-import-file-error', null);
}

function busy(on) {
  const button = $('registry-import-submit');
  if (!button)
    return;
  const key = on ? 'sheet.busy' : 'sheet.submit';
  button.dataset.i18n = key;
  button.textContent = t(key);
  /* aria-disabled, not disabled: the button keeps focus; a second press is ignored (once) */
  if (on)
    button.setAttribute('aria-disabled', 'true');
  else
    button.removeAttribute('aria-disabled');
  $('registry-import-progress').hidden = !on;
  $('registry-import-result').setAttribute('aria-busy', String(on));
}

/* The server's words for a bad row, in the current language where they are known. */
function rowMessage(message) {
  const m = String(message || '');
  const named = current.fields.find((f) => f.name === m.split(' ')[0]);
  let x;
  if (m === 'unknown column')
    return t('csv.unknown_column');
  if (m === 'the column appears twice')
    return t('csv.duplicate_column');
  if (m === 'must be a record id' || / must be the id of a record$/.test(m))
    return t('csv.record_id');
  if (m === 'no record with this id')
    return t('csv.no_record');
  if (/needs its hub/.test(m))
    return t('reason.hub_required');
  if (/cannot name the station itself/.test(m))
    return t('csv.self_hub');
  if (/must name a liaison station/.test(m))
    return t('reason.hub_kind');
  if (/cannot change while liaison points/.test(m))
    return t('csv.kind_locked');
  if (/names a record in another county/.test(m))
    return t('reason.other_county');
  if (/outside the deputy's region/.test(m))
    return t('reason.station_outside');
  if (/level does not match/.test(m))
    return t('reason.congress_level');
  if (/national congress has no region/.test(m))
    return t('reason.national_region');
  if (/local congress needs its region/.test(m))
    return t('reason.congress_region');
  if ((x = /^region (\S+) is not a known region$/.exec(m)))
    return t('csv.unknown_region', {code: x[1]});
  if ((x = /^region (\S*) is outside your region$/.exec(m)))
    return t('csv.outside', {code: x[1]});
  if (/^stations must be station ids/.test(m))
    return t('csv.stations');
  if (/^seats must be congress ids/.test(m))
    return t('csv.seats');
  if (/names a congress outside your region/.test(m))
    return t('csv.seat_outside');
  if (/names no such/.test(m))
    return t('reason.no_record');
  if (/ is not one of the allowed values$/.test(m)) {
    if (!named || !named.choices)
      return t('reason.choice');
    const items = named.choices.map((code) => t('csv.choice.item', {code, label: label(named.labels, code)}));
    return t('csv.choice', {choices: items.join(t('csv.choice.separator'))});
  }
  if (/ is required$/.test(m))
    return t('error.required');
  if (/ has too few or too many characters$/.test(m)) {
    if (!named || !named.max)
      return t('csv.length');
    return named.min ? t('reason.length', {min: named.min, max: named.max}) : t('reason.length.max', {max: named.max});
  }
  if (/ must be a number in range$| is out of range$/.test(m))
    return named && named.max !== undefined ? t('reason.number', {min: named.min, max: named.max}) : t('csv.number');
  if (/ must be a whole number$/.test(m))
    return t('csv.whole_number');
  if (/ must be true or false$/.test(m))
    return t('csv.bool');
  if (/NUL or invalid character/.test(m))
    return t('reason.characters');
  if (/must be a 12-digit region code/.test(m))
    return t('csv.region_code');
  if (/^malformed CSV/.test(m))
    return t('csv.malformed');
  if ((x = /^has (\d+) cells where the header has (\d+)$/.exec(m)))
    return t('csv.cells', {n: x[1], m: x[2]});
  if (/no header row/.test(m))
    return t('csv.no_header');
  if (/neither UTF-8 nor GB18030/.test(m))
    return t('csv.encoding');
  if (/^cannot be (written|checked)/.test(m))
    return t('csv.unwritable');
  return m;
}

/* The first records of an import, as the server has them now (a record that cannot be read is
 * listed by its id alone). */
function imported(plural, ids) {
  return Promise.all(ids.slice(0, LISTED).map((id) =>
    get(`/api/v1/${plural}/${id}`).catch(() => ({id}))));
}

function importedList(records, total) {
  return [
    h('p', {id: 'registry-imported-heading'}, t('sheet.imported')),
    h('ul', {id: 'registry-imported', class: 'sheet-imported', 'aria-labelledby': 'registry-imported-heading'},
      records.map((r) => h('li', {'data-id': r.id}, h('span', {class: 'code'}, String(r.id)), ' ', r.name || ''))),
    total > records.length ? h('p', {class: 'hint'}, t('sheet.imported.more', {n: total - records.length})) : null
  ];
}

/* The 422 of a sheet: how many problems, and a table of line, column and message. */
function problems(err) {
  const rows = err.body && Array.isArray(err.body.rows) ? err.body.rows : [];
  const counted = /^(\d+) problem/.exec(err.message || '');
  const total = counted ? Number(counted[1]) : rows.length;
  return () => [
    h('p', {class: 'form-error', id: 'registry-import-summary'},
      t(total === 1 ? 'sheet.invalid.one' : 'sheet.invalid', {n: total}),
      total > rows.length ? ` ${t('sheet.invalid.first', {shown: rows.length})}` : ''),
    rows.length ? h('div', {class: 'table-scroll', role: 'region', tabindex: '0', 'aria-label': t('sheet.scroll')},
      h('table', {id: 'registry-import-rows', 'aria-describedby': 'registry-import-summary'},
        h('caption', null, t('sheet.rows.caption')),
        h('thead', null, h('tr', null,
          h('th', {scope: 'col'}, t('sheet.col.line')),
          h('th', {scope: 'col'}, t('sheet.col.column')),
          h('th', {scope: 'col'}, t('sheet.col.message')))),
        h('tbody', null, rows.map((r) => h('tr', null,
          h('th', {scope: 'row', class: 'code'}, String(r.line)),
          h('td', null, r.column || t('sheet.whole_row')),
          h('td', {class: 'message'}, rowMessage(r.message))))))) : null
  ];
}

function onImport(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const plural = current.plural;
  const stale = () => !form.isConnected || current.plural !== plural; /* another tab was opened meanwhile */
  once(form, async () => {
    clearFileProblem();
    const input = form.elements.namedItem('file');
    const file = input.files && input.files[0];
    if (!file)
      return fileProblem('sheet.no_file');
    if (NOT_CSV.test(file.name))
      return fileProblem('sheet.not_csv');
    if (file.size > MAX_BYTES)
      return fileProblem('sheet.too_large');
    const dry = form.elements.namedItem('dry_run').checked;
    showResult(null);
    busy(true);
    try {
      let bytes;
      try {
        /* read first: a file changed on disk since it was chosen (fixed in Excel, say) cannot be
         * sent, and that is not the network's fault */
        bytes = await file.arrayBuffer();
      } catch {
        return fileProblem('sheet.unreadable');
      }
      const done = await upload('POST', `/api/v1/${plural}/import${dry ? '?dry_run=true' : ''}`, bytes, 'text/csv');
      if (stale())
        return;
      const counts = {created: done.created, updated: done.updated, encoding: done.encoding};
      const said = () => h('p', {class: 'form-status'}, t(done.dry_run ? 'sheet.checked' : 'sheet.done', counts));
      showResult(() => [said()]);
      if (!done.dry_run) {
        input.value = ''; /* imported: not to be sent twice by mistake */
        const ids = Array.isArray(done.ids) ? done.ids : [];
        const [records] = await Promise.all([imported(plural, ids), current.onImported(ids)]);
        if (!stale() && records.length)
          showResult(() => [said(), ...importedList(records, ids.length)]);
      }
    } catch (err) {
      if (current.onSessionLost(err) || stale())
        return;
      if (err.status === 422 && err.body && Array.isArray(err.body.rows))
        showResult(problems(err));
      else if (err.status === 413)
        fileProblem('sheet.too_large');
      else if (err.status === 415)
        fileProblem('sheet.not_csv');
      else
        showResult(() => [h('p', {class: 'form-error'}, capitalize(errorText(err)))]);
    } finally {
      if (form.isConnected)
        busy(false);
    }
  });
}
