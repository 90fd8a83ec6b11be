// What the app keeps on the phone, in IndexedDB (it survives closing the browser and restarting the phone):
// - `kv`: the session and the signed-in account (`session`, `me`), settings;
// - `cache`: the last answer of each API read the app made (households, roster, …), for offline use;
// - `outbox`: every recorded event until the server has answered it (see queue.js).
const NAME = 'cdt-field', VERSION = 1;
let opening = null;

/** The database, opened once per page. */
export function database() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains('kv')) db.createObjectStore('kv');
        if (!db.objectStoreNames.contains('cache')) db.createObjectStore('cache');
        if (!db.objectStoreNames.contains('outbox')) {
          const outbox = db.createObjectStore('outbox', { keyPath: 'id' });
          outbox.createIndex('recordedAt', 'recordedAt');
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opening;
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function store(name, mode = 'readonly') {
  return (await database()).transaction(name, mode).objectStore(name);
}

/** The value kept under `key` in `name` (`kv` or `cache`), or undefined. */
export async function read(name, key) { return done((await store(name)).get(key)); }

/** Keeps `value` under `key` in `name`; with `key` undefined, the store's own key path is used (outbox). */
export async function write(name, value, key) {
  const objects = await store(name, 'readwrite');
  return done(key === undefined ? objects.put(value) : objects.put(value, key));
}

/** Forgets `key` in `name`. */
export async function remove(name, key) { return done((await store(name, 'readwrite')).delete(key)); }

/** Every value of `name`; the outbox in the order items were recorded. */
export async function all(name) {
  const objects = await store(name);
  return done(name === 'outbox' ? objects.index('recordedAt').getAll() : objects.getAll());
}

/** Empties `name`. */
export async function clear(name) { return done((await store(name, 'readwrite')).clear()); }
