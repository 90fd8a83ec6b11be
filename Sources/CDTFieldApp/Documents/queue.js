// The outbox: everything recorded on the phone, online or not, goes here first with its event id made once,
// at the moment of recording; it is sent in batches (POST /api/v1/events/batch) whenever the network and the
// session allow, and each item keeps the server's answer: sent, already there (a resend the server had), or
// refused with the reason, to correct and send again. Resending is always safe: the server knows each event
// by its id, so an item is never stored twice.
import * as store from './store.js';
import * as api from './api.js';
import { explain } from './reasons.js';
import { uuid } from './ui.js';

const listeners = new Set();
let draining = null;

/** Calls `listener()` whenever the outbox changes (an item recorded, sent, refused, …). */
export function onChange(listener) { listeners.add(listener); return () => listeners.delete(listener); }
function changed() { for (const listener of listeners) { try { listener(); } catch (error) { console.error(error); } } }

/** Now, as the server wants instants: ISO 8601 in Vietnam's offset (+07:00), to the second. */
export function nowInVietnam(date = new Date()) {
  const local = new Date(date.getTime() + 7 * 3600 * 1000);
  return local.toISOString().slice(0, 19) + '+07:00';
}

/** Records an event: builds it with a new id now, keeps it in the outbox, and starts sending.
 *  `summary` is [vi, en], what the outbox shows; `base` what the screen saw (for conflicts);
 *  `screen` the route that can correct it. Answers the outbox item. */
export async function record({ type, unitId, payload, summary, base = null, screen = null }) {
  const session = api.currentSession();
  if (!session || !session.accountId) throw new Error('not signed in');
  const event = {
    id: uuid(), type, version: 1, unitId, authorId: session.accountId,
    occurredAt: nowInVietnam(), payload,
  };
  const item = {
    id: event.id, accountId: session.accountId, event, summary, base, screen,
    recordedAt: new Date().toISOString(), state: 'waiting', attempts: 0, reason: null, errors: [],
  };
  await store.write('outbox', item);
  changed();
  drain();
  return item;
}

/** Every item of the outbox, oldest first. */
export function items() { return store.all('outbox'); }

/** One item, or undefined. */
export function item(id) { return store.read('outbox', id); }

/** Items of the signed-in account the server has not taken yet (waiting, refused or in conflict). */
export async function unsent(accountId = (api.currentSession() || {}).accountId) {
  return (await items()).filter(item => item.accountId === accountId && !['sent', 'duplicate'].includes(item.state));
}

/** Replaces a refused item's event with a corrected one and sends it: under the same id (nothing was stored
 *  under it), or a new one when the server holds another event under that id. */
export async function correct(id, { unitId, payload, summary, base }) {
  let kept = await item(id);
  if (!kept) return null;
  if (kept.outcome === 'conflict') {
    // The server holds another event under this id: the corrected one gets an id of its own.
    await store.remove('outbox', id);
    kept = { ...kept, id: uuid(), event: { ...kept.event, id: undefined } };
    kept.event.id = kept.id;
  }
  kept.event = { ...kept.event, unitId: unitId || kept.event.unitId, payload };
  if (summary) kept.summary = summary;
  if (base !== undefined) kept.base = base;
  Object.assign(kept, { state: 'waiting', reason: null, errors: [], force: false });
  await store.write('outbox', kept);
  changed();
  drain();
  return kept;
}

/** Sends an item in conflict as it is (the member saw the other change and keeps theirs). */
export async function sendAnyway(id) {
  const kept = await item(id);
  if (!kept) return;
  Object.assign(kept, { state: 'waiting', reason: null, force: true });
  await store.write('outbox', kept);
  changed();
  drain();
}

/** Drops an item the server has not taken (the member decided so). */
export async function discard(id) { await store.remove('outbox', id); changed(); }

/** Forgets the items the server has taken. */
export async function forgetSent() {
  for (const kept of await items()) if (['sent', 'duplicate'].includes(kept.state)) await store.remove('outbox', kept.id);
  changed();
}

/** Sends every waiting item of the signed-in account, oldest first, in batches of 100, until none waits or
 *  the network, the server or the session stops it. One drain at a time; answers when done. */
export function drain() {
  if (!draining) draining = drainNow().finally(() => { draining = null; });
  return draining;
}

async function drainNow() {
  for (;;) {
    const session = api.currentSession();
    if (!session || !session.token) return;
    let waiting = (await items()).filter(kept => kept.accountId === session.accountId && kept.state === 'waiting');
    if (!waiting.length) return;
    let results, batch;
    try {
      waiting = await setAsideConflicts(waiting);
      if (!waiting.length) continue;
      batch = waiting.slice(0, 100);
      results = await sendBatch(batch);
    } catch (error) {
      // No network, the session over, the server unavailable or busy: the items wait for the next try.
      if (error instanceof api.OfflineError || (error instanceof api.ApiError && (error.status === 401 || error.status >= 500 || error.status === 429))) {
        changed();
        return;
      }
      throw error;
    }
    for (const [index, kept] of batch.entries()) await settle(kept, results[index]);
    changed();
  }
}

/** The batch's answer for each item, in order: `{outcome, errors?, status?}`. A batch the server will not
 *  take whole (malformed, too large) is sent one event at a time, so each gets its own answer. */
async function sendBatch(batch) {
  try {
    const answer = await api.post('events/batch', { events: batch.map(kept => kept.event) }, { timeout: 30000 });
    const byIndex = new Map(answer.results.map(result => [result.index, result]));
    return batch.map((kept, index) => byIndex.get(index) || { outcome: 'rejected', errors: [] });
  } catch (error) {
    if (!(error instanceof api.ApiError) || error.status === 401 || error.status >= 500 || error.status === 429) throw error;
    const results = [];
    for (const kept of batch) results.push(await sendOne(kept));
    return results;
  }
}

async function sendOne(kept) {
  try {
    const answer = await api.post('events', kept.event);
    return { outcome: answer.outcome };
  } catch (error) {
    if (!(error instanceof api.ApiError) || error.status === 401 || error.status >= 500 || error.status === 429) throw error;
    if (error.status === 409) return { outcome: 'conflict', status: 409, errors: [] };
    return { outcome: 'rejected', status: error.status, errors: error.problem.errors || [], detail: error.problem.detail };
  }
}

async function settle(kept, result) {
  // Signed out (the outbox cleared) or dropped while the batch was on its way: nothing to write back.
  if (!(await item(kept.id))) return;
  kept.attempts += 1;
  kept.outcome = result.outcome;
  kept.answeredAt = new Date().toISOString();
  if (result.outcome === 'accepted') {
    kept.state = 'sent';
  } else if (result.outcome === 'duplicate') {
    kept.state = 'duplicate';
  } else {
    kept.state = 'refused';
    kept.errors = (result.errors || []).map(error => ({ field: String(error.field || '').replace(/^events\[\d+\]\./, ''), rule: error.rule }));
    kept.reason = explain(result.outcome, kept.errors, kept.event.type, result.detail);
  }
  await store.write('outbox', kept);
}

/** A household update recorded while someone else changed the household is set aside, for the member to
 *  see both and decide (send theirs anyway, or drop it), unless they already decided to send it. */
async function setAsideConflicts(waiting) {
  const ready = [];
  const outbox = await items();
  for (const kept of waiting) {
    if (kept.event.type === 'household.updated' && kept.base && kept.base.changedAt && !kept.force) {
      let current = null;
      try {
        current = await api.fresh(`households/${kept.event.payload.householdId}`);
      } catch (error) {
        // Not reachable now: the item waits (the caller stops); a household gone is the server's to refuse.
        if (!(error instanceof api.ApiError) || error.status === 401 || error.status >= 500 || error.status === 429) throw error;
      }
      // Any change but the one seen, or one of this phone's own already sent (a late-synced change can carry
      // an earlier time than the one seen, so any difference counts).
      const own = outbox.filter(other => (other.id === kept.id || ['sent', 'duplicate'].includes(other.state))
        && other.event.payload.householdId === kept.event.payload.householdId).map(other => Date.parse(other.event.occurredAt));
      const changedAt = current && current.changedAt ? Date.parse(current.changedAt) : null;
      if (changedAt !== null && changedAt !== Date.parse(kept.base.changedAt) && !own.includes(changedAt)) {
        kept.state = 'conflict';
        kept.current = current;
        kept.reason = explain('changedMeanwhile', [], kept.event.type);
        await store.write('outbox', kept);
        changed();
        continue;
      }
    }
    ready.push(kept);
  }
  return ready;
}
