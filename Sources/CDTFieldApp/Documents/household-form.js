// Registering a household (label, size, residents by age band, not applicable with a reason), and
// correcting its details later; both go to the outbox as events.
import * as work from './work.js';
import { ageBands, notApplicableReasons } from './skills.js';

/** An age band as it appears in element ids (`60+` → `60plus`: ids stay valid CSS selectors). */
const slug = (band) => band.replace('+', 'plus');

function form(ctx, before) {
  const { h, t } = ctx;
  const band = (key) => (before && (before.residents || []).find(resident => resident.ageBand === key)) || {};
  const number = (id, label, value, help) => ctx.ui.field({ id, label, type: 'number', value: value ?? '', help,
    attributes: { inputmode: 'numeric', min: 0, max: 60 } });
  return h('form', { id: 'household-form', novalidate: true },
    ctx.ui.field({ id: 'label', label: ['Tên hộ', 'Household name'], required: true, value: (before && before.label) || '',
      help: ['Ví dụ: Hộ Nguyễn Văn An', 'For example: Hộ Nguyễn Văn An'] }),
    number('size', ['Số người trong hộ', 'People in the household'], before ? before.size : '', ['Từ 1 đến 60.', 'From 1 to 60.']),
    h('h2', {}, t('Theo độ tuổi (không bắt buộc)', 'By age (optional)')),
    ageBands.map(([key, name]) => h('fieldset', { class: 'band', id: `band-${slug(key)}-group` },
      h('legend', {}, t(name)),
      number(`count-${slug(key)}`, ['Số người', 'People'], band(key).count),
      number(`phone-${slug(key)}`, ['Có điện thoại thông minh', 'With a smartphone'], band(key).withSmartphone),
      number(`na-${slug(key)}`, ['Không áp dụng', 'Not applicable'], band(key).notApplicable),
      ctx.ui.field({ id: `reason-${slug(key)}`, label: ['Lý do không áp dụng', 'Why not applicable'], type: 'select', value: band(key).notApplicableReason || '',
        options: [['', ['—', '—']], ...notApplicableReasons] }))),
    ctx.ui.field({ id: 'notApplicable', label: ['Cả hộ không áp dụng (lý do)', 'Whole household not applicable (why)'], type: 'select',
      value: (before && before.notApplicable) || '', options: [['', ['Hộ thuộc diện hỗ trợ', 'The household is in scope']], ...notApplicableReasons] }),
    h('p', { class: 'error', id: 'residents-error', hidden: true }));
}

/** Reads and checks the form; answers `{payload}` or `{messages}` (by field id). */
function read(form, householdId) {
  const messages = {};
  const integer = (id) => { const text = form[id].value.trim(); return text === '' ? null : Number(text); };
  const label = form.label.value.trim(), size = integer('size');
  if (!label) messages.label = ['Nhập tên hộ.', 'Enter the household’s name.'];
  if (label.length > 200) messages.label = ['Tên hộ tối đa 200 ký tự.', 'At most 200 characters.'];
  if (!Number.isInteger(size) || size < 1 || size > 60) messages.size = ['Số người phải từ 1 đến 60.', 'From 1 to 60 people.'];
  const residents = [];
  for (const [key] of ageBands) {
    const count = integer(`count-${slug(key)}`), phones = integer(`phone-${slug(key)}`) ?? 0, notApplicable = integer(`na-${slug(key)}`) ?? 0;
    const reason = form[`reason-${slug(key)}`].value;
    if (count === null) {
      if (phones || notApplicable) messages[`count-${slug(key)}`] = ['Nhập số người của nhóm tuổi này.', 'Enter how many people of this age.'];
      continue;
    }
    if (!Number.isInteger(count) || count < 0 || count > 60) { messages[`count-${slug(key)}`] = ['Từ 0 đến 60.', 'From 0 to 60.']; continue; }
    if (!Number.isInteger(phones) || phones < 0 || phones > count) messages[`phone-${slug(key)}`] = ['Không quá số người của nhóm.', 'No more than the people of this age.'];
    if (!Number.isInteger(notApplicable) || notApplicable < 0 || notApplicable > count) messages[`na-${slug(key)}`] = ['Không quá số người của nhóm.', 'No more than the people of this age.'];
    if (notApplicable > 0 && !reason) messages[`reason-${slug(key)}`] = ['Chọn lý do.', 'Choose why.'];
    const resident = { ageBand: key, count, withSmartphone: phones, notApplicable };
    if (notApplicable > 0 && reason) resident.notApplicableReason = reason;
    residents.push(resident);
  }
  if (Number.isInteger(size) && residents.reduce((sum, band) => sum + band.count, 0) > size) {
    messages.residents = ['Tổng số người theo độ tuổi vượt quá số người trong hộ.', 'The people by age add up to more than the household’s size.'];
  }
  const payload = { householdId, label, size, residents };
  if (form.notApplicable.value) payload.notApplicable = form.notApplicable.value;
  return Object.keys(messages).length ? { messages } : { payload };
}

async function renderNew(section, ctx, params, fixing = null) {
  const { h, t } = ctx;
  const unit = fixing ? fixing.event.unitId : work.workUnit(ctx);
  const element = form(ctx, fixing ? fixing.event.payload : null);
  if (fixing) element.prepend(h('p', { class: 'banner warn', role: 'alert' }, t(fixing.reason || ['', ''])));
  element.append(h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary', id: 'save-household' }, fixing ? t('Sửa và gửi lại', 'Correct and send again') : t('Lưu hộ mới', 'Save the household')),
    h('a', { class: 'button secondary', href: fixing ? '#/queue' : '#/households' }, t('Huỷ', 'Cancel'))));
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { payload, messages } = read(element, fixing ? fixing.event.payload.householdId : ctx.uuid());
    if (ctx.ui.showErrors(element, messages || {})) return;
    const button = element.querySelector('#save-household');
    if (button.disabled) return;
    button.disabled = true;
    const summary = [`Hộ mới: ${payload.label}`, `New household: ${payload.label}`];
    if (fixing) await ctx.queue.correct(fixing.id, { payload, summary });
    else await ctx.record({ type: 'household.registered', unitId: unit, payload, summary, screen: 'household-new' });
    ctx.announce(t(`Đã lưu hộ ${payload.label}.`, `Household ${payload.label} saved.`));
    ctx.navigate(fixing ? '#/queue' : `#/household/${payload.householdId}`);
  });
  section.append(h('h1', {}, fixing ? t('Sửa hộ mới', 'Correct the new household') : t('Thêm hộ mới', 'Register a household')), element);
}

async function renderEdit(section, ctx, [id], fixing = null) {
  const { h, t } = ctx;
  const household = await work.household(ctx, fixing ? fixing.event.payload.householdId : id);
  if (!household) {
    section.append(h('h1', {}, t('Không tìm thấy hộ này', 'Household not found')));
    return;
  }
  const element = form(ctx, fixing ? fixing.event.payload : household);
  if (fixing) element.prepend(h('p', { class: 'banner warn', role: 'alert' }, t(fixing.reason || ['', ''])));
  element.append(h('div', { class: 'actions' },
    h('button', { type: 'submit', class: 'primary', id: 'save-household' }, fixing ? t('Sửa và gửi lại', 'Correct and send again') : t('Lưu thay đổi', 'Save changes')),
    h('a', { class: 'button secondary', href: fixing ? '#/queue' : `#/household/${household.id}` }, t('Huỷ', 'Cancel'))));
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { payload, messages } = read(element, household.id);
    if (ctx.ui.showErrors(element, messages || {})) return;
    const button = element.querySelector('#save-household');
    if (button.disabled) return;
    button.disabled = true;
    const summary = [`Sửa thông tin: ${payload.label}`, `Household changed: ${payload.label}`];
    const base = { changedAt: household.changedAt || null };
    if (fixing) await ctx.queue.correct(fixing.id, { payload, summary, base });
    else await ctx.record({ type: 'household.updated', unitId: household.unitId, payload, summary, base, screen: `household-edit/${household.id}` });
    ctx.announce(t('Đã lưu thay đổi.', 'Changes saved.'));
    ctx.navigate(fixing ? '#/queue' : `#/household/${household.id}`);
  });
  section.append(h('h1', {}, t('Sửa thông tin hộ', 'Edit household')), h('p', { class: 'muted' }, household.label || ''), element);
}

export const screens = {
  'household-new': { title: ['Thêm hộ mới', 'Register a household'], menu: true, roles: ['member', 'teamLeader'], render: renderNew },
  'household-edit': { roles: ['member', 'teamLeader', 'communeOfficer'], render: renderEdit },
};
