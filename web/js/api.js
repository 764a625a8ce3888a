/* api: a small fetch wrapper for /api/v1.
 *
 * JSON in and out (or a file's raw bytes in, for a sheet), cookies same-origin, and the
 * session's CSRF token in X-CSRF-Token on every unsafe method. A non-2xx answer throws an
 * ApiError carrying the HTTP status, the server's {"error":{"code","message","field"}} and
 * the whole parsed body (a sheet's 422 lists its bad rows beside "error"); a failed
 * connection throws one with status 0 and code "network". */

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken = null;

export function setCsrfToken(token) {
  csrfToken = token || null;
}

export class ApiError extends Error {
  constructor({status, code, message, field, retryAfter, body}) {
    super(message || code || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code || null;
    this.field = field || null;
    this.retryAfter = retryAfter || null;
    this.body = body || null;
  }
}

async function readJson(response) {
  const type = response.headers.get('Content-Type') || '';
  if (!type.includes('json'))
    return null;
  try {
    return await response.json();
  } catch {
    return null;
  }
}

async function send(method, path, init) {
  init.method = method;
  init.credentials = 'same-origin';
  init.cache = 'no-store';
  if (UNSAFE.has(method) && csrfToken)
    init.headers['X-CSRF-Token'] = csrfToken;

  let response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    throw new ApiError({status: 0, code: 'network', message: String(cause && cause.message || cause)});
  }
  if (response.status === 204)
    return null;
  const data = await readJson(response);
  if (response.ok)
    return data;
  const err = (data && data.error) || {};
  const retry = Number.parseInt(response.headers.get('Retry-After') || '', 10);
  throw new ApiError({
    status: response.status,
    code: err.code,
    message: err.message || response.statusText,
    field: err.field,
    retryAfter: Number.isFinite(retry) && retry > 0 ? retry : null,
    body: data
  });
}

/* api('POST', '/api/v1/users', {...}) -> the parsed JSON body, or null for 204. */
export async function api(method, path, body) {
  const headers = {Accept: 'application/json'};
  const init = {headers};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return send(method, path, init);
}

/* upload('POST', '/api/v1/stations/import', file, 'text/csv') sends the file's bytes as they
 * are, under the content type given (a browser may call a .csv file anything, or nothing). */
export async function upload(method, path, blob, type) {
  return send(method, path, {headers: {Accept: 'application/json', 'Content-Type': type}, body: blob});
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);
