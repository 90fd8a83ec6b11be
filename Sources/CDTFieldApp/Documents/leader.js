// The team leader's screens: the roster of their team, adding a member, recording who left, and
// recording a training with its attendance. Each change is an event recorded through `ctx.record`
// (the outbox sends it, and shows the server's answer).
import {
  checkGroup, heading, ledTeam, normalizedPhone, notice, readFailure, rosterOf, showProblems, textProblem,
  tickedValues, unitsWithRole, valueOf,
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
  ['itEnterpriseStaff', ['Doanh nghiệp công nghệ', 'IT enterprise staff']],
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
async function loadTeam(view, ctx, h1, { withRoster = true } = {}) {
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
  } finally {
    h1.focus();
  }
}

/** The button that sends a form, 44 px high, with an id tests and people can find. */
function submitButton(ctx, id, vi, en) {
  return ctx.h('button', { type: 'submit', id, class: 'button primary' }, ctx.t(vi, en));
}

/** Records `event` once (the button is disabled meanwhile), says so, and goes back to the roster. */
async function recordAndReturn(ctx, form, event, said) {
  const button = form.querySelector('button[type=submit]');
  if (button) button.disabled = true;
  try {
    await ctx.record(event);
    ctx.announce(ctx.t(...said));
    ctx.navigate('#/roster');
  } finally {
    if (button) button.disabled = false;
  }
}

// MARK: The roster

async function renderRoster(view, ctx) {
  const h1 = heading(ctx, view, 'Thành viên tổ', 'Team roster');
  const loaded = await loadTeam(view, ctx, h1);
  if (!loaded) return;
  const { team, members } = loaded;
  const list = ctx.h('ul', { class: 'card-list', id: 'roster-list' }, members.map((member) => rosterItem(ctx, member)));
  const count = ctx.h('p', { id: 'roster-count', 'aria-live': 'polite' }, countText(ctx, members.length, members.length));
  const search = ctx.ui.field({ id: 'roster-search', label: ['Tìm theo tên', 'Search by name'], type: 'text',
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
    ctx.h('p', { class: 'subtitle', id: 'team-name' }, team.name),
    ctx.h('nav', { class: 'actions', 'aria-label': ctx.t('Việc của tổ trưởng', "Team leader's tasks") },
      ctx.h('a', { href: '#/member-new', class: 'button primary', id: 'go-member-new' }, ctx.t('Thêm thành viên', 'Add a member')),
      ctx.h('a', { href: '#/member-left', class: 'button secondary', id: 'go-member-left' }, ctx.t('Ghi thành viên rời tổ', 'Record who left')),
      ctx.h('a', { href: '#/training-new', class: 'button secondary', id: 'go-training-new' }, ctx.t('Ghi buổi tập huấn', 'Record a training'))),
    search, count,
    members.length ? list : ctx.h('p', {}, ctx.t('Tổ chưa có thành viên.', 'The team has no members yet.')));
}

function countText(ctx, shown, total) {
  return shown === total ? ctx.t(`${total} thành viên`, `${total} members`) : ctx.t(`${shown} trên ${total} thành viên`, `${shown} of ${total} members`);
}

function rosterItem(ctx, member) {
  const item = ctx.h('li', { class: 'card roster-item' },
    ctx.h('p', { class: 'card-title' }, member.name),
    ctx.h('p', {}, ctx.t(...(roleNames[member.role] || roleNames.member)), ' · ',
      ctx.h('span', { class: 'phone' }, member.phone)),
    ctx.h('p', { class: 'muted' }, ctx.t('Vào tổ ngày ', 'Joined on ') + member.joinedOn),
    ctx.h('a', { href: `#/member-left/${member.id}`, class: 'button secondary small',
      'aria-label': ctx.t(`Ghi ${member.name} rời tổ`, `Record that ${member.name} left`) }, ctx.t('Ghi rời tổ', 'Record leaving')));
  item.dataset.key = ctx.searchKey(member.name);
  item.dataset.memberId = member.id;
  return item;
}

// MARK: Adding a member

async function renderMemberNew(view, ctx) {
  const h1 = heading(ctx, view, 'Thêm thành viên', 'Add a member');
  const loaded = await loadTeam(view, ctx, h1, { withRoster: false });
  if (!loaded) return;
  const { team } = loaded;
  const form = ctx.h('form', { id: 'member-form', novalidate: '' },
    ctx.h('p', { class: 'subtitle' }, team.name),
    ctx.ui.field({ id: 'member-name', label: ['Họ và tên', 'Full name'], type: 'text', required: true }),
    ctx.ui.field({ id: 'member-phone', label: ['Số điện thoại', 'Phone number'], type: 'tel', required: true,
      help: ['Số 0 và 9 chữ số, ví dụ 0912345678', '0 and 9 digits, e.g. 0912345678'] }),
    ctx.ui.choice({ name: 'member-gender', legend: ['Giới tính', 'Gender'], options: genders }),
    ctx.ui.field({ id: 'member-birth-year', label: ['Năm sinh', 'Year of birth'], type: 'number', required: true,
      help: [`Từ ${birthYears.first} đến ${birthYears.last}`, `From ${birthYears.first} to ${birthYears.last}`] }),
    ctx.ui.field({ id: 'member-role', label: ['Vai trò trong tổ', 'Role on the team'], type: 'select', value: 'member',
      options: ['member', 'deputyHead', 'head'].map((role) => [role, roleNames[role]]) }),
    checkGroup(ctx, { name: 'member-affiliation', legend: ['Đơn vị, đoàn thể', 'Affiliations'],
      options: affiliationNames, help: ['Chọn mọi mục phù hợp (không bắt buộc)', 'Tick all that apply (optional)'] }),
    submitButton(ctx, 'member-submit', 'Ghi thành viên mới', 'Record the new member'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const person = {
      name: valueOf(form, 'member-name'),
      phone: normalizedPhone(valueOf(form, 'member-phone')),
      gender: tickedValues(form, 'member-gender')[0] || null,
      birthYear: Number(valueOf(form, 'member-birth-year')),
      affiliations: tickedValues(form, 'member-affiliation'),
    };
    const role = valueOf(form, 'member-role') || 'member';
    if (showProblems(ctx, form, {
      'member-name': textProblem(person.name),
      'member-phone': person.phone ? null : ['Số điện thoại gồm số 0 và 9 chữ số', 'A phone number is 0 and 9 digits'],
      'member-gender': person.gender ? null : ['Chọn giới tính', 'Choose a gender'],
      'member-birth-year': Number.isInteger(person.birthYear) && person.birthYear >= birthYears.first && person.birthYear <= birthYears.last
        ? null : [`Năm sinh từ ${birthYears.first} đến ${birthYears.last}`, `A year from ${birthYears.first} to ${birthYears.last}`],
    })) return;
    await recordAndReturn(ctx, form, {
      type: 'member.joined', unitId: team.unitId,
      payload: { teamId: team.id, memberId: ctx.uuid(), role, person },
      summary: [`${person.name} vào tổ`, `${person.name} joined the team`],
    }, [`Đã ghi ${person.name} vào tổ`, `${person.name} recorded as joining`]);
  });
  view.append(form);
}

// MARK: Recording who left

async function renderMemberLeft(view, ctx, params) {
  const h1 = heading(ctx, view, 'Ghi thành viên rời tổ', 'Record who left');
  const loaded = await loadTeam(view, ctx, h1);
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
  const form = ctx.h('form', { id: 'left-form', novalidate: '' },
    ctx.h('p', { class: 'subtitle' }, team.name),
    ctx.ui.field({ id: 'left-member', label: ['Thành viên', 'Member'], type: 'select', required: true, value: chosen || '',
      options: [['', ['Chọn thành viên', 'Choose a member']]].concat(members.map((member) => [member.id, [member.name, member.name]])) }),
    ctx.ui.field({ id: 'left-reason', label: ['Lý do (không bắt buộc)', 'Reason (optional)'], type: 'textarea' }),
    submitButton(ctx, 'left-submit', 'Ghi rời tổ', 'Record leaving'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const memberId = valueOf(form, 'left-member');
    const reason = valueOf(form, 'left-reason');
    const member = members.find((candidate) => candidate.id === memberId);
    if (showProblems(ctx, form, {
      'left-member': member ? null : ['Chọn thành viên', 'Choose a member'],
      'left-reason': textProblem(reason, { required: false, maximum: 500 }),
    })) return;
    await recordAndReturn(ctx, form, {
      type: 'member.left', unitId: team.unitId,
      payload: reason ? { teamId: team.id, memberId, reason } : { teamId: team.id, memberId },
      summary: [`${member.name} rời tổ`, `${member.name} left the team`],
    }, [`Đã ghi ${member.name} rời tổ`, `${member.name} recorded as leaving`]);
  });
  view.append(form);
}

// MARK: Recording a training

async function renderTrainingNew(view, ctx) {
  const h1 = heading(ctx, view, 'Ghi buổi tập huấn', 'Record a training');
  const loaded = await loadTeam(view, ctx, h1);
  if (!loaded) return;
  const { team, members } = loaded;
  const form = ctx.h('form', { id: 'training-form', novalidate: '' },
    ctx.h('p', { class: 'subtitle' }, team.name),
    ctx.h('p', { class: 'help' }, ctx.t('Buổi tập huấn được ghi vào hôm nay.', 'The training is recorded as held today.')),
    ctx.ui.field({ id: 'training-topic', label: ['Chủ đề', 'Topic'], type: 'text', required: true }),
    ctx.ui.field({ id: 'training-organiser', label: ['Đơn vị tổ chức', 'Organiser'], type: 'text', required: true, value: team.name }),
    ctx.ui.choice({ name: 'training-format', legend: ['Hình thức', 'Format'], value: 'onSite',
      options: [['onSite', ['Trực tiếp', 'On site']], ['online', ['Trực tuyến', 'Online']]] }),
    checkGroup(ctx, { name: 'training-attendee', legend: ['Ai đã tham dự', 'Who attended'],
      options: members.map((member) => [member.id, member.name]) }),
    submitButton(ctx, 'training-submit', 'Ghi buổi tập huấn', 'Record the training'));
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
    await recordAndReturn(ctx, form, {
      type: 'training.held', unitId: team.unitId,
      payload: { trainingId: ctx.uuid(), organiser, topic, format: tickedValues(form, 'training-format')[0] || 'onSite', attendeeIds },
      summary: [`Tập huấn: ${topic} (${attendeeIds.length} người)`, `Training: ${topic} (${attendeeIds.length} attended)`],
    }, ['Đã ghi buổi tập huấn', 'Training recorded']);
  });
  view.append(form);
}

/** The team leader's screens, for the shell's router (`#/roster`, `#/member-new`, `#/member-left/<id>`, `#/training-new`). */
export const screens = {
  roster: { title: ['Thành viên tổ', 'Team roster'], roles: ['teamLeader'], render: renderRoster },
  'member-new': { title: ['Thêm thành viên', 'Add a member'], roles: ['teamLeader'], render: renderMemberNew },
  'member-left': { title: ['Ghi thành viên rời tổ', 'Record who left'], roles: ['teamLeader'], render: renderMemberLeft },
  'training-new': { title: ['Ghi buổi tập huấn', 'Record a training'], roles: ['teamLeader'], render: renderTrainingNew },
};
