/* api: a small fetch wrapper for /api/v1.
 *
 * JSON in and out, cookies same-origin, and the session's CSRF token in X-CSRF-Token on
 * every unsafe method. A non-2xx answer throws an ApiError carrying the HTTP status and
 * the server's {"error":{"code","message","field"}}; a failed connection throws one with
 * status 0 and code "network". */

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken = null;

export function setCsrfToken(token) {
  csrfToken = token || null;
}

export class ApiError extends Error {
  constructor({status, code, message, field, retryAfter}) {
    super(message || code || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code || null;
    this.field = field || null;
    this.retryAfter = retryAfter || null;
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

/* api('POST', '/api/v1/users', {...}) -> the parsed JSON body, or null for 204. */
export async function api(method, path, body) {
  const headers = {Accept: 'application/json'};
  const init = {method, headers, credentials: 'same-origin', cache: 'no-store'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (UNSAFE.has(method) && csrfToken)
    headers['X-CSRF-Token'] = csrfToken;

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
    retryAfter: Number.isFinite(retry) && retry > 0 ? retry : null
  });
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);
