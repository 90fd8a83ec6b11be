// The team leader's screens: the roster of their team, adding a member, recording who left, and
// recording a training with its attendance. Each change is an event recorded through `ctx.record`
// (the outbox sends it and shows the server's answer; a refused one opens here again to be corrected).
import {
  checkGroup, fixingBanner, heading, ledTeam, normalizedPhone, notice, readFailure, rosterOf, showProblems, textProblem,
  tickedValues, unitsWithRole, valueOf, waiting,
} from './team-data.js';

/** The team roles, as a person reads them. */
export const roleNames = {
  head: ['Tổ trưởng', 'Head'],
  deputyHead: ['Tổ phó', 'Deputy head'],
  member: ['Thành viên', 'Member'],
};

/** The organisations members come from (the API's `affiliations`). */
export const affiliationNames = [
  ['villageHead', ['Trưởng thôn', 'Village head']],
  ['residentialGroupLeader', ['Tổ trưởng tổ dân phố', 'Residential group leader']],
  ['youthUnion', ['Đoàn Thanh niên', 'Youth Union']],
  ['womensUnion', ['Hội Liên hiệp Phụ nữ', "Women's Union"]],
  ['farmersUnion', ['Hội Nông dân', "Farmers' Union"]],
  ['veteransAssociation', ['Hội Cựu chiến binh', "Veterans' Association"]],
  ['fatherlandFront', ['Mặt trận Tổ quốc', 'Fatherland Front']],
  ['police', ['Công an', 'Police']],
  ['teacher', ['Giáo viên', 'Teacher']],
  ['postalStaff', ['Nhân viên bưu điện', 'Postal staff']],
  ['telecomStaff', ['Nhân viên viễn thông', 'Telecom staff']],
  ['itEnterpriseStaff', ['Nhân viên doanh nghiệp công nghệ', 'IT enterprise staff']],
  ['volunteer', ['Tình nguyện viên', 'Volunteer']],
  ['other', ['Khác', 'Other']],
];

const genders = [['female', ['Nữ', 'Female']], ['male', ['Nam', 'Male']], ['other', ['Khác', 'Other']]];

/** The years of birth the server accepts. */
const birthYears = { first: 1920, last: 2012 };

/**
 * Loads the leader's team (and, with `withRoster`, its members) into a screen, or shows why it cannot:
 * not a team leader, no active team, nothing kept offline. Returns null when the screen has nothing more to do.
 */
async function loadTeam(view, ctx, { withRoster = true } = {}) {
  if (unitsWithRole(ctx, 'teamLeader').length === 0) {
    view.append(notice(ctx, 'Màn hình này dành cho tổ trưởng.', 'This screen is for team leaders.'));
    return null;
  }
  try {
    const team = await ledTeam(ctx);
    if (!team) {
      view.append(notice(ctx, 'Nơi bạn làm tổ trưởng hiện chưa có tổ đang hoạt động.', 'There is no active team where you lead.'));
      return null;
    }
    return { team, members: withRoster ? await rosterOf(ctx, team) : [] };
  } catch (error) {
    view.append(readFailure(ctx, error));
    return null;
  }
}

/** A form's buttons: send (or, correcting, send again) and cancel. */
function formActions(ctx, id, [vi, en], fixing, back = '#/roster') {
  return ctx.h('div', { class: 'actions' },
    ctx.h('button', { type: 'submit', id, class: 'primary' }, fixing ? ctx.t('Sửa và gửi lại', 'Correct and send again') : ctx.t(vi, en)),
    ctx.h('a', { href: fixing ? '#/queue' : back, class: 'button secondary' }, ctx.t('Huỷ', 'Cancel')));
}

/**
 * Records `event` once (its button disabled meanwhile), or, correcting a refused item, replaces that
 * item's event (same id) and sends it again; says so through the live region and goes on.
 */
async function save(ctx, form, event, fixing, said) {
  const button = form.querySelector('button[type=submit]');
  if (button) button.disabled = true;
  try {
    if (fixing) await ctx.queue.correct(fixing.id, { unitId: event.unitId, payload: event.payload, summary: event.summary });
    else await ctx.record(event);
    ctx.announce(ctx.t(...said));
    ctx.navigate(fixing ? '#/queue' : '#/roster');
  } finally {
    if (button) button.disabled = false;
  }
}

// MARK: The roster

/**
 * The roster as the server last told it, with what waits in the outbox laid over it: a member added on
 * the phone shows (waiting to be sent), and one recorded as leaving is marked so.
 */
async function rosterWithWaiting(ctx, team, members) {
  const pending = (await waiting(ctx, 'member.joined', 'member.left')).filter((event) => event.payload.teamId === team.id);
  const shown = members.map((member) => ({ ...member }));
  for (const event of pending) {
    const { memberId, role, person } = event.payload;
    if (event.type === 'member.joined' && person && !shown.some((member) => member.id === memberId)) {
      shown.push({ id: memberId, name: person.name, phone: person.phone, role, joinedOn: event.occurredAt.slice(0, 10), waiting: 'joined' });
    }
    if (event.type === 'member.left') {
      const member = shown.find((candidate) => candidate.id === memberId);
      if (member) member.waiting = 'left';
    }
  }
  return shown;
}

async function renderRoster(view, ctx) {
  heading(ctx, view, 'Thành viên tổ', 'Team roster');
  const loaded = await loadTeam(view, ctx);
  if (!loaded) return;
  const { team } = loaded;
  const members = await rosterWithWaiting(ctx, team, loaded.members);
  const list = ctx.h('ul', { class: 'roster', id: 'roster-list' }, members.map((member) => rosterItem(ctx, member)));
  const count = ctx.h('p', { id: 'roster-count', class: 'muted', 'aria-live': 'polite' }, countText(ctx, members.length, members.length));
  const search = ctx.ui.field({ id: 'roster-search', label: ['Tìm theo tên', 'Search by name'], type: 'search',
    help: ['Gõ không dấu cũng được', 'Diacritics are optional'] });
  search.querySelector('input').addEventListener('input', (event) => {
    const key = ctx.searchKey(event.target.value);
    let shown = 0;
    for (const item of list.children) {
      const match = !key || item.dataset.key.includes(key);
      item.hidden = !match;
      if (match) shown += 1;
    }
    count.textContent = countText(ctx, shown, members.length);
  });
  view.append(
    ctx.h('p', { class: 'muted', id: 'team-name' }, team.name),
    ctx.h('nav', { class: 'actions', 'aria-label': ctx.t('Việc của tổ trưởng', "Team leader's tasks") },
      ctx.h('a', { href: '#/member-new', class: 'button primary', id: 'go-member-new' }, ctx.t('Thêm thành viên', 'Add a member')),
      ctx.h('a', { href: '#/training-new', class: 'button secondary', id: 'go-training-new' }, ctx.t('Ghi buổi tập huấn', 'Record a training'))),
    search, count,
    members.length ? list : ctx.h('p', { class: 'empty' }, ctx.t('Tổ chưa có thành viên.', 'The team has no members yet.')));
}

function countText(ctx, shown, total) {
  return shown === total ? ctx.t(`${total} thành viên`, `${total} members`) : ctx.t(`${shown} trên ${total} thành viên`, `${shown} of ${total} members`);
}

function rosterItem(ctx, member) {
  const badge = member.waiting === 'joined' ? ctx.t('Mới thêm, chờ gửi', 'New, waiting to be sent')
    : member.waiting === 'left' ? ctx.t('Rời tổ, chờ gửi', 'Left, waiting to be sent') : null;
  const item = ctx.h('li', { class: 'person' },
    ctx.h('p', { class: 'name' }, member.name),
    ctx.h('p', { class: 'muted' }, ctx.t(...(roleNames[member.role] || roleNames.member)), ' · ', member.phone,
      ' · ', ctx.t('vào tổ ', 'joined ') + ctx.formatDate(member.joinedOn)),
    badge ? ctx.h('span', { class: 'badge' }, badge) : null,
    member.waiting ? null : ctx.h('a', { href: `#/member-left/${member.id}`, class: 'button secondary',
      'aria-label': ctx.t(`Ghi ${member.name} rời tổ`, `Record that ${member.name} left`) }, ctx.t('Ghi rời tổ', 'Record leaving')));
  item.dataset.key = ctx.searchKey(member.name);
  item.dataset.memberId = member.id;
  return item;
}

// MARK: Adding a member

async function renderMemberNew(view, ctx, params, fixing = null) {
  heading(ctx, view, fixing ? 'Sửa thành viên mới' : 'Thêm thành viên', fixing ? 'Correct the new member' : 'Add a member');
  const loaded = await loadTeam(view, ctx, { withRoster: false });
  if (!loaded) return;
  const { team } = loaded;
  const before = fixing ? fixing.event.payload : { role: 'member', person: {} };
  const person = before.person || {};
  const form = ctx.h('form', { id: 'member-form', novalidate: true },
    fixingBanner(ctx, fixing),
    ctx.h('p', { class: 'muted' }, team.name),
    ctx.ui.field({ id: 'member-name', label: ['Họ và tên', 'Full name'], required: true, value: person.name || '',
      attributes: { autocomplete: 'off' } }),
    ctx.ui.field({ id: 'member-phone', label: ['Số điện thoại', 'Phone number'], type: 'tel', required: true, value: person.phone || '',
      help: ['Số 0 và 9 chữ số, ví dụ 0912345678', '0 and 9 digits, e.g. 0912345678'], attributes: { inputmode: 'tel' } }),
    ctx.ui.choice({ name: 'member-gender', legend: ['Giới tính', 'Gender'], options: genders, value: person.gender || null }),
    ctx.ui.field({ id: 'member-birth-year', label: ['Năm sinh', 'Year of birth'], type: 'number', required: true, value: person.birthYear || '',
      help: [`Từ ${birthYears.first} đến ${birthYears.last}`, `From ${birthYears.first} to ${birthYears.last}`],
      attributes: { inputmode: 'numeric', min: birthYears.first, max: birthYears.last } }),
    ctx.ui.field({ id: 'member-role', label: ['Vai trò trong tổ', 'Role on the team'], type: 'select', value: before.role,
      options: ['member', 'deputyHead', 'head'].map((role) => [role, roleNames[role]]) }),
    checkGroup(ctx, { name: 'member-affiliation', legend: ['Đơn vị, đoàn thể', 'Affiliations'], options: affiliationNames,
      ticked: person.affiliations || [], help: ['Chọn mọi mục phù hợp (không bắt buộc)', 'Tick all that apply (optional)'] }),
    formActions(ctx, 'member-submit', ['Ghi thành viên mới', 'Record the new member'], fixing));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const details = {
      name: valueOf(form, 'member-name'),
      phone: normalizedPhone(valueOf(form, 'member-phone')),
      gender: tickedValues(form, 'member-gender')[0] || null,
      birthYear: Number(valueOf(form, 'member-birth-year')),
      affiliations: tickedValues(form, 'member-affiliation'),
    };
    if (showProblems(ctx, form, {
      'member-name': textProblem(details.name),
      'member-phone': details.phone ? null : ['Số điện thoại gồm số 0 và 9 chữ số', 'A phone number is 0 and 9 digits'],
      'member-gender': details.gender ? null : ['Chọn giới tính', 'Choose a gender'],
      'member-birth-year': Number.isInteger(details.birthYear) && details.birthYear >= birthYears.first && details.birthYear <= birthYears.last
        ? null : [`Năm sinh từ ${birthYears.first} đến ${birthYears.last}`, `A year from ${birthYears.first} to ${birthYears.last}`],
    })) return;
    const memberId = fixing ? before.memberId : ctx.uuid();
    await save(ctx, form, {
      type: 'member.joined', unitId: team.unitId, screen: 'member-new',
      payload: { teamId: team.id, memberId, role: valueOf(form, 'member-role') || 'member', person: details },
      summary: [`${details.name} vào tổ`, `${details.name} joined the team`],
    }, fixing, [`Đã ghi ${details.name} vào tổ`, `${details.name} recorded as joining`]);
  });
  view.append(form);
}

// MARK: Recording who left

async function renderMemberLeft(view, ctx, params) {
  heading(ctx, view, 'Ghi thành viên rời tổ', 'Record who left');
  const loaded = await loadTeam(view, ctx);
  if (!loaded) return;
  const { team, members } = loaded;
  const chosen = params[0];
  if (chosen && !members.some((member) => member.id === chosen)) {
    view.append(notice(ctx, 'Người này không có trong tổ của bạn.', 'This person is not on your team.'));
    return;
  }
  if (members.length === 0) {
    view.append(notice(ctx, 'Tổ chưa có thành viên.', 'The team has no members yet.'));
    return;
  }
  const form = ctx.h('form', { id: 'left-form', novalidate: true },
    ctx.h('p', { class: 'muted' }, team.name),
    ctx.ui.field({ id: 'left-member', label: ['Thành viên', 'Member'], type: 'select', required: true, value: chosen || '',
      options: [['', ['Chọn thành viên', 'Choose a member']]].concat(members.map((member) => [member.id, [member.name, member.name]])) }),
    ctx.ui.field({ id: 'left-reason', label: ['Lý do (không bắt buộc)', 'Reason (optional)'], type: 'textarea' }),
    formActions(ctx, 'left-submit', ['Ghi rời tổ', 'Record leaving'], null));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const memberId = valueOf(form, 'left-member');
    const reason = valueOf(form, 'left-reason');
    const member = members.find((candidate) => candidate.id === memberId);
    if (showProblems(ctx, form, {
      'left-member': member ? null : ['Chọn thành viên', 'Choose a member'],
      'left-reason': textProblem(reason, { required: false, maximum: 500 }),
    })) return;
    await save(ctx, form, {
      type: 'member.left', unitId: team.unitId,
      payload: reason ? { teamId: team.id, memberId, reason } : { teamId: team.id, memberId },
      summary: [`${member.name} rời tổ`, `${member.name} left the team`],
    }, null, [`Đã ghi ${member.name} rời tổ`, `${member.name} recorded as leaving`]);
  });
  view.append(form);
}

// MARK: Recording a training

async function renderTrainingNew(view, ctx, params, fixing = null) {
  heading(ctx, view, fixing ? 'Sửa buổi tập huấn' : 'Ghi buổi tập huấn', fixing ? 'Correct the training' : 'Record a training');
  const loaded = await loadTeam(view, ctx);
  if (!loaded) return;
  const { team, members } = loaded;
  const before = fixing ? fixing.event.payload : { organiser: team.name, format: 'onSite', attendeeIds: [] };
  const form = ctx.h('form', { id: 'training-form', novalidate: true },
    fixingBanner(ctx, fixing),
    ctx.h('p', { class: 'muted' }, team.name, ' · ', ctx.t('buổi tập huấn được ghi vào hôm nay', 'recorded as held today')),
    ctx.ui.field({ id: 'training-topic', label: ['Chủ đề', 'Topic'], required: true, value: before.topic || '' }),
    ctx.ui.field({ id: 'training-organiser', label: ['Đơn vị tổ chức', 'Organiser'], required: true, value: before.organiser || '' }),
    ctx.ui.choice({ name: 'training-format', legend: ['Hình thức', 'Format'], value: before.format,
      options: [['onSite', ['Trực tiếp', 'On site']], ['online', ['Trực tuyến', 'Online']]] }),
    checkGroup(ctx, { name: 'training-attendee', legend: ['Ai đã tham dự', 'Who attended'], ticked: before.attendeeIds,
      options: members.map((member) => [member.id, member.name]) }),
    formActions(ctx, 'training-submit', ['Ghi buổi tập huấn', 'Record the training'], fixing));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const topic = valueOf(form, 'training-topic');
    const organiser = valueOf(form, 'training-organiser');
    const attendeeIds = tickedValues(form, 'training-attendee');
    if (showProblems(ctx, form, {
      'training-topic': textProblem(topic, { maximum: 500 }),
      'training-organiser': textProblem(organiser),
      'training-attendee': attendeeIds.length ? null : ['Đánh dấu ít nhất một người tham dự', 'Tick at least one attendee'],
    })) return;
    await save(ctx, form, {
      type: 'training.held', unitId: team.unitId, screen: 'training-new',
      payload: { trainingId: fixing ? before.trainingId : ctx.uuid(), organiser, topic,
        format: tickedValues(form, 'training-format')[0] || 'onSite', attendeeIds },
      summary: [`Tập huấn: ${topic} (${attendeeIds.length} người)`, `Training: ${topic} (${attendeeIds.length} attended)`],
    }, fixing, ['Đã ghi buổi tập huấn', 'Training recorded']);
  });
  view.append(form);
}

/** Keeps the leader's team and its roster on the phone, for the screens to open offline. */
async function prefetch(ctx) {
  const team = await ledTeam(ctx);
  if (team) await rosterOf(ctx, team);
}

/** The team leader's screens, for the shell's router (`#/roster`, `#/member-new`, `#/member-left/<id>`, `#/training-new`). */
export const screens = {
  roster: { title: ['Thành viên tổ', 'Team roster'], menu: true, roles: ['teamLeader'], render: renderRoster, prefetch },
  'member-new': { title: ['Thêm thành viên', 'Add a member'], menu: true, roles: ['teamLeader'], render: renderMemberNew },
  'member-left': { title: ['Ghi thành viên rời tổ', 'Record who left'], menu: true, roles: ['teamLeader'], render: renderMemberLeft },
  'training-new': { title: ['Ghi buổi tập huấn', 'Record a training'], menu: true, roles: ['teamLeader'], render: renderTrainingNew },
};
