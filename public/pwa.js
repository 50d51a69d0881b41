/* Task Manager in the browser, beside the Leptos app: registers the service worker and offers
 * its updates, keeps edits made offline in IndexedDB and replays them, and shows both in a small
 * UI of its own (#tm-pwa, appended to the end of <body>, never inside the hydrated #app).
 *
 * The wasm app talks to it through `window.tmOffline` (see the API below), and listens for
 * `tm-sync` (state changes) and `tm-replayed` (queued edits reached the server: refetch). */

// ---- Words -------------------------------------------------------------------------------------

/** What this script shows, per language; the page's `<html lang>` (set by the server) picks one. */
const STRINGS = {
  en: {
    /** Dates in the conflicts list: `undefined` is the browser's own locale. */
    locale: undefined,
    aChange: "A change",
    storageFailed: "Storage failed.",
    storageAborted: "Storage transaction aborted.",
    noStorage: "This browser doesn't offer storage for offline changes.",
    storageUnopened: "Storage for offline changes couldn't be opened.",
    cantKeep: (reason) => `This change can't be saved on this device: ${reason}`,
    reload: "Reload",
    later: "Later",
    updating: "Updating Task Manager…",
    updateAvailable: "A new version of Task Manager is available.",
    review: (n) => (n === 1 ? "Review 1 conflict" : `Review ${n} conflicts`),
    offlineNoStorage: "Offline — changes can't be saved offline in this browser",
    noStorageHere: "Changes can't be saved offline in this browser",
    syncing: (n) => (n === 1 ? "Syncing 1 change…" : `Syncing ${n} changes…`),
    offlineSaved: (n) => (n === 1 ? "Offline — 1 change saved on this device" : `Offline — ${n} changes saved on this device`),
    offline: "Offline",
    synced: "All changes synced",
    waiting: (n) => (n === 1 ? "1 change waiting to sync" : `${n} changes waiting to sync`),
    conflictsTitle: "Changes that couldn't be synced",
    close: "Close",
    conflictsIntro: "You made these changes while offline, but the server didn't accept them.",
    applyMine: "Apply mine anyway",
    discard: "Discard my change",
    notAccepted: (message) => `Not accepted: ${message}`,
    madeOffline: (when) => `Made offline, ${when}`,
    failed: "That didn't work. Try again.",
    offlineTryLater: "You're offline. Try again when you're back online.",
    noVersion: "The server's answer didn't include the task's version.",
  },
  de: {
    locale: "de",
    aChange: "Eine Änderung",
    storageFailed: "Speichern fehlgeschlagen.",
    storageAborted: "Speichervorgang abgebrochen.",
    noStorage: "Dieser Browser bietet keinen Speicher für Offline-Änderungen.",
    storageUnopened: "Der Speicher für Offline-Änderungen konnte nicht geöffnet werden.",
    cantKeep: (reason) => `Diese Änderung kann auf diesem Gerät nicht gespeichert werden: ${reason}`,
    reload: "Neu laden",
    later: "Später",
    updating: "Task Manager wird aktualisiert…",
    updateAvailable: "Eine neue Version von Task Manager ist verfügbar.",
    review: (n) => (n === 1 ? "1 Konflikt prüfen" : `${n} Konflikte prüfen`),
    offlineNoStorage: "Offline – Änderungen können in diesem Browser nicht offline gespeichert werden",
    noStorageHere: "Änderungen können in diesem Browser nicht offline gespeichert werden",
    syncing: (n) => (n === 1 ? "1 Änderung wird synchronisiert…" : `${n} Änderungen werden synchronisiert…`),
    offlineSaved: (n) => (n === 1 ? "Offline – 1 Änderung auf diesem Gerät gespeichert" : `Offline – ${n} Änderungen auf diesem Gerät gespeichert`),
    offline: "Offline",
    synced: "Alle Änderungen synchronisiert",
    waiting: (n) => (n === 1 ? "1 Änderung wartet auf Synchronisierung" : `${n} Änderungen warten auf Synchronisierung`),
    conflictsTitle: "Änderungen, die nicht synchronisiert werden konnten",
    close: "Schließen",
    conflictsIntro: "Du hast diese Änderungen offline vorgenommen, aber der Server hat sie nicht angenommen.",
    applyMine: "Meine Version trotzdem übernehmen",
    discard: "Meine Änderung verwerfen",
    notAccepted: (message) => `Nicht angenommen: ${message}`,
    madeOffline: (when) => `Offline vorgenommen: ${when}`,
    failed: "Das hat nicht geklappt. Versuch es noch einmal.",
    offlineTryLater: "Du bist offline. Versuch es noch einmal, wenn du wieder online bist.",
    noVersion: "Die Antwort des Servers enthielt die Version der Aufgabe nicht.",
  },
};

const T = STRINGS[(
  (typeof document !== "undefined" && document.documentElement && document.documentElement.lang) || "en"
).slice(0, 2).toLowerCase()] || STRINGS.en;

const DB_NAME = "tm-offline";
const DB_VERSION = 1;
const QUEUE = "queue";
const CONFLICTS = "conflicts";

const REPLAY_EVERY_MS = 15_000;
const BACKOFF_MIN_MS = 2_000;
const BACKOFF_MAX_MS = 60_000;
const SYNCED_FOR_MS = 3_000;
const UPDATE_EVERY_MS = 30 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
const REPLAY_LOCK = "tm-offline-replay";
const CHANNEL = "tm-offline";
const KINDS = new Set(["create", "edit", "move"]);

// ---- Pure helpers (no DOM, no storage) -------------------------------------------------------

/** A person-readable message from an error response's body, whatever shape it took: a server
 *  function's `{code, message}`, REST's `{"error": {code, message}}`, a JSON string, plain text. */
function errorMessage(status, text) {
  const raw = typeof text === "string" ? text.trim() : "";
  if (raw) {
    let json;
    try {
      json = JSON.parse(raw);
    } catch (_) {
      // Plain text is shown only when short and not a whole HTML error page.
      if (raw.length <= 300 && !raw.startsWith("<")) return raw;
    }
    if (typeof json === "string" && json.trim()) return json.trim();
    if (json && typeof json === "object") {
      if (typeof json.message === "string" && json.message.trim()) return json.message.trim();
      const error = json.error;
      if (error && typeof error.message === "string" && error.message.trim()) return error.message.trim();
      if (typeof error === "string" && error.trim()) return error.trim();
    }
  }
  return `HTTP ${status}`;
}

/** Milliseconds to wait before retrying after a 5xx or 429: our own backoff, or longer if the
 *  server's `Retry-After` asks for it, never more than the cap. */
function retryDelay(backoffMs, retryAfterHeader, nowMs = Date.now()) {
  let asked = 0;
  if (retryAfterHeader) {
    const seconds = Number(retryAfterHeader);
    if (Number.isFinite(seconds)) asked = seconds * 1000;
    else {
      const at = Date.parse(retryAfterHeader);
      if (Number.isFinite(at)) asked = at - nowMs;
    }
  }
  return Math.min(BACKOFF_MAX_MS, Math.max(backoffMs, asked));
}

/** Checks and completes an item handed to `enqueue`; throws a TypeError naming what is wrong. */
function normaliseItem(item, nowMs = Date.now()) {
  if (!item || typeof item !== "object") throw new TypeError("tmOffline.enqueue: item must be an object.");
  const { endpoint, body } = item;
  // Only our own API: a queued request is replayed with the user's cookies.
  if (typeof endpoint !== "string" || !endpoint.startsWith("/api/") || endpoint.startsWith("//")) {
    throw new TypeError("tmOffline.enqueue: endpoint must be a path under /api/.");
  }
  if (typeof body !== "string") throw new TypeError("tmOffline.enqueue: body must be a string.");
  const contentType = typeof item.contentType === "string" && item.contentType
    ? item.contentType : "application/x-www-form-urlencoded";
  return {
    endpoint,
    body,
    contentType,
    label: typeof item.label === "string" && item.label ? item.label : T.aChange,
    taskId: typeof item.taskId === "string" ? item.taskId : "",
    kind: KINDS.has(item.kind) ? item.kind : "edit",
    queuedAt: nowMs,
  };
}

/** A `save_task` that lost a version race can be re-sent at the current version. */
function canApplyMine(record) {
  return record.status === 409 && pathOf(record.endpoint) === "/api/fn/save_task" && !!savePatch(record.body);
}

/** The parsed `{task_id, patch: {version, …}}` of a save_task body, or null. */
function savePatch(body) {
  try {
    const json = JSON.parse(body);
    if (json && typeof json === "object" && json.patch && typeof json.patch === "object") return json;
  } catch (_) {
    // Not JSON: not a save_task body we can rewrite.
  }
  return null;
}

/** The same save at another version. */
function withVersion(body, version) {
  const json = savePatch(body);
  if (!json) throw new TypeError("Not a save_task body.");
  json.patch = { ...json.patch, version };
  return JSON.stringify(json);
}

function pathOf(endpoint) {
  return String(endpoint).split("?")[0];
}

function asError(error, fallback = T.storageFailed) {
  if (error instanceof Error) return error;
  if (error && typeof error.message === "string") return new Error(error.message);
  return new Error(fallback);
}

// ---- The browser side --------------------------------------------------------------------------

if (typeof window !== "undefined" && typeof document !== "undefined" && !window.tmOffline) {
  start();
}

function start() {
  const status = {
    pending: 0,
    conflicts: 0,
    syncing: false,
    syncingCount: 0,
    syncedUntil: 0,
    // A request failed although `navigator.onLine` said otherwise (captive portal, server gone).
    networkDown: false,
    storage: "unknown", // "ok" | "unavailable"
    storageWarning: false,
  };
  let backoff = BACKOFF_MIN_MS;
  let retryAt = 0;
  let retryTimer = 0;
  let syncedTimer = 0;
  let warningTimer = 0;
  let replayRun = null;
  let lastEmitted = "";
  let domReady = false;
  const ui = {};

  // ---- IndexedDB ----

  let dbPromise = null;

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        let request;
        try {
          if (typeof indexedDB === "undefined" || !indexedDB) {
            throw new Error(T.noStorage);
          }
          request = indexedDB.open(DB_NAME, DB_VERSION);
        } catch (error) {
          reject(asError(error));
          return;
        }
        request.onupgradeneeded = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains(QUEUE)) db.createObjectStore(QUEUE, { autoIncrement: true });
          if (!db.objectStoreNames.contains(CONFLICTS)) db.createObjectStore(CONFLICTS, { autoIncrement: true });
        };
        request.onsuccess = () => {
          const db = request.result;
          // A newer tab upgrading the schema: let it, and reopen on next use.
          db.onversionchange = () => {
            db.close();
            dbPromise = null;
          };
          db.onclose = () => {
            dbPromise = null;
          };
          resolve(db);
        };
        request.onerror = (event) => {
          if (event && event.preventDefault) event.preventDefault();
          reject(asError(request.error, T.storageUnopened));
        };
      });
      dbPromise.then(
        () => setStorage("ok"),
        () => setStorage("unavailable"),
      );
    }
    return dbPromise;
  }

  /** Runs `work(stores, box)` in one transaction and resolves with `box.value` once committed,
   *  so a change spanning both stores (a move into conflicts) is all or nothing. */
  async function inTransaction(names, mode, work) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const box = {};
      let tx;
      try {
        tx = db.transaction(names, mode);
        const stores = {};
        for (const name of names) stores[name] = tx.objectStore(name);
        work(stores, box);
      } catch (error) {
        if (tx) {
          try {
            tx.abort();
          } catch (_) {
            // Already finished.
          }
        }
        reject(asError(error));
        return;
      }
      tx.oncomplete = () => resolve(box.value);
      tx.onabort = () => reject(asError(tx.error, T.storageAborted));
      tx.onerror = (event) => {
        if (event && event.preventDefault) event.preventDefault();
      };
    });
  }

  const db = {
    add: (item) => inTransaction([QUEUE], "readwrite", (s, box) => {
      s[QUEUE].add(item).onsuccess = (e) => { box.value = e.target.result; };
    }),
    counts: () => inTransaction([QUEUE, CONFLICTS], "readonly", (s, box) => {
      box.value = { pending: 0, conflicts: 0 };
      s[QUEUE].count().onsuccess = (e) => { box.value.pending = e.target.result; };
      s[CONFLICTS].count().onsuccess = (e) => { box.value.conflicts = e.target.result; };
    }),
    /** The oldest queued item (lowest key) as `{key, value}`, or null. */
    first: () => inTransaction([QUEUE], "readonly", (s, box) => {
      box.value = null;
      s[QUEUE].openCursor().onsuccess = (e) => {
        const cursor = e.target.result;
        if (cursor) box.value = { key: cursor.key, value: cursor.value };
      };
    }),
    remove: (key) => inTransaction([QUEUE], "readwrite", (s) => { s[QUEUE].delete(key); }),
    toConflicts: (key, record) => inTransaction([QUEUE, CONFLICTS], "readwrite", (s) => {
      s[QUEUE].delete(key);
      s[CONFLICTS].add(record);
    }),
    conflicts: () => inTransaction([CONFLICTS], "readonly", (s, box) => {
      box.value = [];
      s[CONFLICTS].openCursor().onsuccess = (e) => {
        const cursor = e.target.result;
        if (!cursor) return;
        box.value.push({ key: cursor.key, value: cursor.value });
        cursor.continue();
      };
    }),
    dropConflict: (key) => inTransaction([CONFLICTS], "readwrite", (s) => { s[CONFLICTS].delete(key); }),
    /** Back to the end of the queue, as one step with leaving the conflicts. */
    requeue: (key, item) => inTransaction([QUEUE, CONFLICTS], "readwrite", (s) => {
      s[CONFLICTS].delete(key);
      s[QUEUE].add(item);
    }),
    clear: () => inTransaction([QUEUE, CONFLICTS], "readwrite", (s) => {
      s[QUEUE].clear();
      s[CONFLICTS].clear();
    }),
  };

  // ---- State ----

  function isOnline() {
    return navigator.onLine !== false && !status.networkDown;
  }

  function currentState() {
    if (status.syncing) return "syncing";
    if (!isOnline()) return "offline";
    if (status.conflicts > 0) return "conflict";
    if (status.syncedUntil > Date.now()) return "synced";
    return "online";
  }

  /** Publishes the state: the `html` data attribute, `tm-sync` when anything in it moved, the pill. */
  function changed() {
    const state = currentState();
    document.documentElement.dataset.network = isOnline() ? "online" : "offline";
    const key = `${state}|${status.pending}|${status.conflicts}`;
    if (key !== lastEmitted) {
      lastEmitted = key;
      window.dispatchEvent(new CustomEvent("tm-sync", {
        detail: { state, pending: status.pending, conflicts: status.conflicts },
      }));
    }
    renderPill(state);
  }

  function setStorage(value) {
    if (status.storage === value) return;
    status.storage = value;
    changed();
  }

  async function refreshCounts() {
    try {
      const counts = await db.counts();
      status.pending = counts.pending;
      status.conflicts = counts.conflicts;
      // Only a replay can tell the network is down; with nothing to replay, trust the browser.
      if (counts.pending === 0 && !status.syncing) status.networkDown = false;
    } catch (_) {
      // No storage: nothing can be queued, so nothing is pending.
      status.pending = 0;
      status.conflicts = 0;
    }
    changed();
  }

  // Other tabs share the queue: tell them when it changed, and when edits reached the server.
  const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null;
  function tellOtherTabs(type) {
    if (channel) channel.postMessage({ type });
  }
  if (channel) {
    channel.onmessage = (event) => {
      const type = event.data && event.data.type;
      if (type === "replayed") window.dispatchEvent(new CustomEvent("tm-replayed"));
      refreshCounts().then(() => {
        if (ui.dialog && ui.dialog.open) renderConflicts();
      });
    };
  }

  // ---- Public API ----

  async function enqueue(item) {
    const record = normaliseItem(item);
    try {
      await db.add(record);
    } catch (error) {
      // Say it where the person looks, then let the app report the failed save too.
      status.storageWarning = true;
      clearTimeout(warningTimer);
      warningTimer = setTimeout(() => {
        status.storageWarning = false;
        changed();
      }, 10_000);
      changed();
      throw new Error(T.cantKeep(asError(error).message));
    }
    await refreshCounts();
    tellOtherTabs("changed");
    replaySoon();
  }

  async function pending() {
    await refreshCounts();
    return status.pending;
  }

  async function flush() {
    // Asked for explicitly: skip any backoff wait.
    retryAt = 0;
    await replay();
  }

  Object.defineProperty(window, "tmOffline", {
    configurable: true,
    enumerable: false,
    writable: false,
    // Plain closures, not methods: the app may call them without a `this`.
    value: Object.freeze({
      enqueue,
      pending,
      flush,
      get state() {
        return currentState();
      },
      get online() {
        return isOnline();
      },
    }),
  });

  // ---- Replay ----

  /** Automatic triggers: only when the browser thinks it's online and no backoff is running. */
  function replaySoon() {
    if (navigator.onLine === false || Date.now() < retryAt) return;
    replay();
  }

  /** One replay at a time in this tab, and in all tabs together where Web Locks exist (two tabs
   *  replaying the same queue would send each change twice). */
  function replay() {
    if (!replayRun) {
      const run = () => replayQueue().catch(() => {
        // Storage failed midway: what's left stays queued for the next trigger.
      });
      const locked = navigator.locks && typeof navigator.locks.request === "function"
        ? navigator.locks.request(REPLAY_LOCK, { ifAvailable: true }, (lock) => (lock ? run() : undefined))
        : run();
      replayRun = Promise.resolve(locked).catch(() => {}).finally(() => {
        replayRun = null;
      });
    }
    return replayRun;
  }

  async function replayQueue() {
    let next = await db.first();
    if (!next) {
      await refreshCounts();
      return;
    }
    await refreshCounts();
    // While the last attempt found no network, retries stay quiet until one gets an answer: no
    // "Syncing…" flashing (and announced) every 15 seconds.
    const beginSyncing = () => {
      status.syncing = true;
      status.syncingCount = status.pending;
      changed();
    };
    if (!status.networkDown) beginSyncing();
    let succeeded = 0;
    let renewed = false;
    try {
      while (next) {
        const sent = await send(next.value);
        if (!sent.response) {
          // No answer at all: offline after all. Everything stays queued, in order.
          status.networkDown = true;
          break;
        }
        status.networkDown = false;
        if (!status.syncing) beginSyncing();
        const response = sent.response;
        if (response.status === 401 && !renewed) {
          renewed = true;
          // The session lapsed while offline: renewed, the same item goes again.
          if (await renewSession()) continue;
        }
        if (response.ok) {
          await db.remove(next.key);
          succeeded += 1;
          backoff = BACKOFF_MIN_MS;
          retryAt = 0;
        } else if (response.status === 429 || response.status >= 500) {
          scheduleRetry(response);
          break;
        } else {
          // 409 is a conflict the person can resolve; any other 4xx the server will never take.
          const message = errorMessage(response.status, await response.text().catch(() => ""));
          await db.toConflicts(next.key, {
            ...next.value,
            status: response.status,
            reason: response.status === 409 ? "conflict" : "rejected",
            message,
            failedAt: Date.now(),
          });
        }
        await refreshCounts();
        next = await db.first();
      }
    } finally {
      status.syncing = false;
      await refreshCounts();
      if (succeeded > 0) {
        if (status.pending === 0 && isOnline()) showSynced();
        window.dispatchEvent(new CustomEvent("tm-replayed"));
        tellOtherTabs("replayed");
      } else {
        tellOtherTabs("changed");
      }
      if (ui.dialog && ui.dialog.open) renderConflicts();
    }
  }

  async function send(item) {
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS) : 0;
    try {
      const response = await fetch(item.endpoint, {
        method: "POST",
        body: item.body,
        credentials: "same-origin",
        headers: { "content-type": item.contentType, accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      });
      return { response };
    } catch (error) {
      return { error };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Access tokens live fifteen minutes; after a longer time offline the session cookie must be
   *  renewed (as app/src/auth.rs does every ten minutes) before the queue can go through. */
  async function renewSession() {
    try {
      const response = await fetch("/api/v1/auth/renew", { method: "POST", credentials: "same-origin" });
      return response.ok;
    } catch (_) {
      return false;
    }
  }

  function scheduleRetry(response) {
    const delay = retryDelay(backoff, response.headers.get("retry-after"));
    backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
    retryAt = Date.now() + delay;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(replaySoon, delay);
  }

  function showSynced() {
    status.syncedUntil = Date.now() + SYNCED_FOR_MS;
    clearTimeout(syncedTimer);
    syncedTimer = setTimeout(changed, SYNCED_FOR_MS + 50);
    // Shown now, not when the timer hides it again.
    changed();
  }

  window.addEventListener("online", () => {
    status.networkDown = false;
    retryAt = 0;
    backoff = BACKOFF_MIN_MS;
    changed();
    replaySoon();
  });
  window.addEventListener("offline", changed);
  setInterval(() => {
    if (status.pending > 0) replaySoon();
  }, REPLAY_EVERY_MS);

  // ---- Service worker ----

  let registration = null;
  let reloadAsked = false;
  let reloading = false;
  let lastUpdateCheck = 0;

  function reloadOnce() {
    if (reloading) return;
    reloading = true;
    location.reload();
  }

  function startServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    const container = navigator.serviceWorker;
    let controlled = !!container.controller;

    container.addEventListener("controllerchange", () => {
      if (reloadAsked) {
        reloadOnce();
      } else if (controlled) {
        // Another tab took the update; this one still runs the old build. Offer, never force.
        showUpdate();
      }
      controlled = true;
    });

    container.addEventListener("message", (event) => {
      if (event.data && event.data.type === "signed-out") forgetUser();
    });
    if (typeof container.startMessages === "function") container.startMessages();

    container.register("/sw.js", { scope: "/" }).then((reg) => {
      registration = reg;
      if (reg.waiting && reg.active) showUpdate();
      if (reg.installing) watchInstalling(reg.installing);
      reg.addEventListener("updatefound", () => {
        if (reg.installing) watchInstalling(reg.installing);
      });
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible" && Date.now() - lastUpdateCheck > 60_000) checkForUpdate();
      });
      setInterval(checkForUpdate, UPDATE_EVERY_MS);
    }, (error) => {
      // Not fatal: the app works online without a worker (e.g. on plain http other than localhost).
      console.warn("Task Manager: service worker not registered:", error && error.message);
    });
  }

  function watchInstalling(worker) {
    worker.addEventListener("statechange", () => {
      // `installed` with a controller present is an update waiting; without one, a first install.
      if (worker.state === "installed" && navigator.serviceWorker.controller) showUpdate();
    });
  }

  function checkForUpdate() {
    if (!registration || navigator.onLine === false) return;
    lastUpdateCheck = Date.now();
    registration.update().catch(() => {
      // Offline or the server is away: try again on the next trigger.
    });
  }

  function acceptUpdate() {
    const waiting = registration && registration.waiting;
    if (!waiting) {
      // Already active (another tab accepted it): a reload loads the new build.
      reloadOnce();
      return;
    }
    reloadAsked = true;
    waiting.postMessage({ type: "SKIP_WAITING" });
    // The person asked for a reload: if the switch never comes, reload anyway.
    setTimeout(reloadOnce, 5_000);
  }

  async function forgetUser() {
    try {
      await db.clear();
    } catch (_) {
      // No storage, nothing kept.
    }
    if (ui.dialog && ui.dialog.open) ui.dialog.close();
    await refreshCounts();
    tellOtherTabs("changed");
  }

  // ---- UI ----

  function el(tag, attributes = {}, children = []) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else if (value === true) node.setAttribute(name, "");
      else if (value !== false && value != null) node.setAttribute(name, String(value));
    }
    for (const child of children) node.append(child);
    return node;
  }

  function buildUi() {
    ui.root = el("div", { id: "tm-pwa" });

    // Live regions exist from the start and stay in place: text put into a region that was
    // just inserted is often not announced.
    ui.pillText = el("span", { class: "tm-pill__text" });
    ui.review = el("button", { type: "button", class: "tm-pill__button", hidden: true });
    ui.review.addEventListener("click", openConflicts);
    ui.pill = el("div", { class: "tm-pill", role: "status", "aria-live": "polite", "data-idle": "true" }, [
      el("span", { class: "tm-pill__dot", "aria-hidden": "true" }),
      ui.pillText,
      ui.review,
    ]);

    ui.toastText = el("span", { class: "tm-toast__text" });
    ui.reload = el("button", { type: "button", class: "tm-button tm-button--primary", text: T.reload });
    ui.later = el("button", { type: "button", class: "tm-button tm-button--ghost", text: T.later });
    ui.reload.addEventListener("click", () => {
      ui.reload.disabled = true;
      ui.toastText.textContent = T.updating;
      acceptUpdate();
    });
    ui.later.addEventListener("click", hideUpdate);
    ui.toastActions = el("span", { class: "tm-toast__actions", hidden: true }, [ui.reload, ui.later]);
    ui.toast = el("div", { class: "tm-toast", role: "status", "aria-live": "polite", "data-idle": "true" }, [
      ui.toastText,
      ui.toastActions,
    ]);

    ui.root.append(ui.toast, ui.pill);
    document.body.append(ui.root);
  }

  function renderPill(state) {
    if (!domReady) return;
    const text = pillText(state);
    const conflicts = status.conflicts;
    if (ui.pillText.textContent !== text) ui.pillText.textContent = text;
    ui.review.hidden = conflicts === 0;
    const label = T.review(conflicts);
    if (conflicts > 0 && ui.review.textContent !== label) ui.review.textContent = label;
    ui.pill.dataset.state = status.storage === "unavailable" && text && state !== "synced" ? "error" : state;
    ui.pill.dataset.idle = text || conflicts > 0 ? "false" : "true";
  }

  function pillText(state) {
    const n = status.pending;
    if (status.storage === "unavailable" && (state === "offline" || status.storageWarning)) {
      return state === "offline" ? T.offlineNoStorage : T.noStorageHere;
    }
    switch (state) {
      case "syncing":
        return T.syncing(status.syncingCount || n);
      case "offline":
        return n > 0 ? T.offlineSaved(n) : T.offline;
      case "synced":
        return T.synced;
      default:
        // Waiting for a retry after a server error, or for another tab to finish.
        return n > 0 ? T.waiting(n) : "";
    }
  }

  function showUpdate() {
    if (!domReady || reloading) return;
    ui.reload.disabled = false;
    ui.toastText.textContent = T.updateAvailable;
    ui.toastActions.hidden = false;
    ui.toast.dataset.idle = "false";
  }

  function hideUpdate() {
    const hadFocus = ui.toast.contains(document.activeElement);
    ui.toastText.textContent = "";
    ui.toastActions.hidden = true;
    ui.toast.dataset.idle = "true";
    if (hadFocus) focusMain();
  }

  function focusMain() {
    const main = document.getElementById("main");
    if (main && typeof main.focus === "function") main.focus();
  }

  // ---- Conflicts dialog ----

  let opener = null;

  function buildDialog() {
    ui.heading = el("h2", { id: "tm-conflicts-title", class: "tm-dialog__title", tabindex: "-1", text: T.conflictsTitle });
    ui.list = el("ul", { class: "tm-conflicts" });
    const close = el("button", { type: "button", class: "tm-button tm-button--ghost", text: T.close });
    close.addEventListener("click", () => ui.dialog.close());
    ui.dialog = el("dialog", { class: "tm-dialog", "aria-labelledby": "tm-conflicts-title" }, [
      ui.heading,
      el("p", { class: "tm-dialog__intro", text: T.conflictsIntro }),
      ui.list,
      el("div", { class: "tm-dialog__foot" }, [close]),
    ]);
    ui.dialog.addEventListener("close", restoreFocus);
    ui.root.append(ui.dialog);
  }

  async function openConflicts() {
    if (!ui.dialog) buildDialog();
    opener = document.activeElement;
    ui.listKeys = null;
    await renderConflicts();
    if (!ui.dialog.open) {
      if (typeof ui.dialog.showModal === "function") ui.dialog.showModal();
      else ui.dialog.setAttribute("open", "");
    }
    // The heading first: it names the dialog, and no destructive button is one Enter away.
    ui.heading.focus();
  }

  function restoreFocus() {
    const target = opener;
    opener = null;
    if (target && target.isConnected && !target.hidden && typeof target.focus === "function" && target.getClientRects().length) {
      target.focus();
    } else if (!ui.review.hidden) {
      ui.review.focus();
    } else {
      focusMain();
    }
  }

  const whenFormat = typeof Intl !== "undefined"
    ? new Intl.DateTimeFormat(T.locale, { dateStyle: "medium", timeStyle: "short" })
    : null;

  async function renderConflicts() {
    let entries = [];
    try {
      entries = await db.conflicts();
    } catch (_) {
      entries = [];
    }
    if (entries.length === 0) {
      ui.listKeys = null;
      if (ui.dialog.open) ui.dialog.close();
      return;
    }
    // Entries never change once written, so the same keys mean the same list: leave it (and the
    // focus in it) alone.
    const keys = entries.map((entry) => entry.key).join(",");
    if (keys === ui.listKeys) return;
    ui.listKeys = keys;
    const active = document.activeElement;
    const focused = active && ui.list.contains(active)
      ? { key: active.closest("li").dataset.key, action: active.dataset.action }
      : null;
    ui.list.replaceChildren(...entries.map(conflictItem));
    if (focused) {
      const item = [...ui.list.children].find((li) => li.dataset.key === focused.key);
      const target = (item && item.querySelector(`[data-action="${focused.action}"]`)) || ui.list.querySelector("button");
      if (target) target.focus();
    }
  }

  function conflictItem({ key, value }) {
    const id = `tm-conflict-${key}`;
    const rejected = value.reason === "rejected";
    const when = whenFormat && value.queuedAt ? whenFormat.format(new Date(value.queuedAt)) : "";
    const note = el("p", { class: "tm-conflict__note", "aria-live": "polite" });
    const actions = el("div", { class: "tm-conflict__actions" });

    if (canApplyMine(value)) {
      const apply = el("button", { type: "button", class: "tm-button tm-button--primary", "aria-describedby": id, "data-action": "apply", text: T.applyMine });
      apply.addEventListener("click", () => applyMine(key, value, apply, note));
      actions.append(apply);
    }
    const discard = el("button", { type: "button", class: "tm-button tm-button--ghost", "aria-describedby": id, "data-action": "discard", text: T.discard });
    discard.addEventListener("click", () => discardConflict(key, discard, note));
    actions.append(discard);

    return el("li", { class: "tm-conflict", "data-key": key, "data-reason": rejected ? "rejected" : "conflict" }, [
      el("p", { class: "tm-conflict__label", id, text: value.label }),
      el("p", { class: "tm-conflict__message", text: rejected ? T.notAccepted(value.message) : value.message }),
      when ? el("p", { class: "tm-conflict__when", text: T.madeOffline(when) }) : "",
      note,
      actions,
    ]);
  }

  async function discardConflict(key, button, note) {
    button.disabled = true;
    try {
      await db.dropConflict(key);
    } catch (error) {
      button.disabled = false;
      note.textContent = asError(error).message;
      return;
    }
    await afterConflictChange(button);
  }

  /** Re-sends a lost `save_task` at the task's current version: the person's fields win. */
  async function applyMine(key, record, button, note) {
    button.disabled = true;
    note.textContent = "";
    try {
      const saved = savePatch(record.body);
      const taskId = (saved && typeof saved.task_id === "string" && saved.task_id) || record.taskId;
      const version = await currentVersion(taskId);
      await db.requeue(key, {
        endpoint: record.endpoint,
        body: withVersion(record.body, version),
        contentType: "application/json",
        label: record.label,
        taskId: record.taskId,
        kind: record.kind,
        queuedAt: Date.now(),
      });
    } catch (error) {
      button.disabled = false;
      note.textContent = asError(error, T.failed).message;
      return;
    }
    await afterConflictChange(button);
    flush();
  }

  async function currentVersion(taskId) {
    let response;
    try {
      response = await fetch("/api/fn/task_detail", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ task_id: taskId }).toString(),
      });
    } catch (_) {
      throw new Error(T.offlineTryLater);
    }
    // The worker's offline copy may hold an old version: only a fresh answer will do.
    if (response.headers.get("x-tm-offline")) throw new Error(T.offlineTryLater);
    const text = await response.text();
    if (!response.ok) throw new Error(errorMessage(response.status, text));
    let version;
    try {
      version = JSON.parse(text).task.version;
    } catch (_) {
      version = undefined;
    }
    if (!Number.isInteger(version)) throw new Error(T.noVersion);
    return version;
  }

  /** Re-reads the counts, then keeps focus inside the dialog: on the next item, or Close. */
  async function afterConflictChange(button) {
    const item = button.closest("li");
    const index = item ? [...ui.list.children].indexOf(item) : 0;
    await refreshCounts();
    tellOtherTabs("changed");
    await renderConflicts();
    if (!ui.dialog.open) return;
    const items = ui.list.children;
    const next = items[Math.min(Math.max(index, 0), items.length - 1)];
    const target = (next && next.querySelector("button")) || ui.dialog.querySelector(".tm-dialog__foot button");
    if (target) target.focus();
  }

  // ---- Start ----

  function onDomReady() {
    if (domReady) return;
    domReady = true;
    buildUi();
    changed();
  }

  // Module scripts run before DOMContentLoaded; the UI waits for it, the API doesn't.
  document.documentElement.dataset.network = isOnline() ? "online" : "offline";
  if (document.readyState === "complete") onDomReady();
  else {
    document.addEventListener("DOMContentLoaded", onDomReady, { once: true });
    window.addEventListener("load", onDomReady, { once: true });
  }

  // Registering after `load` keeps the precache from competing with the app's own download.
  if (document.readyState === "complete") startServiceWorker();
  else window.addEventListener("load", startServiceWorker, { once: true });

  refreshCounts().then(() => {
    if (status.pending > 0) replaySoon();
  });
}
