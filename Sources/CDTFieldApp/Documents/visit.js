// Recording a visit: for each of the five skills and four services, guided, mastered or not applicable;
// who of the team came; a note. Offline or not, it goes to the outbox with its id made now.
import * as work from './work.js';
import { skills, services, outcomes } from './skills.js';

async function render(section, ctx, [householdId], fixing = null) {
  const { h, t } = ctx;
  const before = fixing ? fixing.event.payload : null;
  const household = await work.household(ctx, before ? before.householdId : householdId);
  if (!household && !fixing) {
    section.append(h('h1', {}, t('Không tìm thấy hộ này', 'Household not found')),
      h('p', { class: 'banner warn' }, t('Chỉ ghi được lần thăm cho hộ trong thôn của bạn.', 'You can record visits only for households of your village.')));
    return;
  }
  const unit = work.workUnit(ctx);
  // Who came is someone of the account's own team(s), wherever the household is.
  const roster = await work.roster(ctx, unit).catch(() => []);
  const mine = work.myMemberIds(ctx);
  const came = new Set(before ? before.memberIds : mine);
  const form = h('form', { id: 'visit-form', novalidate: true });
  if (fixing) {
    const choices = await work.households(ctx, unit);
    form.append(h('p', { class: 'banner warn', role: 'alert' }, t(fixing.reason || ['', ''])),
      ctx.ui.field({ id: 'household', label: ['Hộ được thăm', 'Household visited'], type: 'select', value: before.householdId,
        options: [[before.householdId, [household ? household.label || '?' : '(hộ khác)', household ? household.label || '?' : '(another household)']],
          ...choices.filter(choice => choice.id !== before.householdId).map(choice => [choice.id, [choice.label || '?', choice.label || '?']])] }));
  }
  const group = (key, name, prefix) => ctx.ui.choice({ name: `${prefix}-${key}`, legend: name, options: outcomes,
    value: (before && before[prefix === 'skill' ? 'skills' : 'services'][key]) || '' });
  form.append(
    h('div', { id: 'outcomes-group', tabindex: '-1', 'aria-describedby': 'outcomes-error' },
      h('h2', {}, t('5 kỹ năng', 'The 5 skills')), ...skills.map(([key, name]) => group(key, name, 'skill')),
      h('h2', {}, t('4 dịch vụ', 'The 4 services')), ...services.map(([key, name]) => group(key, name, 'service')),
      h('p', { class: 'error', id: 'outcomes-error', hidden: true })),
    h('fieldset', { class: 'people', id: 'members-group' },
      h('legend', {}, t('Ai trong tổ đã đến', 'Who of the team came')),
      roster.length ? roster.map(member => h('span', { class: 'option' },
        h('input', { type: 'checkbox', id: `member-${member.id}`, name: 'members', value: member.id, checked: came.has(member.id) }),
        h('label', { for: `member-${member.id}` }, member.name, mine.includes(member.id) ? t(' (bạn)', ' (you)') : '')))
        : h('p', { class: 'muted' }, t('Chưa có danh sách tổ trên máy.', 'No team roster on the phone yet.')),
      h('p', { class: 'error', id: 'members-error', hidden: true })),
    ctx.ui.field({ id: 'note', label: ['Ghi chú', 'Note'], type: 'textarea', value: (before && before.note) || '',
      help: ['Không bắt buộc, tối đa 1000 ký tự.', 'Optional, up to 1,000 characters.'] }),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'save-visit' }, fixing ? t('Sửa và gửi lại', 'Correct and send again') : t('Lưu lần thăm', 'Save the visit')),
      h('a', { class: 'button secondary', href: fixing ? '#/queue' : `#/household/${household.id}` }, t('Huỷ', 'Cancel'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const read = (list, prefix) => Object.fromEntries(list
      .map(([key]) => [key, (form.querySelector(`input[name="${prefix}-${key}"]:checked`) || {}).value || ''])
      .filter(([, value]) => value));
    const payload = { householdId: fixing ? form.household.value : household.id, memberIds: [...form.querySelectorAll('input[name=members]:checked')].map(box => box.value),
      skills: read(skills, 'skill'), services: read(services, 'service') };
    const note = form.note.value.trim();
    if (note) payload.note = note;
    const messages = {};
    if (!Object.keys(payload.skills).length && !Object.keys(payload.services).length) {
      messages.outcomes = ['Chọn kết quả cho ít nhất một kỹ năng hoặc dịch vụ.', 'Mark at least one skill or service.'];
    }
    if (!payload.memberIds.length) messages.members = ['Chọn ít nhất một người trong tổ đã đến.', 'Tick at least one team member who came.'];
    if (payload.memberIds.length > 10) messages.members = ['Chọn tối đa 10 người.', 'Tick at most 10 people.'];
    if (note.length > 1000) messages.note = ['Ghi chú tối đa 1000 ký tự.', 'A note has at most 1,000 characters.'];
    if (ctx.ui.showErrors(form, messages)) return;
    // One tap records once: the button stays off while saving.
    const button = form.querySelector('#save-visit');
    if (button.disabled) return;
    button.disabled = true;
    const visited = payload.householdId === household?.id ? household : (await work.household(ctx, payload.householdId)) || household;
    const label = (visited && visited.label) || '';
    const input = { unitId: visited ? visited.unitId : fixing.event.unitId, payload, summary: [`Lần thăm: ${label}`, `Visit: ${label}`] };
    if (fixing) await ctx.queue.correct(fixing.id, input);
    else await ctx.record({ type: 'household.visited', ...input, screen: `visit/${payload.householdId}` });
    ctx.announce(navigator.onLine ? t('Đã lưu lần thăm, đang gửi.', 'Visit saved, sending.') : t('Đã lưu lần thăm trên máy; sẽ gửi khi có mạng.', 'Visit saved on the phone; it will be sent when online.'));
    ctx.navigate(fixing ? '#/queue' : `#/household/${payload.householdId}`);
  });
  section.append(h('h1', {}, fixing ? t('Sửa lần thăm', 'Correct the visit') : t('Ghi lần thăm', 'Record a visit')),
    household ? h('p', { class: 'muted' }, household.label || '') : null, form);
}

export const screens = {
  visit: { roles: ['member', 'teamLeader', 'communeOfficer'], render },
};
