/* Task Manager's service worker: serves the app shell and recently seen pages and reads when the
 * network is gone. Mutations are never intercepted; the page queues the ones that fail offline
 * (public/pwa.js).
 *
 * The server serves this file at /sw.js with one line prepended:
 *   self.TM_BUILD = {"version":"<build id>","precache":["/pkg/…", "/offline.html", …]};
 * A new build id changes the bytes of this script, which is what makes the browser install a new
 * worker. Without it (the file served as-is in development) a minimal build stands in. */
"use strict";

const BUILD = validBuild(self.TM_BUILD) || { version: "dev", precache: ["/offline.html"] };

const STATIC_PREFIX = "tm-static-";
const STATIC_CACHE = STATIC_PREFIX + BUILD.version;
const PAGES_CACHE = "tm-pages";
const API_CACHE = "tm-api";
const PAGES_MAX = 50;
const API_MAX = 200;
const OFFLINE_URL = "/offline.html";

/** Server functions that only read: answered from `tm-api` when the network is gone. */
const CACHED_READS = new Set([
  "my_workspaces", "workspace", "board", "task_page", "task_detail", "search_tasks",
  "workspace_stats", "members", "saved_filters", "today", "current_user", "my_notifications",
]);
/** Ending the session removes every trace of the user's data from this device. */
const SIGN_OUT_PATHS = new Set(["/api/fn/sign_out", "/api/v1/auth/logout"]);

const OFFLINE_MESSAGE = "You're offline and this hasn't been loaded before.";
/** The offline page is static text of our own: its inline style and script are all it runs. */
const OFFLINE_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const PRECACHE = precacheList(BUILD.precache);
const PRECACHED = new Set(PRECACHE.map((path) => new URL(path, self.location.origin).href));

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    await cache.addAll(PRECACHE.map(precacheRequest));
    // An update waits for the page's "Reload" (SKIP_WAITING) so an open tab never runs half old,
    // half new code. A first install has no tab to break.
    if (!self.registration.active) await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    await dropOldStaticCaches();
    if (self.registration.navigationPreload) {
      await self.registration.navigationPreload.enable().catch(() => {});
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "SKIP_WAITING") {
    self.skipWaiting();
  } else if (data.type === "GET_VERSION") {
    const reply = { type: "VERSION", version: BUILD.version };
    if (event.ports && event.ports[0]) event.ports[0].postMessage(reply);
    else if (event.source) event.source.postMessage(reply);
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;

  if (request.method === "GET") {
    if (request.mode === "navigate") {
      // Downloads and API links opened in a tab stay the browser's own business.
      if (!path.startsWith("/api/") && path !== "/metrics") event.respondWith(page(event));
      return;
    }
    if (PRECACHED.has(url.href) || (path.startsWith("/pkg/") && isHashedBundle(path))) {
      event.respondWith(staticAsset(event));
      return;
    }
    if (path.startsWith("/pkg/")) {
      // Unhashed bundles (a development build) change under the same name.
      event.respondWith(freshAsset(event));
      return;
    }
    if (isCachedRestRead(path) && !request.headers.has("range")) {
      event.respondWith(apiRead(event, request.url, "rest"));
    }
    return;
  }

  if (request.method === "POST") {
    if (SIGN_OUT_PATHS.has(path)) {
      event.respondWith(signOut(event));
      return;
    }
    const name = serverFnName(path);
    if (name && CACHED_READS.has(name) && request.mode !== "navigate") {
      event.respondWith(serverFnRead(event, name));
    }
  }
  // Everything else (mutations, websockets, /metrics) goes to the network untouched.
});

// ---- Strategies --------------------------------------------------------------------------------

/** Content-hashed bundles and precached files: cache first. After a deploy an old tab may still
 *  ask for the previous build's files, which the server no longer has; any cache that kept them
 *  answers. */
async function staticAsset(event) {
  const request = event.request;
  const current = await caches.open(STATIC_CACHE);
  const hit = await current.match(request, { ignoreVary: true });
  if (hit) return hit;
  try {
    const response = await fetch(request);
    // Lazily loaded bundle pieces the precache list didn't name are kept for offline too.
    if (response.status === 200 && new URL(request.url).pathname.startsWith("/pkg/")) {
      event.waitUntil(current.put(request, response.clone()).catch(() => {}));
    }
    if (response.ok) return response;
    return (await anyStaticMatch(request)) || response;
  } catch (error) {
    const old = await anyStaticMatch(request);
    if (old) return old;
    throw error;
  }
}

/** A bundle without a hash in its name: network first, the last copy when offline. */
async function freshAsset(event) {
  const request = event.request;
  try {
    const response = await fetch(request);
    if (response.status === 200) {
      const current = await caches.open(STATIC_CACHE);
      event.waitUntil(current.put(request, response.clone()).catch(() => {}));
    }
    return response;
  } catch (error) {
    const cached = await anyStaticMatch(request);
    if (cached) return cached;
    throw error;
  }
}

/** Navigations: network first, so a page is never staler than it must be. */
async function page(event) {
  const request = event.request;
  try {
    const response = (await event.preloadResponse) || (await fetch(request));
    // A redirected response can't answer a navigation later; a page that isn't HTML isn't a page.
    if (response.status === 200 && !response.redirected && isHtml(response)) {
      event.waitUntil(remember(PAGES_CACHE, request.url, response.clone(), PAGES_MAX));
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request.url, { cacheName: PAGES_CACHE, ignoreVary: true });
    if (cached) return cached;
    return offlinePage();
  }
}

/** A read server function: network first, the last answer for the same arguments when offline. */
async function serverFnRead(event, name) {
  const request = event.request;
  // Read the body before the request goes out: the arguments are the cache key.
  const bodyText = await request.clone().text();
  return apiRead(event, readKey(self.location.origin, name, bodyText), "fn", request);
}

/** Network first through `tm-api`, for server function reads and REST GETs alike. */
async function apiRead(event, key, flavour, request = event.request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.status !== 206) {
      event.waitUntil(remember(API_CACHE, key, response.clone(), API_MAX));
    }
    return response;
  } catch (error) {
    const cached = await caches.match(key, { cacheName: API_CACHE, ignoreVary: true });
    if (cached) return markedOffline(cached);
    return offlineError(flavour);
  }
}

/** Passes sign-out through, then forgets the user's pages and reads whatever the answer (the
 *  person is leaving this device). The queue of offline edits is dropped by the pages, and only
 *  once the server has really ended the session: a sign-out that never arrived must not lose
 *  changes that are still theirs. */
async function signOut(event) {
  let response;
  try {
    response = await fetch(event.request);
    return response;
  } finally {
    const ended = !!response && (response.ok || response.type === "opaqueredirect" ||
      (response.status >= 300 && response.status < 400));
    event.waitUntil(forgetUser(ended));
  }
}

async function forgetUser(ended) {
  await Promise.all([caches.delete(PAGES_CACHE), caches.delete(API_CACHE)]);
  if (!ended) return;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) client.postMessage({ type: "signed-out" });
}

// ---- Helpers -----------------------------------------------------------------------------------

function validBuild(build) {
  if (!build || typeof build.version !== "string" || !build.version) return null;
  if (!Array.isArray(build.precache)) return null;
  return build;
}

/** The build's list, same-origin paths only, without duplicates, always with the offline page. */
function precacheList(list) {
  const paths = list.filter((p) => typeof p === "string" && p.startsWith("/") && !p.startsWith("//"));
  if (!paths.includes(OFFLINE_URL)) paths.push(OFFLINE_URL);
  return [...new Set(paths)];
}

/** Bypass the HTTP cache (a stale copy would be cached for a whole build), except for
 *  content-hashed bundles: the page has usually just downloaded those and they can't be stale. */
function precacheRequest(path) {
  return new Request(path, { cache: isHashedBundle(path) ? "default" : "reload", credentials: "same-origin" });
}

/** `name.<hash>.ext` with cargo-leptos' 22-character base64url hash (app/src/assets.rs). */
function isHashedBundle(path) {
  const file = path.split("?")[0].split("/").pop() || "";
  const parts = file.split(".");
  if (parts.length < 3) return false;
  const hash = parts[parts.length - 2];
  return hash.length >= 16 && /^[A-Za-z0-9_-]+$/.test(hash);
}

/** The server function's name in `/api/fn/<name>`, or null. */
function serverFnName(path) {
  const match = /^\/api\/fn\/([A-Za-z0-9_]+)\/?$/.exec(path);
  return match ? match[1] : null;
}

/** A GET key for a POST read: its arguments are part of what it returns. */
function readKey(origin, name, bodyText) {
  return `${origin}/api/fn/${name}?__body=${encodeURIComponent(bodyText)}`;
}

/** REST reads worth keeping: all of /api/v1 but the websocket and health probes. */
function isCachedRestRead(path) {
  if (!path.startsWith("/api/v1/")) return false;
  return !(path === "/api/v1/ws" || path === "/api/v1/health" || path.startsWith("/api/v1/health/"));
}

function isHtml(response) {
  return (response.headers.get("content-type") || "").toLowerCase().startsWith("text/html");
}

/** Keeps the newest `max` entries: a hit is rewritten so it counts as new, and caches list their
 *  keys in insertion order, so the first keys are the least recently stored. */
async function remember(cacheName, key, response, max) {
  try {
    const cache = await caches.open(cacheName);
    await cache.delete(key, { ignoreVary: true });
    await cache.put(key, await storable(response));
    const keys = await cache.keys();
    for (const old of keys.slice(0, Math.max(0, keys.length - max))) await cache.delete(old);
  } catch (error) {
    // Out of quota or a response the cache refuses: the page still got its answer.
  }
}

/** A copy the Cache API accepts whatever the server's `Vary` said (`Vary: *` is refused). */
async function storable(response) {
  const headers = new Headers(response.headers);
  headers.delete("vary");
  return new Response(await response.blob(), {
    status: response.status, statusText: response.statusText, headers,
  });
}

/** A cached answer, flagged so the app can say the data may be old. */
function markedOffline(response) {
  const headers = new Headers(response.headers);
  headers.set("x-tm-offline", "1");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** 503 in the wire shape each caller decodes: a server function's error is the bare ApiError
 *  (`{code, message}`; server_fn reads the body of any 4xx/5xx as the error type), REST wraps
 *  it in `{"error": …}`. `unavailable` is the contract's code for 503. */
function offlineError(flavour) {
  const error = { code: "unavailable", message: OFFLINE_MESSAGE };
  const body = flavour === "fn" ? error : { error };
  return new Response(JSON.stringify(body), {
    status: 503,
    statusText: "Service Unavailable",
    headers: { "content-type": "application/json", "cache-control": "no-store", "x-tm-offline": "1" },
  });
}

async function offlinePage() {
  const cached = await anyStaticMatch(new Request(OFFLINE_URL));
  const headers = {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": OFFLINE_PAGE_CSP,
    "x-tm-offline": "1",
  };
  // 200, as installability checks expect of an offline start_url; the header tells it apart.
  const body = cached ? await cached.blob()
    : "<!DOCTYPE html><html lang=\"en\"><title>Offline</title><main><h1>You're offline</h1></main></html>";
  return new Response(body, { status: 200, headers });
}

/** The current build's cache first, then any older build's still on this device. */
async function anyStaticMatch(request) {
  const current = await caches.open(STATIC_CACHE);
  const hit = await current.match(request, { ignoreVary: true });
  if (hit) return hit;
  const names = (await caches.keys()).filter((n) => n.startsWith(STATIC_PREFIX) && n !== STATIC_CACHE);
  for (const name of names.reverse()) {
    const old = await (await caches.open(name)).match(request, { ignoreVary: true });
    if (old) return old;
  }
  return undefined;
}

/** Keeps the current build and the one before it: a tab still running the previous build (it
 *  didn't press "Reload" itself) can go on loading that build's lazy bundles. Cache names are
 *  listed in creation order, so the last other one is the previous build. */
async function dropOldStaticCaches() {
  const names = (await caches.keys()).filter((n) => n.startsWith(STATIC_PREFIX) && n !== STATIC_CACHE);
  const keep = names[names.length - 1];
  await Promise.all(names.filter((n) => n !== keep).map((n) => caches.delete(n)));
}
