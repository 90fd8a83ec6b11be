// The commune officer's screens: the commune's villages and teams (and which villages have none),
// establishing a team by decision, and one team's page (its chat-group link, dissolving it, merging it
// into another). Dissolving and merging ask a second time before they record.
import {
  allItems, chatLinkProblem, communeOverview, dayProblem, fixingBanner, heading, notice, readFailure, showProblems,
  textProblem, unitLabel, unitsWithRole, valueOf, waiting,
} from './team-data.js';

/** The commune the officer works in: `wanted` when it is one of theirs, else their first. */
function officerCommune(ctx, wanted) {
  const communes = unitsWithRole(ctx, 'communeOfficer');
  return communes.includes(wanted) ? wanted : communes[0] || null;
}

/**
 * Loads what an officer's screen needs (the commune, its villages and active teams), or shows why it
 * cannot; returns null then.
 */
async function loadCommune(view, ctx, wanted) {
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

function submitButton(ctx, id, vi, en, kind = 'primary') {
  return ctx.h('button', { type: 'submit', id, class: kind }, ctx.t(vi, en));
}

/**
 * Records `event` once (its button disabled meanwhile), or, correcting a refused item, replaces that
 * item's event (same id) and sends it again; says `said` through the live region and goes to `next`.
 */
async function record(ctx, button, event, said, next, fixing = null) {
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

// MARK: The commune

async function renderCommune(view, ctx, params) {
  heading(ctx, view, 'Tổ và thôn của xã', 'Teams and villages of the commune');
  const loaded = await loadCommune(view, ctx, params[0]);
  if (!loaded) return;
  const { communeId, commune, villages, teams } = loaded;
  const teamOf = new Map(teams.map((team) => [team.unitId, team]));
  const establishing = new Map((await waiting(ctx, 'team.established')).map((event) => [event.unitId, event.payload]));
  const without = villages.filter((village) => !teamOf.has(village.id));
  const communeTeams = teams.filter((team) => team.unitId === communeId);
  view.append(
    ctx.h('p', { class: 'muted', id: 'commune-name' }, unitLabel(commune)),
    ctx.h('p', { id: 'commune-summary' }, ctx.t(
      `${villages.length} thôn, ${teams.length} tổ đang hoạt động; ${without.length} thôn chưa có tổ.`,
      `${villages.length} villages, ${teams.length} active teams; ${without.length} villages without a team.`)),
    ctx.h('nav', { class: 'actions', 'aria-label': ctx.t('Việc của cán bộ xã', "Commune officer's tasks") },
      ctx.h('a', { href: '#/team-new', class: 'button primary', id: 'go-team-new' }, ctx.t('Thành lập tổ', 'Establish a team'))),
    ctx.h('h2', {}, ctx.t('Các thôn', 'Villages')),
    villages.length
      ? ctx.h('ul', { class: 'places', id: 'village-list' },
        villages.map((village) => villageItem(ctx, village, teamOf.get(village.id), establishing.get(village.id))))
      : ctx.h('p', { class: 'empty' }, ctx.t('Xã chưa có thôn nào trong danh sách.', 'The commune has no villages listed.')),
  );
  if (communeTeams.length) {
    view.append(
      ctx.h('h2', {}, ctx.t('Tổ cấp xã', 'Commune-level teams')),
      ctx.h('ul', { class: 'places', id: 'commune-team-list' }, communeTeams.map((team) => ctx.h('li', { class: 'place' },
        ctx.h('a', { href: `#/team/${team.id}`, class: 'team-link' }, team.name)))));
  }
}

/** A village with its team, the team waiting in the outbox to be sent, or a way to establish one. */
function villageItem(ctx, village, team, establishing) {
  let status;
  if (team) {
    status = ctx.h('p', {}, ctx.h('a', { href: `#/team/${team.id}`, class: 'team-link' }, team.name));
  } else if (establishing) {
    status = ctx.h('p', {}, establishing.name, ' ', ctx.h('span', { class: 'badge' }, ctx.t('Mới thành lập, chờ gửi', 'New, waiting to be sent')));
  } else {
    status = [ctx.h('p', { class: 'no-team' }, ctx.t('Chưa có tổ', 'No team yet')),
      ctx.h('a', { href: `#/team-new/${village.id}`, class: 'button secondary',
        'aria-label': ctx.t(`Thành lập tổ cho ${unitLabel(village)}`, `Establish a team for ${unitLabel(village)}`) },
      ctx.t('Thành lập tổ', 'Establish a team'))];
  }
  const item = ctx.h('li', { class: team ? 'place' : 'place without-team' }, ctx.h('p', { class: 'name' }, unitLabel(village)), status);
  item.dataset.villageId = village.id;
  return item;
}

// MARK: Establishing a team

async function renderTeamNew(view, ctx, params, fixing = null) {
  heading(ctx, view, fixing ? 'Sửa quyết định thành lập tổ' : 'Thành lập tổ', fixing ? 'Correct the new team' : 'Establish a team');
  const loaded = await loadCommune(view, ctx);
  if (!loaded) return;
  const { communeId, commune, villages, teams } = loaded;
  const before = fixing ? fixing.event.payload : { name: 'Tổ Công nghệ số cộng đồng', decision: { date: ctx.today() } };
  const withTeam = new Set(teams.map((team) => team.unitId));
  const open = villages.filter((village) => !withTeam.has(village.id) || (fixing && village.id === fixing.event.unitId));
  if (open.length === 0) {
    view.append(notice(ctx, 'Mọi thôn của xã đều đã có tổ.', 'Every village of the commune has a team.'));
    return;
  }
  const wanted = fixing ? fixing.event.unitId : params[0];
  const chosen = open.some((village) => village.id === wanted) ? wanted : '';
  const form = ctx.h('form', { id: 'team-form', novalidate: true },
    fixingBanner(ctx, fixing),
    ctx.h('p', { class: 'muted' }, ctx.t('Quyết định của ', 'A decision of ') + unitLabel(commune)),
    ctx.ui.field({ id: 'team-village', label: ['Thôn', 'Village'], type: 'select', required: true, value: chosen,
      options: [['', ['Chọn thôn chưa có tổ', 'Choose a village without a team']]].concat(open.map((village) => [village.id, [unitLabel(village), unitLabel(village)]])) }),
    ctx.ui.field({ id: 'team-name', label: ['Tên tổ', 'Team name'], required: true, value: before.name }),
    ctx.ui.field({ id: 'decision-number', label: ['Số quyết định', 'Decision number'], required: true, value: before.decision.number || '',
      help: ['Ví dụ 12/QĐ-UBND', 'For example 12/QĐ-UBND'] }),
    ctx.ui.field({ id: 'decision-date', label: ['Ngày quyết định', 'Decision date'], type: 'date', required: true, value: before.decision.date || '' }),
    ctx.ui.field({ id: 'decision-signer', label: ['Người ký', 'Signed by'], required: true, value: before.decision.signer || '' }),
    ctx.ui.field({ id: 'team-chat-link', label: ['Đường dẫn nhóm chat (không bắt buộc)', 'Chat-group link (optional)'], type: 'url',
      value: before.chatLink || '', help: ['Bắt đầu bằng https://', 'Starts with https://'], attributes: { inputmode: 'url' } }),
    ctx.h('div', { class: 'actions' },
      submitButton(ctx, 'team-submit', ...(fixing ? ['Sửa và gửi lại', 'Correct and send again'] : ['Ghi thành lập tổ', 'Record the new team'])),
      ctx.h('a', { href: fixing ? '#/queue' : '#/commune', class: 'button secondary' }, ctx.t('Huỷ', 'Cancel'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const villageId = valueOf(form, 'team-village');
    const village = open.find((candidate) => candidate.id === villageId);
    const name = valueOf(form, 'team-name');
    const decision = { number: valueOf(form, 'decision-number'), date: valueOf(form, 'decision-date'),
      signer: valueOf(form, 'decision-signer'), issuingUnitId: communeId };
    const chatLink = valueOf(form, 'team-chat-link');
    if (showProblems(ctx, form, {
      'team-village': village ? null : ['Chọn thôn', 'Choose a village'],
      'team-name': textProblem(name),
      'decision-number': textProblem(decision.number, { maximum: 60 }),
      'decision-date': dayProblem(decision.date, ctx.today()),
      'decision-signer': textProblem(decision.signer),
      'team-chat-link': chatLinkProblem(chatLink),
    })) return;
    const payload = { teamId: fixing ? before.teamId : ctx.uuid(), name, decision };
    if (chatLink) payload.chatLink = chatLink;
    await record(ctx, form.querySelector('#team-submit'), {
      type: 'team.established', unitId: village.id, payload, screen: 'team-new',
      summary: [`Thành lập ${name} (${unitLabel(village)})`, `${name} established (${unitLabel(village)})`],
    }, [`Đã ghi thành lập tổ cho ${unitLabel(village)}`, `Team recorded for ${unitLabel(village)}`], '#/commune', fixing);
  });
  view.append(form);
}

// MARK: One team

async function renderTeam(view, ctx, params) {
  const h1 = heading(ctx, view, 'Tổ', 'Team');
  const loaded = await loadCommune(view, ctx);
  if (!loaded) return;
  const { communeId, villages, teams } = loaded;
  if (!params[0]) {
    view.append(notice(ctx, 'Chọn một tổ trong danh sách của xã.', "Choose a team from the commune's list."));
    return;
  }
  let team, memberships;
  try {
    team = await ctx.get(`teams/${encodeURIComponent(params[0])}`);
    memberships = await allItems(ctx, `teams/${team.id}/memberships?activeOn=${ctx.today()}`);
  } catch (error) {
    view.append(readFailure(ctx, error));
    return;
  }
  const village = villages.find((candidate) => candidate.id === team.unitId);
  if (!village && team.unitId !== communeId) {
    view.append(notice(ctx, 'Tổ này không thuộc xã của bạn.', 'This team is not in your commune.'));
    return;
  }
  h1.textContent = team.name;
  view.append(teamFacts(ctx, team, village, memberships.length));
  if (team.endedOn) {
    view.append(notice(ctx, `Tổ đã kết thúc ngày ${ctx.formatDate(team.endedOn)}.`, `The team ended on ${ctx.formatDate(team.endedOn)}.`));
    return;
  }
  const pending = (await waiting(ctx, 'team.dissolved', 'team.merged', 'team.chat_link_changed'))
    .filter((event) => event.payload.teamId === team.id || (event.payload.teamIds || []).includes(team.id));
  if (pending.length) {
    view.append(ctx.h('p', { class: 'banner info', id: 'team-waiting' }, ctx.h('a', { href: '#/queue' }, ctx.t(
      `${pending.length} thay đổi của tổ này đang chờ gửi.`, `${pending.length} changes to this team wait to be sent.`))));
  }
  const others = teams.filter((candidate) => candidate.id !== team.id);
  view.append(chatLinkForm(ctx, team), dissolveForm(ctx, team), mergeForm(ctx, team, others, villages));
}

function teamFacts(ctx, team, village, memberCount) {
  const decision = team.decision;
  const fact = (label, value) => [ctx.h('dt', {}, ctx.t(...label)), ctx.h('dd', {}, value)];
  return ctx.h('dl', { class: 'facts', id: 'team-facts' },
    fact(['Nơi hoạt động', 'Works in'], village ? unitLabel(village) : ctx.t('Cấp xã', 'Commune level')),
    fact(['Quyết định', 'Decision'], ctx.t(`Số ${decision.number} ngày ${ctx.formatDate(decision.date)}, ${decision.signer} ký`,
      `No. ${decision.number} of ${ctx.formatDate(decision.date)}, signed by ${decision.signer}`)),
    fact(['Thành lập', 'Established'], ctx.formatDate(team.establishedOn)),
    fact(['Thành viên', 'Members'], String(memberCount)),
    fact(['Nhóm chat', 'Chat group'], team.chatLink
      ? ctx.h('a', { href: team.chatLink, rel: 'noopener noreferrer', target: '_blank', id: 'team-chat-current' }, team.chatLink)
      : ctx.t('Chưa có', 'None')));
}

function chatLinkForm(ctx, team) {
  const form = ctx.h('form', { id: 'chat-form', novalidate: true, class: 'panel' },
    ctx.h('h2', {}, ctx.t('Đường dẫn nhóm chat', 'Chat-group link')),
    ctx.ui.field({ id: 'chat-link', label: ['Đường dẫn', 'Link'], type: 'url', value: team.chatLink || '',
      help: ['Bắt đầu bằng https://; để trống để xoá', 'Starts with https://; leave empty to remove it'] }),
    submitButton(ctx, 'chat-submit', 'Lưu đường dẫn', 'Save the link'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const link = valueOf(form, 'chat-link');
    if (showProblems(ctx, form, { 'chat-link': chatLinkProblem(link) })) return;
    if ((link || null) === (team.chatLink || null)) {
      ctx.announce(ctx.t('Đường dẫn không thay đổi', 'The link is unchanged'));
      return;
    }
    await record(ctx, form.querySelector('#chat-submit'), {
      type: 'team.chat_link_changed', unitId: team.unitId, payload: { teamId: team.id, chatLink: link || null },
      summary: link ? [`Đổi nhóm chat của ${team.name}`, `Chat link of ${team.name} changed`]
        : [`Xoá nhóm chat của ${team.name}`, `Chat link of ${team.name} removed`],
    }, ['Đã ghi đường dẫn nhóm chat', 'Chat link recorded'], '#/commune');
  });
  return form;
}

/**
 * A destructive action in two steps: the form's button opens a confirmation (focused, read out) that
 * says what will happen; only its "confirm" button records, and "cancel" puts the form back.
 */
function twoStep(ctx, form, { id, question, confirmLabel, check, act }) {
  const start = form.querySelector('button[type=submit]');
  const panel = ctx.h('div', { class: 'confirm', id: `${id}-confirm-panel`, role: 'alertdialog', 'aria-labelledby': `${id}-question` });
  panel.hidden = true;
  form.append(panel);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!check()) return;
    const confirm = ctx.h('button', { type: 'button', id: `${id}-confirm`, class: 'danger' }, ctx.t(...confirmLabel));
    const cancel = ctx.h('button', { type: 'button', id: `${id}-cancel`, class: 'secondary' }, ctx.t('Huỷ', 'Cancel'));
    const text = ctx.h('p', { id: `${id}-question`, tabindex: '-1' }, ctx.t(...question()));
    panel.replaceChildren(text, ctx.h('div', { class: 'actions' }, confirm, cancel));
    confirm.addEventListener('click', () => act(confirm));
    cancel.addEventListener('click', () => {
      panel.hidden = true;
      start.hidden = false;
      start.focus();
    });
    start.hidden = true;
    panel.hidden = false;
    text.focus();
  });
}

function dissolveForm(ctx, team) {
  const form = ctx.h('form', { id: 'dissolve-form', novalidate: true, class: 'panel' },
    ctx.h('h2', {}, ctx.t('Giải thể tổ', 'Dissolve the team')),
    ctx.ui.field({ id: 'dissolve-reason', label: ['Lý do (không bắt buộc)', 'Reason (optional)'], type: 'textarea' }),
    submitButton(ctx, 'dissolve-start', 'Giải thể tổ…', 'Dissolve the team…', 'danger'));
  twoStep(ctx, form, {
    id: 'dissolve',
    question: () => [`Giải thể ${team.name}? Tổ và mọi thành viên của tổ kết thúc từ hôm nay.`,
      `Dissolve ${team.name}? The team and all its memberships end today.`],
    confirmLabel: ['Xác nhận giải thể', 'Yes, dissolve'],
    check: () => !showProblems(ctx, form, { 'dissolve-reason': textProblem(valueOf(form, 'dissolve-reason'), { required: false, maximum: 500 }) }),
    act: (button) => {
      const reason = valueOf(form, 'dissolve-reason');
      return record(ctx, button, {
        type: 'team.dissolved', unitId: team.unitId, payload: reason ? { teamId: team.id, reason } : { teamId: team.id },
        summary: [`Giải thể ${team.name}`, `${team.name} dissolved`],
      }, [`Đã ghi giải thể ${team.name}`, `${team.name} recorded as dissolved`], '#/commune');
    },
  });
  return form;
}

function mergeForm(ctx, team, others, villages) {
  const placeOf = (candidate) => {
    const village = villages.find((unit) => unit.id === candidate.unitId);
    return village ? `${candidate.name} (${unitLabel(village)})` : candidate.name;
  };
  const form = ctx.h('form', { id: 'merge-form', novalidate: true, class: 'panel' },
    ctx.h('h2', {}, ctx.t('Sáp nhập vào tổ khác', 'Merge into another team')));
  if (others.length === 0) {
    form.append(ctx.h('p', {}, ctx.t('Xã không có tổ nào khác để sáp nhập vào.', 'The commune has no other team to merge into.')));
    return form;
  }
  form.append(
    ctx.ui.field({ id: 'merge-into', label: ['Tổ tiếp nhận', 'The team that carries on'], type: 'select', required: true, value: '',
      options: [['', ['Chọn tổ', 'Choose a team']]].concat(others.map((candidate) => [candidate.id, [placeOf(candidate), placeOf(candidate)]])),
      help: ['Thành viên của tổ này chuyển sang tổ được chọn', "This team's members move to the chosen team"] }),
    submitButton(ctx, 'merge-start', 'Sáp nhập…', 'Merge…', 'danger'));
  const survivor = () => others.find((candidate) => candidate.id === valueOf(form, 'merge-into'));
  twoStep(ctx, form, {
    id: 'merge',
    question: () => [`Sáp nhập ${team.name} vào ${placeOf(survivor())}? ${team.name} kết thúc từ hôm nay.`,
      `Merge ${team.name} into ${placeOf(survivor())}? ${team.name} ends today.`],
    confirmLabel: ['Xác nhận sáp nhập', 'Yes, merge'],
    check: () => !showProblems(ctx, form, { 'merge-into': survivor() ? null : ['Chọn tổ tiếp nhận', 'Choose the team that carries on'] }),
    act: (button) => {
      const into = survivor();
      return record(ctx, button, {
        type: 'team.merged', unitId: into.unitId, payload: { teamIds: [team.id], intoTeamId: into.id },
        summary: [`Sáp nhập ${team.name} vào ${into.name}`, `${team.name} merged into ${into.name}`],
      }, [`Đã ghi sáp nhập vào ${into.name}`, `Merge into ${into.name} recorded`], '#/commune');
    },
  });
  return form;
}

/** Keeps the officer's commune (its name, villages and teams) on the phone, for the screens to open offline. */
async function prefetch(ctx) {
  const communeId = officerCommune(ctx);
  if (!communeId) return;
  await ctx.get(`units/${communeId}`);
  await communeOverview(ctx, communeId);
}

/** The commune officer's screens, for the shell's router (`#/commune`, `#/team-new/<village>`, `#/team/<id>`). */
export const screens = {
  commune: { title: ['Tổ và thôn của xã', 'Teams and villages'], menu: true, roles: ['communeOfficer'], render: renderCommune, prefetch },
  'team-new': { title: ['Thành lập tổ', 'Establish a team'], menu: true, roles: ['communeOfficer'], render: renderTeamNew },
  team: { title: ['Tổ', 'Team'], roles: ['communeOfficer'], render: renderTeam },
};
