// Qingdan's service worker: keeps the app shell (page, JS, wasm, styles,
// icons) in a cache so that the app starts and works without a network.
// `cargo xtask build-web` fills in VERSION (a digest of the shell files, so
// every build that changes them gets a cache of its own) and SHELL (the
// shell's URLs, relative to this file).

const VERSION = "__VERSION__";
const SHELL = [/*__SHELL__*/];

const PREFIX = "qingdan-shell-";
const CACHE = PREFIX + VERSION;
const SHELL_URLS = new Set(SHELL.map((path) => new URL(path, self.location).href));
const SCOPE_PATH = new URL("./", self.location).pathname;
// How long a page load waits for the network before the cached page is used.
const NAVIGATION_TIMEOUT_MS = 2000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // `no-cache`: the server confirms each file, so no stale HTTP cache entry is kept.
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: "no-cache" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  // The server's API is always live: never answered from a cache.
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith(SCOPE_PATH + "api/")) return;
  // The office console is another app, always from the network: never the field app's page.
  if (url.pathname.startsWith(SCOPE_PATH + "console/") || url.pathname === SCOPE_PATH + "console") return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else if (SHELL_URLS.has(url.href)) {
    event.respondWith(fromShell(request));
  }
});

/** Network first (a newer page when online), the cached page when offline or slow. */
async function navigate(request) {
  const network = fetch(request);
  network.catch(() => {}); // may fail after the cached page has been served
  try {
    const response = await Promise.race([
      network,
      new Promise((resolve) => setTimeout(resolve, NAVIGATION_TIMEOUT_MS)),
    ]);
    if (response) return response;
  } catch {
    // Offline: use the cached page.
  }
  const cached = await (await caches.open(CACHE)).match("./index.html");
  return cached ?? network;
}

/** Cache first: the shell's files change only with VERSION. */
async function fromShell(request) {
  const cached = await (await caches.open(CACHE)).match(request);
  return cached ?? fetch(request);
}
