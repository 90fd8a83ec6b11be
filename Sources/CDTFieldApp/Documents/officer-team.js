// One team's page for the commune officer: what the decision says, its chat-group link, dissolving it and
// merging it into another team of the commune (both ask a second time before they record).
import { loadCommune, record, submitButton } from './commune-data.js';
import {
  chatLinkProblem, heading, notice, readFailure, showProblems, textProblem, unitLabel, unitsWithRole, valueOf, waiting,
} from './team-data.js';

/** `#/team/<id>`: the team's facts and the officer's actions on it, when it works in one of their communes. */
export async function renderTeam(view, ctx, params) {
  const h1 = heading(ctx, view, 'Tổ', 'Team');
  const communes = unitsWithRole(ctx, 'communeOfficer');
  if (communes.length === 0) {
    view.append(notice(ctx, 'Màn hình này dành cho cán bộ xã.', 'This screen is for commune officers.'));
    return;
  }
  if (!params[0]) {
    view.append(notice(ctx, 'Chọn một tổ trong danh sách của xã.', "Choose a team from the commune's list."));
    return;
  }
  let team, memberships, place;
  try {
    team = await ctx.get(`teams/${encodeURIComponent(params[0])}`);
    [memberships, place] = await Promise.all([
      ctx.getAll(`teams/${team.id}/memberships?activeOn=${ctx.today()}`), ctx.get(`units/${team.unitId}`)]);
  } catch (error) {
    view.append(readFailure(ctx, error));
    return;
  }
  // The officer's commune the team works in: its unit, or the unit's parent.
  const communeId = [place.unit, ...(place.ancestors || [])].map((unit) => unit.id).find((id) => communes.includes(id));
  if (!communeId) {
    view.append(notice(ctx, 'Tổ này không thuộc xã của bạn.', 'This team is not in your commune.'));
    return;
  }
  const loaded = await loadCommune(view, ctx, communeId);
  if (!loaded) return;
  const { villages, teams } = loaded;
  const village = villages.find((candidate) => candidate.id === team.unitId);
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
