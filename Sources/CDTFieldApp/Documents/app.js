// The field app: signs in, keeps the shell and the member's data on the phone, routes between screens,
// and sends the outbox whenever it can. Screens live in member.js, leader.js and officer.js.
import * as api from './api.js';
import * as queue from './queue.js';
import * as store from './store.js';
import * as ui from './ui.js';
import { h, t } from './ui.js';
import { screens as memberScreens } from './member.js';
import { screens as leaderScreens } from './leader.js';
import { screens as officerScreens } from './officer.js';
import { screens as outboxScreens } from './outbox.js';

const view = document.getElementById('view');
let me = null;

/** What every screen is given (see the screen contract in docs/field-app.md). */
const ctx = {
  t, h, ui, announce: ui.announce, searchKey: ui.searchKey, collator: ui.collator, formatDate: ui.formatDate,
  today: ui.today, uuid: ui.uuid, OfflineError: api.OfflineError, ApiError: api.ApiError,
  get: api.get, getAll: api.getAll, kept: api.kept, queue,
  get me() { return me; },
  record: (input) => queue.record(input),
  navigate: (hash) => { if (location.hash === hash) route(); else location.hash = hash; },
  refresh: () => refresh(),
  /** The unit the account works in for a role (`member`, `teamLeader`, `communeOfficer`), or null. */
  unitOf: (...roles) => ((me && me.roles) || []).find(role => roles.includes(role.role))?.unitId || null,
  hasRole: (...roles) => ((me && me.roles) || []).some(role => roles.includes(role.role)),
};

const screens = { home: { render: renderHome }, signin: { render: renderSignIn }, fix: { render: renderFix }, ...memberScreens, ...leaderScreens, ...officerScreens, ...outboxScreens };

async function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const session = api.currentSession();
  let name = parts[0] || 'home';
  if (!session || !session.token) name = 'signin';
  const screen = screens[name] || screens.home;
  view.replaceChildren();
  const section = h('section', { class: `screen screen-${name}` });
  // Screens append optional parts as `cond ? part : null`: the section leaves nulls out, as h() does.
  section.append = (...children) => Element.prototype.append.apply(section, children.flat(Infinity).filter(child => child !== null && child !== undefined && child !== false));
  view.append(section);
  try {
    await screen.render(section, ctx, parts.slice(1));
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401 && name !== 'signin') return route();
    console.error(error);
    section.replaceChildren(h('h1', { tabindex: '-1' }, t('Không mở được màn hình này', 'This screen could not open')),
      h('p', { class: 'banner warn' }, error instanceof api.OfflineError
        ? t('Chưa có dữ liệu trên máy cho màn hình này. Khi có mạng, mở lại.', 'Nothing is kept on the phone for this screen yet. Open it again when online.')
        : t(`Lỗi: ${error.message}`, `Error: ${error.message}`)),
      h('p', {}, h('a', { href: '#/', class: 'button' }, t('Về trang chính', 'Home'))));
  }
  const heading = section.querySelector('h1');
  if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus({ preventScroll: false }); }
  document.title = `${heading ? heading.textContent + ' · ' : ''}${t('Tổ công nghệ số', 'CDT team')}`;
}

/** Correcting a refused item: the screen that recorded it, filled with what it recorded. */
async function renderFix(section, context, [id]) {
  const item = await queue.item(id);
  if (!item || !item.screen || !['refused', 'conflict'].includes(item.state)) {
    section.append(h('h1', {}, t('Không có mục cần sửa', 'Nothing to correct')),
      h('p', {}, h('a', { href: '#/queue', class: 'button' }, t('Hộp thư đi', 'Outbox'))));
    return;
  }
  const [name, ...params] = item.screen.split('/');
  await screens[name].render(section, context, params, item);
}

/** The header: the network, how many items wait, the language switch. */
async function renderHeader() {
  const online = navigator.onLine;
  const net = document.getElementById('net');
  net.textContent = online ? t('Có mạng', 'Online') : t('Ngoại tuyến', 'Offline');
  net.className = `net ${online ? 'online' : 'offline'}`;
  const session = api.currentSession();
  const unsent = session ? await queue.unsent(session.accountId) : [];
  const waiting = unsent.filter(item => item.state === 'waiting').length, refused = unsent.length - waiting;
  document.getElementById('queue-count').textContent = String(unsent.length);
  document.getElementById('queue-word').textContent = refused ? t(`chờ gửi (${refused} cần sửa)`, `unsent (${refused} to fix)`) : t('chờ gửi', 'unsent');
  const link = document.getElementById('outbox-link');
  link.className = `outbox-link${refused ? ' attention' : unsent.length ? ' waiting' : ''}`;
  link.setAttribute('aria-label', t(`${unsent.length} mục chờ gửi, ${refused} cần sửa`, `${unsent.length} items unsent, ${refused} to fix`));
  // The switch names the other language in that language: a short label, its full name for screen readers.
  const other = ui.currentLanguage() === 'vi' ? { code: 'en', short: 'EN', name: 'English' } : { code: 'vi', short: 'VI', name: 'Tiếng Việt' };
  const switcher = document.getElementById('lang');
  switcher.textContent = other.short;
  switcher.setAttribute('lang', other.code);
  switcher.setAttribute('aria-label', other.name);
  document.getElementById('skip-link').textContent = t('Bỏ qua đến nội dung', 'Skip to content');
}

async function renderHome(section) {
  const session = api.currentSession();
  const unsent = await queue.unsent(session.accountId);
  const tiles = Object.entries(screens)
    .filter(([, screen]) => screen.menu && (!screen.roles || ctx.hasRole(...screen.roles)))
    .map(([name, screen]) => h('li', {}, h('a', { class: 'tile', href: `#/${name}` }, t(screen.title))));
  const roles = (me.roles || []).map(role => roleName(role.role));
  section.append(
    h('h1', {}, t(`Xin chào, ${me.displayName}`, `Hello, ${me.displayName}`)),
    h('p', { class: 'muted' }, roles.join(', ')),
    (me.members || []).length ? h('p', {}, t('Tổ của bạn: ', 'Your team: '), h('strong', {}, me.members.map(member => member.teamName).join(', '))) : null,
    unsent.length ? h('p', { class: 'banner info' }, h('a', { href: '#/queue' },
      t(`${unsent.length} mục đã ghi trên máy đang chờ gửi.`, `${unsent.length} items recorded on the phone wait to be sent.`))) : null,
    tiles.length ? h('ul', { class: 'tiles' }, tiles)
      : h('p', { class: 'banner warn' }, t('Tài khoản này không có vai trò thành viên, tổ trưởng hay cán bộ xã: ứng dụng không có việc cho nó.',
        'This account is no member, team leader or commune officer: the app has nothing for it.')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'refresh', on: { click: async () => { await refresh(true); route(); } } }, t('Tải lại dữ liệu', 'Refresh data')),
      h('button', { type: 'button', id: 'signout', class: 'secondary', on: { click: signOut } }, t('Đăng xuất', 'Sign out'))));
}

function roleName(role) {
  return t({
    member: ['Thành viên tổ', 'Team member'], teamLeader: ['Tổ trưởng', 'Team leader'], communeOfficer: ['Cán bộ xã', 'Commune officer'],
    provinceAdministrator: ['Quản trị tỉnh', 'Province administrator'], nationalAdministrator: ['Quản trị quốc gia', 'National administrator'],
  }[role] || [role, role]);
}

async function renderSignIn(section) {
  const session = api.currentSession();
  const ended = session && session.ended;
  const unsent = ended ? await queue.unsent(session.accountId) : [];
  const form = h('form', { id: 'signin-form', novalidate: true },
    ui.field({ id: 'login', label: ['Số điện thoại hoặc tên đăng nhập', 'Phone number or username'], required: true,
      value: (session && session.login) || '', attributes: { autocomplete: 'username', autocapitalize: 'none' } }),
    ui.field({ id: 'password', label: ['Mật khẩu', 'Password'], type: 'password', required: true, attributes: { autocomplete: 'current-password' } }),
    ui.field({ id: 'code', label: ['Mã xác thực hai bước (nếu có)', 'Two-factor code (if you use one)'], attributes: { inputmode: 'numeric' } }),
    h('p', { class: 'error', id: 'signin-error', role: 'alert', hidden: true }),
    h('button', { type: 'submit', id: 'signin-submit', class: 'primary' }, t('Đăng nhập', 'Sign in')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const login = form.login.value.trim(), password = form.password.value, code = form.code.value.trim();
    const messages = {};
    if (!login) messages.login = ['Nhập số điện thoại hoặc tên đăng nhập.', 'Enter your phone number or username.'];
    if (!password) messages.password = ['Nhập mật khẩu.', 'Enter your password.'];
    if (ui.showErrors(form, messages)) return;
    const failure = form.querySelector('#signin-error');
    failure.hidden = true;
    form.querySelector('#signin-submit').disabled = true;
    try {
      const before = (api.currentSession() || {}).accountId;
      me = await api.signIn(login, password, code || undefined);
      // Another person on this phone: what was kept for the one before is not theirs to see.
      if (before && before !== me.id) await store.clear('cache');
      ui.announce(t('Đã đăng nhập.', 'Signed in.'));
      await refresh(true);
      queue.drain();
      location.hash = '#/';
      await route();
    } catch (error) {
      failure.hidden = false;
      failure.textContent = error instanceof api.OfflineError
        ? t('Không có mạng: cần mạng để đăng nhập. Những gì đã ghi vẫn nằm trên máy.', 'No network: signing in needs it. What you recorded stays on the phone.')
        : error.problem && error.problem.twoFactorSetupRequired
          ? t('Tài khoản quản trị phải bật xác thực hai bước trước (qua API).', 'An administrator account must first turn on two-factor sign-in (through the API).')
          : error.status === 429
            ? t('Đăng nhập sai nhiều lần: chờ một lát rồi thử lại.', 'Too many failed attempts: wait a moment and try again.')
            : error.status >= 500
              ? t('Máy chủ đang gặp sự cố: thử lại sau ít phút.', 'The server has a problem: try again in a few minutes.')
              : t('Sai số điện thoại, tên đăng nhập, mật khẩu hoặc mã.', 'The login, password or code is wrong.');
      ui.announce(failure.textContent);
      form.querySelector('#signin-submit').disabled = false;
    }
  });
  section.append(
    h('h1', {}, t('Đăng nhập', 'Sign in')),
    ended ? h('p', { class: 'banner warn', role: 'alert' }, t('Phiên đăng nhập đã hết hạn. Đăng nhập lại để gửi tiếp.', 'Your session has ended. Sign in again to go on sending.'),
      unsent.length ? ' ' + t(`${unsent.length} mục vẫn nằm trên máy, không mất.`, `${unsent.length} items stay on the phone; nothing is lost.`) : '') : null,
    form);
}

/** Signs out: with items still unsent, asks first (they would be lost), then clears what the phone keeps. */
async function signOut() {
  const unsent = await queue.unsent();
  const section = view.querySelector('section');
  if (unsent.length && !section.querySelector('#signout-confirm')) {
    section.append(h('div', { class: 'banner warn', role: 'alert' },
      h('p', {}, t(`Còn ${unsent.length} mục chưa gửi. Đăng xuất sẽ xoá chúng khỏi máy.`, `${unsent.length} items are not sent yet. Signing out deletes them from the phone.`)),
      h('div', { class: 'actions' },
        h('a', { href: '#/queue', class: 'button' }, t('Xem và gửi trước', 'See and send them first')),
        h('button', { type: 'button', id: 'signout-confirm', class: 'danger', on: { click: () => signOutNow() } }, t('Vẫn đăng xuất và xoá', 'Sign out and delete them')))));
    section.querySelector('#signout-confirm').focus();
    return;
  }
  await signOutNow();
}

async function signOutNow() {
  const account = (api.currentSession() || {}).accountId;
  await api.signOut();
  await store.clear('cache');
  await store.clear('kv');
  // This account's outbox goes; another account's unsent items stay for it (nothing of theirs is lost).
  for (const item of await queue.items()) if (item.accountId === account || ['sent', 'duplicate'].includes(item.state)) await store.remove('outbox', item.id);
  me = null;
  const others = (await queue.items()).length;
  ui.announce(others
    ? t(`Đã đăng xuất; dữ liệu của bạn trên máy đã được xoá. Còn ${others} mục chưa gửi của tài khoản khác.`, `Signed out; your data on the phone is deleted. ${others} unsent items of another account remain.`)
    : t('Đã đăng xuất; dữ liệu trên máy đã được xoá.', 'Signed out; what the phone kept is deleted.'));
  location.hash = '#/';
  await route();
  renderHeader();
}

/** Fetches what the account needs offline (its account, its units, teams, households and roster). */
async function refresh(loud = false) {
  try {
    me = await api.get('auth/me');
    await store.write('kv', me, 'me');
    for (const screen of Object.values(screens)) if (screen.prefetch && (!screen.roles || ctx.hasRole(...screen.roles))) await screen.prefetch(ctx);
    if (loud) ui.announce(t('Dữ liệu trên máy đã được cập nhật.', 'The data on the phone is up to date.'));
  } catch (error) {
    if (error instanceof api.OfflineError) { if (loud) ui.announce(t('Không có mạng: dùng dữ liệu đã lưu trên máy.', 'No network: using what the phone keeps.')); return; }
    if (error instanceof api.ApiError && error.status === 401) { await route(); return; }
    throw error;
  }
}

async function start() {
  document.documentElement.lang = ui.currentLanguage();
  await api.loadSession();
  me = (await store.read('kv', 'me')) || null;
  document.getElementById('lang').addEventListener('click', () => {
    ui.setLanguage(ui.currentLanguage() === 'vi' ? 'en' : 'vi');
    renderHeader();
    route();
  });
  document.getElementById('skip-link').addEventListener('click', (event) => { event.preventDefault(); view.focus(); });
  window.addEventListener('hashchange', route);
  window.addEventListener('online', () => { renderHeader(); queue.drain(); });
  window.addEventListener('offline', renderHeader);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') queue.drain(); });
  queue.onChange(() => {
    renderHeader();
    // The server ended the session (expired, signed out elsewhere): ask to sign in again; the outbox stays.
    const session = api.currentSession();
    if (session && !session.token && !view.querySelector('#signin-form')) route();
  });
  setInterval(() => { if (navigator.onLine) queue.drain(); }, 20000);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js', { scope: './' }).catch(error => console.error('service worker', error));
  }
  await renderHeader();
  await route();
  const session = api.currentSession();
  if (session && session.token) { refresh().then(renderHeader); queue.drain(); }
}

start();
