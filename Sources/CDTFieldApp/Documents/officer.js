// The commune officer's screens: the commune's villages and teams (and which villages have none),
// establishing a team by decision, and one team's page (officer-team.js: its chat-group link, dissolving
// it, merging it into another).
import { loadCommune, officerCommune, record, submitButton } from './commune-data.js';
import { renderTeam } from './officer-team.js';
import {
  chatLinkProblem, communeOverview, dayProblem, fixingBanner, heading, notice, showProblems, textProblem, unitLabel, valueOf, waiting,
} from './team-data.js';

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
