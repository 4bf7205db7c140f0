// Why: one place that talks to the server, so every request sends the session cookie and the
// CSRF header, every problem+json answer becomes an ApiError with per-field messages, a 401
// sends the page to the sign-in screen, and a lost connection shows the #offline banner.

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A problem+json answer (or any non-2xx), with its field errors normalised to {field, message}. */
export class ApiError extends Error {
  constructor(status, problem) {
    const p = problem && typeof problem === 'object' ? problem : {};
    super(p.detail || p.title || `The server answered ${status}.`);
    this.status = status;
    this.title = p.title || '';
    this.detail = p.detail || '';
    this.problem = p;
    this.fieldErrors = fieldErrors(p);
  }
}

/** Raised after a 401: the page is already on its way to the sign-in screen. */
export class AuthRequired extends ApiError {}

function fieldErrors(problem) {
  const list = [...(problem['invalid-params'] || []), ...(problem.errors || [])];
  return list
    .filter((e) => e && typeof e === 'object')
    .map((e) => ({
      // `event_types[0]` and `tags[3]` name the field `event_types` and `tags`.
      field: String(e.name || e.field || e.pointer || '').replace(/^\//, '').replace(/\[\d+\]$/, ''),
      message: e.reason || e.message || e.detail || 'is invalid',
    }));
}

/** The value of a cookie scripts may read (`todo_csrf`). */
export function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return '';
}

// ---- offline banner: requests that could not reach the server wait for Retry (or `online`).
let waiting = null;

function waitForRetry() {
  if (!waiting) {
    const banner = document.getElementById('offline');
    banner.hidden = false;
    waiting = new Promise((resolve) => {
      const done = () => {
        banner.hidden = true;
        waiting = null;
        window.removeEventListener('online', done);
        resolve();
      };
      document.getElementById('offline-retry').addEventListener('click', done, { once: true });
      window.addEventListener('online', done, { once: true });
    });
  }
  return waiting;
}

/**
 * Sends one request; resolves to {status, data, etag}. Non-2xx answers reject with ApiError.
 * `ifMatch` is sent as If-Match (optimistic concurrency); `body` is sent as JSON.
 */
export async function request(method, path, { body, ifMatch, headers = {}, query } = {}) {
  const url = query ? `${path}?${query}` : path;
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json, application/problem+json', ...headers },
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (ifMatch) init.headers['If-Match'] = ifMatch;
  if (WRITE_METHODS.has(method)) init.headers['X-CSRF-Token'] = cookie('todo_csrf');

  let response;
  for (;;) {
    try {
      response = await fetch(url, init);
      break;
    } catch (err) {
      if (err && err.name === 'AbortError') throw err;
      await waitForRetry();
    }
  }
  const data = await readBody(response);
  if (response.status === 401) {
    window.dispatchEvent(new CustomEvent('auth:required', { detail: data }));
    throw new AuthRequired(401, data);
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return { status: response.status, data, etag: response.headers.get('ETag') };
}

async function readBody(response) {
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 300) };
  }
}

export const get = (path, query) => request('GET', path, { query });
export const post = (path, body, opts = {}) => request('POST', path, { ...opts, body });
export const patch = (path, body, opts = {}) => request('PATCH', path, { ...opts, body });
export const del = (path, opts = {}) => request('DELETE', path, opts);

/** A message for people, for any error a request can end with. */
export function describe(err) {
  if (err instanceof ApiError) {
    const title = err.title && err.detail && err.title !== err.detail ? `${err.title}: ` : '';
    return `${title}${err.detail || err.message}`;
  }
  return err && err.message ? err.message : String(err);
}
