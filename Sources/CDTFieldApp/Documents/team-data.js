// What the team leader's and the commune officer's screens read and check: the caller's units, their
// team, a team's roster, the commune's villages and teams, and the checks a form makes on the phone
// before it records (the server's rules still decide; a refusal comes back in the outbox).

/** What waits in the outbox (recorded on the phone, not yet taken by the server) of the types given. */
export async function waiting(ctx, ...types) {
  return (await ctx.queue.unsent()).filter((item) => types.includes(item.event.type) && item.state === 'waiting').map((item) => item.event);
}

/** The units where the signed-in account holds `role` (`teamLeader`, `communeOfficer`). */
export function unitsWithRole(ctx, role) {
  return (ctx.me.roles || []).filter((assignment) => assignment.role === role && assignment.unitId).map((assignment) => assignment.unitId);
}

/** The team active today at `unitId` itself (not in its subtree), or null. */
export async function activeTeamAt(ctx, unitId) {
  const teams = await ctx.getAll(`teams?under=${unitId}&activeOn=${ctx.today()}`);
  return teams.find((team) => team.unitId === unitId) || null;
}

/** The team a team leader leads: the active team of the first unit where they lead, or null. */
export async function ledTeam(ctx) {
  for (const unitId of unitsWithRole(ctx, 'teamLeader')) {
    const team = await activeTeamAt(ctx, unitId);
    if (team) return team;
  }
  return null;
}

/** The team's members today, each `{id, name, phone, role, joinedOn, …}`, heads first, then by name. */
export async function rosterOf(ctx, team) {
  const today = ctx.today();
  const [memberships, members] = await Promise.all([
    ctx.getAll(`teams/${team.id}/memberships?activeOn=${today}`),
    ctx.getAll(`members?under=${team.unitId}&activeOn=${today}`),
  ]);
  const byId = new Map(members.map((member) => [member.id, member]));
  const rank = { head: 0, deputyHead: 1, member: 2 };
  return memberships
    .filter((membership) => byId.has(membership.memberId))
    .map((membership) => ({ ...byId.get(membership.memberId), role: membership.role, joinedOn: membership.joinedOn }))
    .sort((a, b) => (rank[a.role] - rank[b.role]) || ctx.collator.compare(a.name, b.name));
}

/** The commune's villages in force today (Vietnamese order, as the API gives them) and its active teams. */
export async function communeOverview(ctx, communeId) {
  const [villages, teams] = await Promise.all([
    ctx.getAll(`units?parent=${communeId}&level=village`),
    ctx.getAll(`teams?under=${communeId}&activeOn=${ctx.today()}`),
  ]);
  return { villages, teams };
}

/** A unit's name with its type word when the name does not already start with it (`Thôn Đông`). */
export function unitLabel(unit) {
  if (!unit) return '';
  return unit.type && !unit.name.startsWith(unit.type) ? `${unit.type} ${unit.name}` : unit.name;
}

// MARK: Checks made on the phone

/** A Vietnamese phone number in national form (`0912345678`), as the server reads it, or null. */
export function normalizedPhone(text) {
  let digits = String(text || '').replace(/[ .\-()]/g, '');
  if (digits.startsWith('+84')) digits = '0' + digits.slice(3);
  else if (digits.startsWith('84') && digits.length === 11) digits = '0' + digits.slice(2);
  return /^0[0-9]{9}$/.test(digits) ? digits : null;
}

/** The message for a required text that is empty or longer than `maximum` characters, or null. */
export function textProblem(value, { required = true, maximum = 200 } = {}) {
  const text = String(value || '').trim();
  if (required && !text) return ['Cần điền mục này', 'This is required'];
  if ([...text].length > maximum) return [`Tối đa ${maximum} ký tự`, `At most ${maximum} characters`];
  return null;
}

/** The message for a chat-group link that is not an https link of at most 500 characters, or null. */
export function chatLinkProblem(value) {
  const link = String(value || '').trim();
  if (!link) return null;
  if (!/^https:\/\/\S+$/.test(link) || link.length <= 8) return ['Cần là đường dẫn bắt đầu bằng https://', 'Must be a link starting with https://'];
  if (link.length > 500) return ['Tối đa 500 ký tự', 'At most 500 characters'];
  return null;
}

/** The message for a day that is not `YYYY-MM-DD` from 2020-01-01 to `today`, or null. */
export function dayProblem(value, today) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(String(value || ''))) return ['Cần chọn ngày', 'Choose a day'];
  if (value < '2020-01-01') return ['Từ ngày 01/01/2020 trở đi', 'On or after 1 January 2020'];
  if (value > today) return ['Không được sau hôm nay', 'Not after today'];
  return null;
}

/** Puts the messages of `problems` (`{fieldId: [vi, en] | null}`) beside their fields; true when there were any. */
export function showProblems(ctx, form, problems) {
  const found = Object.fromEntries(Object.entries(problems).filter(([, message]) => message));
  if (Object.keys(found).length === 0) return false;
  ctx.ui.showErrors(form, found);
  return true;
}

/** The value of the control `id` in `form`, trimmed. */
export function valueOf(form, id) {
  const control = form.querySelector('#' + id);
  return control ? String(control.value).trim() : '';
}

/** The values of the ticked boxes named `name` in `form`. */
export function tickedValues(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);
}

/**
 * Check boxes under a legend, marked up as the shell's radio groups (`ctx.ui.choice`) are, so they look and
 * report errors the same way (`showErrors(form, {[name]: …})`): `options` are `[value, [vi, en] or text]`,
 * `ticked` the values ticked at first. Each box with its label is a 44 px touch target.
 */
export function checkGroup(ctx, { name, legend, options, ticked = [], help = null }) {
  const helpId = help ? `${name}-help` : null;
  return ctx.h('fieldset', { class: 'choice', id: `${name}-group`, 'aria-describedby': [helpId, `${name}-error`].filter(Boolean).join(' ') },
    ctx.h('legend', {}, ctx.t(legend)),
    help ? ctx.h('p', { class: 'help', id: helpId }, ctx.t(help)) : null,
    ctx.h('div', { class: 'options' }, options.map(([value, label], index) => {
      const id = `${name}-${index}`;
      return ctx.h('span', { class: 'option' },
        ctx.h('input', { type: 'checkbox', id, name, value, checked: ticked.includes(value) }),
        ctx.h('label', { for: id }, Array.isArray(label) ? ctx.t(label) : label));
    })),
    ctx.h('p', { class: 'error', id: `${name}-error`, hidden: true }));
}

/** A screen's heading, focused as the screen opens (a screen reader reads where it is). */
export function heading(ctx, view, vi, en) {
  const h1 = ctx.h('h1', { tabindex: '-1' }, ctx.t(vi, en));
  view.append(h1);
  return h1;
}

/** A banner telling why the screen has nothing to show, with a way back home. */
export function notice(ctx, vi, en) {
  return ctx.h('div', { class: 'banner warn', role: 'status' },
    ctx.h('p', {}, ctx.t(vi, en)),
    ctx.h('p', {}, ctx.h('a', { href: '#/', class: 'button secondary' }, ctx.t('Về trang chính', 'Back to the home screen'))));
}

/** The banner above a form that corrects a refused item: the server's reason, in words. */
export function fixingBanner(ctx, fixing) {
  return fixing ? ctx.h('p', { class: 'banner bad', role: 'alert' }, ctx.t(fixing.reason || ['Máy chủ không nhận mục này.', 'The server did not take this item.'])) : null;
}

/** What to show when the data could not be read: offline with no copy, or the server's refusal. */
export function readFailure(ctx, error) {
  if (error instanceof ctx.OfflineError) {
    return notice(ctx, 'Chưa có dữ liệu trên máy: hãy mở màn hình này một lần khi có mạng.',
      'Nothing kept on this phone yet: open this screen once while online.');
  }
  if (error instanceof ctx.ApiError && error.status === 404) {
    return notice(ctx, 'Không tìm thấy, hoặc nằm ngoài phạm vi của bạn.', 'Not found, or outside what you may see.');
  }
  return notice(ctx, 'Không đọc được dữ liệu. Hãy thử lại sau.', 'Could not read the data. Try again later.');
}
