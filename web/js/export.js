/* export: the 导出 CSV / 导出 Excel buttons of a staff list. The export has exactly the list's
 * filters (the list hands its query over, without paging). The file is fetched with fetch() and its
 * body read as a stream, so a long export shows how far it has come: rows against the server's
 * X-Total-Rows for a CSV, bytes against Content-Length for a workbook (which the server writes
 * whole before it sends it). The file is then saved through a Blob and a link with download: the
 * CSP (default-src 'self') governs what a page loads, not what it saves, so blob: downloads need
 * no exception. A refusal (over the row limit: 413) shows the server's message. */

import {t, has} from './i18n.js';
import {h} from './dom.js';
import './strings/export.js';

const QUOTE = 0x22;
const NEWLINE = 0x0a;

function size(bytes) {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/* The file name the server gives in Content-Disposition, or a fallback. */
function fileName(res, fallback) {
  const m = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') || '');
  return m ? m[1] : fallback;
}

async function errorMessage(res) {
  try {
    const body = await res.json();
    const code = body.error && body.error.code;
    if (code && code !== 'too_many_rows' && has(`error.${code}`))
      return t(`error.${code}`);
    return (body.error && body.error.message) || res.statusText;
  } catch {
    return res.statusText || String(res.status);
  }
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h('a', {href: url, download: name, hidden: true});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000); /* the download has its own copy by then */
}

/* Counts the CSV's records in a chunk (line ends outside quotes); quoted carries over chunks. */
function countRows(chunk, counter) {
  for (const byte of chunk) {
    if (byte === QUOTE)
      counter.quoted = !counter.quoted;
    else if (byte === NEWLINE && !counter.quoted)
      counter.rows++;
  }
}

/* Buttons for one list: path is the list's (e.g. /api/v1/opinions), query() its current filters as
 * URLSearchParams, onSessionLost(err) runs on a 401. Returns the element to place. */
export function exportButtons({path, query, onSessionLost = () => {}}) {
  const bar = h('progress', {class: 'export-progress', max: 100, hidden: true, 'aria-label': t('export.progress'),
    'data-i18n-aria-label': 'export.progress'});
  const status = h('span', {class: 'export-status', role: 'status', 'aria-live': 'polite'});
  const buttons = ['csv', 'xlsx'].map((format) => h('button', {type: 'button', class: 'secondary',
    'data-format': format, 'data-i18n': `export.${format}`}, t(`export.${format}`)));
  const box = h('div', {class: 'export-actions', role: 'group', 'aria-label': t('export.label'),
    'data-i18n-aria-label': 'export.label'}, buttons, bar, status);

  function show(done, total, text) {
    bar.hidden = false;
    if (total > 0) {
      const percent = Math.min(100, Math.round(done * 100 / total));
      bar.value = percent;
      bar.setAttribute('aria-valuenow', String(percent));
    } else { /* not known yet: an indeterminate bar */
      bar.removeAttribute('value');
      bar.removeAttribute('aria-valuenow');
    }
    status.textContent = text;
  }

  async function run(format) {
    const params = query();
    params.delete('limit');
    params.delete('after');
    const qs = params.toString();
    buttons.forEach((b) => { b.disabled = true; });
    box.setAttribute('aria-busy', 'true');
    show(0, 0, t('export.preparing'));
    try {
      const res = await fetch(`${path}/export.${format}${qs ? `?${qs}` : ''}`, {credentials: 'same-origin'});
      if (!res.ok) {
        if (res.status === 401)
          onSessionLost({status: 401});
        throw new Error(await errorMessage(res));
      }
      const totalRows = Number(res.headers.get('x-total-rows') || 0);
      const totalBytes = Number(res.headers.get('content-length') || 0);
      const counter = {rows: 0, quoted: false, bytes: 0};
      const parts = [];
      const reader = res.body.getReader();
      for (;;) {
        const {done, value} = await reader.read();
        if (done)
          break;
        parts.push(value);
        counter.bytes += value.length;
        if (format === 'csv') {
          countRows(value, counter);
          const rows = Math.max(0, counter.rows - 1); /* the header line is no row */
          show(rows, totalRows, t('export.rows', {done: rows, total: totalRows}));
        } else if (totalBytes) {
          show(counter.bytes, totalBytes, t('export.bytes', {done: size(counter.bytes), total: size(totalBytes)}));
        } else {
          show(0, 0, t('export.bytes_only', {done: size(counter.bytes)}));
        }
      }
      const name = fileName(res, `export.${format}`);
      save(new Blob(parts, {type: res.headers.get('content-type') || 'application/octet-stream'}), name);
      show(1, 1, t('export.done', {file: name, rows: totalRows}));
    } catch (err) {
      bar.hidden = true;
      status.textContent = t('export.failed', {message: err.message});
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
      box.removeAttribute('aria-busy');
    }
  }

  box.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-format]');
    if (button && !button.disabled)
      run(button.dataset.format);
  });
  return box;
}
