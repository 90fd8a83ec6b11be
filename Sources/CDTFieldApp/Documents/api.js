// The API as the app uses it: the bearer token of the session, reads kept for offline use, and errors a
// screen can tell apart (no network, session over, refused).
import * as store from './store.js';

/** No network (or no answer in time): the app works from what it keeps. */
export class OfflineError extends Error {
  constructor() { super('offline'); this.name = 'OfflineError'; }
}

/** The server answered with an error: `status` and its problem body (`detail`, `errors: [{field, rule}]`). */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem || {};
  }
}

let session = null;

/** The session kept on the phone (`{token, expiresAt, accountId, login}`), or null. */
export async function loadSession() {
  session = (await store.read('kv', 'session')) || null;
  return session;
}

export function currentSession() { return session; }

/** Marks the session as ended by the server (expired, signed out elsewhere): the token is dropped,
 *  the account is remembered so the same person can sign in again and send what waits. */
export async function endSession() {
  if (session) {
    session = { accountId: session.accountId, login: session.login, ended: true };
    await store.write('kv', session, 'session');
  }
}

async function call(method, path, body, { timeout = 15000, token = session && session.token } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeout);
  let response;
  try {
    response = await fetch(`/api/v1/${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: abort.signal, cache: 'no-store', credentials: 'omit',
    });
  } catch (error) {
    throw new OfflineError();
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (error) { json = null; }
  // Only the session this request was sent with ends: a late answer to an older token leaves a new one be.
  if (response.status === 401 && token && session && token === session.token) await endSession();
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

/** `GET /api/v1/<path>` from the server itself: never the copy kept on the phone. */
export function fresh(path) { return call('GET', path); }

/** `POST /api/v1/<path>` with a JSON body. */
export function post(path, body, options) { return call('POST', path, body, options); }

/** `GET /api/v1/<path>`, kept on the phone; offline (or while the server is unavailable) the last copy
 *  kept answers instead (`kept(path)` tells when it was fetched). */
export function get(path) {
  return keptWhenUnavailable(path, () => call('GET', path));
}

/** Reads with `read()` and keeps the answer under `key`; when the network or the server is unavailable,
 *  answers the copy kept under `key` instead (or rethrows when there is none). */
async function keptWhenUnavailable(key, read) {
  const reader = session;
  try {
    const data = await read();
    // Kept only for the session that read it: nothing is written back after signing out (or in).
    if (session === reader && session) await store.write('cache', { data, fetchedAt: new Date().toISOString() }, key);
    return data;
  } catch (error) {
    const unavailable = error instanceof OfflineError || (error instanceof ApiError && error.status >= 500);
    if (!unavailable) throw error;
    const copy = await store.read('cache', key);
    if (copy) return copy.data;
    throw error;
  }
}

/** Only what the phone keeps for `path` (`{data, fetchedAt}`), without asking the server. */
export function kept(path) { return store.read('cache', path); }

/** Signs in and keeps the session: `{token, expiresAt}` then the account (`auth/me`). */
export async function signIn(login, password, code) {
  // A field-day session: the idle timeout does not end it while the member walks without signal.
  const body = { login, password, fieldDay: true };
  if (code) body.code = code;
  const answer = await call('POST', 'auth/login', body, { token: null });
  if (answer.twoFactorSetupRequired) {
    throw new ApiError(403, { detail: 'two-factor set-up required', twoFactorSetupRequired: true });
  }
  const me = await call('GET', 'auth/me', undefined, { token: answer.token });
  session = { token: answer.token, expiresAt: answer.expiresAt, accountId: me.id, login };
  await store.write('kv', session, 'session');
  await store.write('kv', me, 'me');
  return me;
}

/** Ends the session on the server when it can be reached, and forgets it on the phone. */
export async function signOut() {
  if (session && session.token) {
    try { await call('POST', 'auth/logout', undefined, { timeout: 5000 }); } catch (error) { /* offline: it expires */ }
  }
  session = null;
  await store.remove('kv', 'session');
}

/** Every page of a list (`{items, nextCursor}`), asked 500 at a time (the API's largest page) unless `path`
 *  says `limit`, as one array, kept on the phone as one copy under `key` (a list asked `activeOn` today is
 *  kept as today's, so tomorrow, offline, the last copy still answers). */
export async function getAll(path, { key = `all:${path.replace(/activeOn=\d{4}-\d{2}-\d{2}/, 'activeOn=today')}` } = {}) {
  const separator = path.includes('?') ? '&' : '?';
  const first = /[?&]limit=/.test(path) ? path : `${path}${separator}limit=500`;
  return keptWhenUnavailable(key, async () => {
    const items = [];
    let cursor = null;
    do {
      const page = await call('GET', cursor ? `${first}&cursor=${encodeURIComponent(cursor)}` : first);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  });
}
