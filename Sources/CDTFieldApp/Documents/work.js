// What the member screens share: the unit the account works in, its households and roster, kept on the
// phone, with what waits in the outbox laid over them.
import * as api from './api.js';

/** The unit where the account records households' work: its member or team-leader village, else its commune. */
export function workUnit(ctx) {
  return ctx.unitOf('member', 'teamLeader') || ctx.unitOf('communeOfficer');
}

/** The households under `unit` as the server last told (kept on the phone), with those registered or
 *  updated on the phone and not yet taken by the server laid over them (`pending: true`). */
export async function households(ctx, unit) {
  const listed = await ctx.getAll(`households?under=${unit}`, { key: `households:${unit}` });
  const byId = new Map(listed.map(household => [household.id, { ...household, waitingVisits: 0 }]));
  for (const item of await ctx.queue.unsent()) {
    const { type, payload, unitId } = item.event;
    if (type === 'household.registered' && !byId.has(payload.householdId)) {
      byId.set(payload.householdId, { id: payload.householdId, unitId, label: payload.label, size: payload.size, residents: payload.residents || [],
        notApplicable: payload.notApplicable || null, visits: 0, lastVisitedAt: null, pending: true, waitingVisits: 0,
        stillLacks: { skills: ['onlinePublicServices', 'onlineShopping', 'onlinePayment', 'cyberSafety', 'otherPlatforms'],
          services: ['vneidActivated', 'ePaymentAccountOpened', 'digitalStoreOpened', 'onlinePublicServiceUsed'] } });
    }
    if (type === 'household.updated' && byId.has(payload.householdId)) {
      Object.assign(byId.get(payload.householdId), { label: payload.label, size: payload.size, residents: payload.residents || [], notApplicable: payload.notApplicable || null, pending: true });
    }
    if (type === 'household.visited' && byId.has(payload.householdId)) {
      const household = byId.get(payload.householdId);
      household.waitingVisits += 1;
      const marked = (group) => Object.entries(payload[group] || {}).filter(([, outcome]) => outcome === 'mastered' || outcome === 'notApplicable').map(([key]) => key);
      household.stillLacks = {
        skills: (household.stillLacks?.skills || []).filter(key => !marked('skills').includes(key)),
        services: (household.stillLacks?.services || []).filter(key => !marked('services').includes(key)),
      };
    }
  }
  return [...byId.values()].sort((a, b) => ctx.collator.compare(a.label || '', b.label || ''));
}

/** One household: from the list kept for `unit`, else asked of the server (it answers 404 outside the caller's view). */
export async function household(ctx, id) {
  const unit = workUnit(ctx);
  const found = unit ? (await households(ctx, unit)).find(household => household.id === id) : null;
  if (found) return found;
  try {
    return { ...(await ctx.get(`households/${id}`)), waitingVisits: 0 };
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 404) return null;
    throw error;
  }
}

/** The members on the teams of `unit` today (who can come along on a visit), kept on the phone. */
export function roster(ctx, unit) {
  return ctx.getAll(`members?under=${unit}&activeOn=${ctx.today()}`, { key: `roster:${unit}` });
}

/** The account's own member ids (the member records with its phone). */
export function myMemberIds(ctx) {
  return [...new Set(((ctx.me && ctx.me.members) || []).map(member => member.memberId))];
}

/** Fetches what the member screens need offline. */
export async function prefetch(ctx) {
  const unit = workUnit(ctx);
  if (!unit) return;
  await ctx.get(`units/${unit}`);
  await households(ctx, unit);
  await roster(ctx, unit);
  for (const id of myMemberIds(ctx)) await ctx.get(`members/${id}/progress`);
}

/** The unit's name as kept on the phone (`Thôn Nà Lốc`), or an empty string. */
export async function unitName(ctx, unit) {
  try {
    const answer = await ctx.get(`units/${unit}`);
    return answer.unit ? answer.unit.name : '';
  } catch (error) {
    return '';
  }
}
