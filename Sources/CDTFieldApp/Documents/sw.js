// The service worker: keeps the app's files on the phone so the app opens without a network. It caches
// nothing of the API (the app keeps its data in IndexedDB, and its requests pass straight through).
// Each build of the server has its own cache; a new build replaces the old one when the phone is next online.
const BUILD = '__BUILD__';
const CACHE = `cdt-field-${BUILD}`;
const FILES = ['./', ...__FILES__];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then(cache => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then(names => Promise.all(names.filter(name => name.startsWith('cdt-field-') && name !== CACHE).map(name => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith('/app/')) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const kept = request.mode === 'navigate' ? await cache.match('./') : await cache.match(request, { ignoreSearch: true });
    if (kept) return kept;
    try {
      return await fetch(request);
    } catch (error) {
      return (await cache.match('./')) || Response.error();
    }
  })());
});
