// What the commune officer's screens share: the commune they work in, loaded with its villages and teams,
// and recording (or correcting) an event from a form.
import { communeOverview, notice, readFailure, unitsWithRole } from './team-data.js';

/** The commune the officer works in: `wanted` when it is one of theirs, else their first. */
export function officerCommune(ctx, wanted) {
  const communes = unitsWithRole(ctx, 'communeOfficer');
  return communes.includes(wanted) ? wanted : communes[0] || null;
}

/**
 * Loads what an officer's screen needs (the commune, its villages and active teams), or shows why it
 * cannot; returns null then.
 */
export async function loadCommune(view, ctx, wanted) {
  const communeId = officerCommune(ctx, wanted);
  if (!communeId) {
    view.append(notice(ctx, 'Màn hình này dành cho cán bộ xã.', 'This screen is for commune officers.'));
    return null;
  }
  try {
    const [commune, overview] = await Promise.all([ctx.get(`units/${communeId}`), communeOverview(ctx, communeId)]);
    return { communeId, commune: commune.unit, ...overview };
  } catch (error) {
    view.append(readFailure(ctx, error));
    return null;
  }
}

/** A form's submit button (`primary`, or `danger` for what ends something). */
export function submitButton(ctx, id, vi, en, kind = 'primary') {
  return ctx.h('button', { type: 'submit', id, class: kind }, ctx.t(vi, en));
}

/**
 * Records `event` once (its button disabled meanwhile), or, correcting a refused item, replaces that
 * item's event (same id) and sends it again; says `said` through the live region and goes to `next`.
 */
export async function record(ctx, button, event, said, next, fixing = null) {
  button.disabled = true;
  try {
    if (fixing) await ctx.queue.correct(fixing.id, { unitId: event.unitId, payload: event.payload, summary: event.summary });
    else await ctx.record(event);
    ctx.announce(ctx.t(...said));
    ctx.navigate(fixing ? '#/queue' : next);
  } finally {
    button.disabled = false;
  }
}
