// The outbox screen (#/queue): every item recorded on the phone with its state — waiting, sent, already
// there, refused (with the reason, to correct or drop), or changed meanwhile by someone else.
import * as api from './api.js';
import { notApplicableReasons } from './skills.js';

const states = {
  waiting: ['Chờ gửi', 'Waiting to be sent'],
  sent: ['Đã gửi', 'Sent'],
  duplicate: ['Đã có trên máy chủ', 'Already there'],
  refused: ['Bị từ chối', 'Refused'],
  conflict: ['Người khác đã sửa', 'Changed by someone else'],
};

async function render(section, ctx) {
  const { h, t } = ctx;
  const list = h('ol', { class: 'outbox', id: 'outbox-items' });
  const summary = h('p', { id: 'outbox-summary', class: 'banner info' });
  section.append(
    h('h1', {}, t('Hộp thư đi', 'Outbox')),
    h('p', { class: 'muted' }, t('Mọi việc bạn ghi được giữ trên máy cho đến khi máy chủ nhận. Gửi lại nhiều lần cũng không bị ghi trùng.',
      'Everything you record stays on the phone until the server has it. Sending again never records it twice.')),
    summary,
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'send-now', class: 'primary', on: { click: async () => {
        if (!navigator.onLine) { ctx.announce(t('Chưa có mạng. Sẽ tự gửi khi có mạng.', 'No network yet. It will send by itself when online.')); return; }
        await ctx.queue.drain();
        ctx.announce(t('Đã thử gửi.', 'Tried sending.'));
      } } }, t('Gửi ngay', 'Send now')),
      h('button', { type: 'button', id: 'forget-sent', class: 'secondary', on: { click: () => ctx.queue.forgetSent() } }, t('Xoá các mục đã gửi', 'Clear sent items'))),
    list);
  const update = async () => {
    if (!section.isConnected) { stop(); return; }
    const session = api.currentSession();
    const all = await ctx.queue.items();
    const mine = all.filter(item => item.accountId === session.accountId).reverse();
    const others = all.length - mine.length;
    const waiting = mine.filter(item => item.state === 'waiting').length;
    const attention = mine.filter(item => item.state === 'refused' || item.state === 'conflict').length;
    summary.textContent = [
      t(`${waiting} mục chờ gửi`, `${waiting} waiting`),
      attention ? t(`${attention} cần bạn xem lại`, `${attention} need you`) : null,
      others ? t(`${others} mục của tài khoản khác (đăng nhập bằng tài khoản đó để gửi)`, `${others} of another account (sign in as it to send them)`) : null,
    ].filter(Boolean).join(' · ');
    list.replaceChildren(...(mine.length ? mine.map(item => row(ctx, item)) : [h('li', { class: 'empty' }, t('Chưa ghi gì trên máy này.', 'Nothing recorded on this phone yet.'))]));
  };
  const stop = ctx.queue.onChange(update);
  await update();
}

function row(ctx, item) {
  const { h, t } = ctx;
  const children = [
    h('p', { class: 'what' }, h('strong', {}, t(item.summary || [item.event.type, item.event.type]))),
    h('p', { class: `state state-${item.state}` }, t(states[item.state] || [item.state, item.state]),
      ' · ', t('ghi lúc ', 'recorded '), ctx.formatDate(item.recordedAt, true)),
  ];
  if (item.reason) children.push(h('p', { class: 'reason', role: item.state === 'refused' ? 'alert' : null }, t(item.reason)));
  if (item.state === 'refused' && item.errors.length) {
    children.push(h('p', { class: 'technical muted' }, item.errors.map(error => `${error.field}: ${error.rule}`).join('; ')));
  }
  if (item.state === 'conflict' && item.current) {
    const current = item.current;
    children.push(h('p', { class: 'muted' }, t('Bây giờ trên máy chủ: ', 'Now on the server: '),
      `${current.label || ''} · ${ctx.ui.people(current.size)}`,
      current.notApplicable ? ` · ${t((notApplicableReasons.find(([key]) => key === current.notApplicable) || [null, [current.notApplicable, current.notApplicable]])[1])}` : ''));
  }
  const actions = [];
  if (item.state === 'refused' && item.screen) {
    actions.push(h('a', { class: 'button primary', href: `#/fix/${item.id}` }, t('Sửa và gửi lại', 'Correct and send again')));
  }
  if (item.state === 'conflict') {
    actions.push(h('button', { type: 'button', class: 'primary', on: { click: () => ctx.queue.sendAnyway(item.id) } }, t('Gửi bản của tôi', 'Send mine anyway')));
  }
  if (item.state === 'refused' || item.state === 'conflict') {
    actions.push(h('button', { type: 'button', class: 'danger', on: { click: (event) => confirmDiscard(ctx, item, event.currentTarget) } }, t('Bỏ mục này', 'Drop this item')));
  }
  return h('li', { class: `item item-${item.state}`, 'data-id': item.id, 'data-state': item.state }, children,
    actions.length ? h('div', { class: 'actions' }, actions) : null);
}

function confirmDiscard(ctx, item, button) {
  const { h, t } = ctx;
  const confirm = h('button', { type: 'button', class: 'danger', on: { click: async () => {
    await ctx.queue.discard(item.id);
    ctx.announce(t('Đã bỏ mục này.', 'Item dropped.'));
  } } }, t('Chắc chắn bỏ', 'Yes, drop it'));
  button.replaceWith(confirm);
  confirm.focus();
}

export const screens = {
  queue: { title: ['Hộp thư đi', 'Outbox'], menu: true, render },
};
