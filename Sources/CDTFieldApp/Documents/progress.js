// The member's own progress this week and this month, as the server counts it, plus what still waits on the phone.
import * as work from './work.js';

async function render(section, ctx) {
  const { h, t } = ctx;
  section.append(h('h1', {}, t('Tiến độ của tôi', 'My progress')));
  const ids = work.myMemberIds(ctx);
  if (!ids.length) {
    section.append(h('p', { class: 'banner warn' }, t('Tài khoản này chưa gắn với thành viên nào của tổ (theo số điện thoại).',
      'This account is not linked to a team member (by phone number).')));
    return;
  }
  const waiting = (await ctx.queue.unsent()).filter(item => item.event.type === 'household.visited' && item.state === 'waiting').length;
  for (const id of ids) {
    const progress = await ctx.get(`members/${id}/progress`);
    const period = (title, figures) => h('section', { class: 'period' },
      h('h2', {}, t(title), ' ', h('span', { class: 'muted' }, `${ctx.formatDate(figures.from)} – ${ctx.formatDate(figures.until)}`)),
      h('dl', { class: 'figures' },
        h('dt', {}, t('Lần thăm', 'Visits')), h('dd', {}, String(figures.visits)),
        h('dt', {}, t('Hộ đã thăm', 'Households visited')), h('dd', {}, String(figures.households)),
        h('dt', {}, t('Đã thành thạo', 'Mastered')), h('dd', {}, String(figures.mastered)),
        h('dt', {}, t('Đã hướng dẫn', 'Guided')), h('dd', {}, String(figures.guided))));
    section.append(period(['Tuần này', 'This week'], progress.week), period(['Tháng này', 'This month'], progress.month));
  }
  if (waiting) {
    section.append(h('p', { class: 'banner info' }, t(`Thêm ${waiting} lần thăm trên máy chưa gửi, chưa được tính.`, `${waiting} more visits on the phone are not sent and not counted yet.`)));
  }
}

export const screens = {
  progress: { title: ['Tiến độ của tôi', 'My progress'], menu: true, roles: ['member', 'teamLeader'], render },
};
