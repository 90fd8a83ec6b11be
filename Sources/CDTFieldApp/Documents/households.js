// The households of the member's village: a list searched without diacritics, and one household with what
// it still lacks and its visits.
import * as work from './work.js';
import { nameOf, notApplicableReasons, ageBands } from './skills.js';

async function renderList(section, ctx) {
  const { h, t } = ctx;
  const unit = work.workUnit(ctx);
  const [name, list] = [await work.unitName(ctx, unit), await work.households(ctx, unit)];
  const results = h('ul', { class: 'households', id: 'household-list' });
  const count = h('p', { class: 'muted', id: 'household-count', 'aria-live': 'polite' });
  const search = h('input', { type: 'search', id: 'household-search', name: 'q',
    placeholder: t('ví dụ: nguyen van', 'e.g. nguyen van') });
  const show = () => {
    const wanted = ctx.searchKey(search.value);
    const shown = list.filter(household => !wanted || ctx.searchKey(household.label).includes(wanted));
    count.textContent = t(`${shown.length} / ${list.length} hộ`, `${shown.length} of ${list.length} households`);
    results.replaceChildren(...shown.map(household => h('li', {},
      h('a', { class: 'household', href: `#/household/${household.id}` },
        h('span', { class: 'label' }, household.label || t('(chưa đặt tên)', '(no name)')),
        h('span', { class: 'facts' },
          ctx.ui.people(household.size), ' · ',
          household.lastVisitedAt ? t(`thăm ${ctx.formatDate(household.lastVisitedAt)}`, `visited ${ctx.formatDate(household.lastVisitedAt)}`) : t('chưa thăm', 'not visited'),
          ' · ', lacking(ctx, household)),
        household.pending || household.waitingVisits ? h('span', { class: 'badge' }, t('có mục chờ gửi', 'has unsent items')) : null))));
  };
  search.addEventListener('input', show);
  section.append(
    h('h1', {}, t('Hộ gia đình', 'Households')),
    name ? h('p', { class: 'muted' }, name) : null,
    h('div', { class: 'field' }, h('label', { for: 'household-search' }, t('Tìm hộ (gõ không dấu cũng được)', 'Find a household (diacritics optional)')), search),
    h('p', { class: 'actions' }, h('a', { class: 'button', href: '#/household-new', id: 'new-household' }, t('Thêm hộ mới', 'Register a household'))),
    count, results);
  show();
}

function lacking(ctx, household) {
  if (!household.stillLacks) return '';
  const missing = (household.stillLacks?.skills?.length || 0) + (household.stillLacks?.services?.length || 0);
  if (household.notApplicable) return ctx.t('không áp dụng', 'not applicable');
  return missing ? ctx.t(`còn thiếu ${missing}/9`, `${missing} of 9 to go`) : ctx.t('đã đủ', 'complete');
}

async function renderOne(section, ctx, [id]) {
  const { h, t } = ctx;
  const household = await work.household(ctx, id);
  if (!household) {
    section.append(h('h1', {}, t('Không tìm thấy hộ này', 'Household not found')),
      h('p', { class: 'banner warn' }, t('Hộ này không có trong thôn của bạn.', 'This household is not in your village.')),
      h('p', {}, h('a', { href: '#/households', class: 'button' }, t('Về danh sách hộ', 'Back to households'))));
    return;
  }
  const lacks = [...(household.stillLacks?.skills || []), ...(household.stillLacks?.services || [])];
  const reason = notApplicableReasons.find(([key]) => key === household.notApplicable);
  section.append(
    h('h1', {}, household.label || t('(chưa đặt tên)', '(no name)')),
    household.pending ? h('p', { class: 'banner info' }, t('Có thay đổi của bạn đang chờ gửi.', 'Changes of yours wait to be sent.')) : null,
    h('dl', { class: 'facts' },
      h('dt', {}, t('Số người', 'People')), h('dd', {}, String(household.size)),
      (household.residents || []).length ? [h('dt', {}, t('Theo độ tuổi', 'By age')), h('dd', {}, household.residents.map(band =>
        `${t((ageBands.find(([key]) => key === band.ageBand) || [band.ageBand, [band.ageBand, band.ageBand]])[1])}: ${band.count}`).join('; '))] : null,
      reason ? [h('dt', {}, t('Không áp dụng', 'Not applicable')), h('dd', {}, t(reason[1]))] : null,
      h('dt', {}, t('Lần thăm gần nhất', 'Last visit')), h('dd', {}, household.lastVisitedAt ? ctx.formatDate(household.lastVisitedAt, true) : t('Chưa thăm', 'Not visited yet')),
      h('dt', {}, t('Số lần thăm', 'Visits')), h('dd', {}, String(household.visits || 0) + (household.waitingVisits ? t(` (+${household.waitingVisits} chờ gửi)`, ` (+${household.waitingVisits} unsent)`) : ''))),
    household.stillLacks ? h('h2', {}, t('Còn thiếu', 'Still lacks')) : null,
    !household.stillLacks ? null : lacks.length ? h('ul', { class: 'chips', id: 'still-lacks' }, lacks.map(key => h('li', {}, t(nameOf(key)))))
      : h('p', {}, t('Đã thành thạo mọi kỹ năng và dịch vụ.', 'Every skill and service is mastered.')),
    h('div', { class: 'actions' },
      h('a', { class: 'button primary', href: `#/visit/${household.id}`, id: 'record-visit' }, t('Ghi lần thăm', 'Record a visit')),
      household.pending && !household.changedAt ? null : h('a', { class: 'button', href: `#/household-edit/${household.id}`, id: 'edit-household' }, t('Sửa thông tin hộ', 'Edit household')),
      h('a', { class: 'button secondary', href: '#/households' }, t('Danh sách hộ', 'All households'))));
}

export const screens = {
  households: { title: ['Hộ gia đình', 'Households'], menu: true, roles: ['member', 'teamLeader', 'communeOfficer'], render: renderList, prefetch: work.prefetch },
  household: { render: renderOne },
};
