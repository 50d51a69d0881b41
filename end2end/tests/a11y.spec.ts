import AxeBuilder from "@axe-core/playwright";
import * as fs from "node:fs";
import { Browser, expect, hydrated, Page, signUp, test, uniqueEmail } from "./fixtures";

// Accessibility (issue #9): axe finds no serious or critical WCAG 2.1 A/AA violation on any
// page, in the light and the dark theme; the board is operable by keyboard alone, including
// moving cards; focus is always visible; live changes are announced politely; reduced motion
// is respected.
//
// Theme: there is no in-app theme setting — light and dark follow the system
// (`prefers-color-scheme` in style/main.css), so both are covered with `emulateMedia`.

type AxeResult = Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"][number];

const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
// AXE_BEST_PRACTICE=1 also runs axe's best-practice rules; what they find is noted, never failing.
const TAGS = process.env.AXE_BEST_PRACTICE ? [...WCAG, "best-practice"] : WCAG;
const SCHEMES = ["light", "dark"] as const;
type Scheme = (typeof SCHEMES)[number];
// The page background of each theme (--bg in style/main.css): proof the theme applied.
const PAGE_BG: Record<Scheme, string> = { light: "rgb(247, 247, 251)", dark: "rgb(15, 15, 23)" };

// ---------------------------------------------------------------------------------------------
// The workspace every signed-in page is audited on: seeded once per worker, through the UI (the
// owner signs up) and the REST API (a teammate, four tasks in three columns with every field
// that shows on a card, comments, a mention that rings the owner's bell).

let seed: { cookies: Awaited<ReturnType<ReturnType<Page["context"]>["cookies"]>>; ws: string; task: string; title: string } | null = null;

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

async function seedWorkspace(browser: Browser, baseURL: string) {
  // A client address of its own (the sign-up limit is per address), fresh per seeding.
  const ip = `10.79.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;
  const headers = { "x-e2e-client": ip };
  const origin = { origin: baseURL };

  const mateCtx = await browser.newContext({ baseURL, extraHTTPHeaders: headers });
  const mateEmail = uniqueEmail("a11y-mate");
  const reg = await mateCtx.request.post("/api/v1/auth/register", {
    data: { email: mateEmail, password: "a fine password", name: "Grace Hopper" },
  });
  expect(reg.status()).toBe(201);
  const mate = await reg.json();
  const mateAuth = { ...origin, authorization: `Bearer ${mate.access_token}` };

  const ownerCtx = await browser.newContext({ baseURL, extraHTTPHeaders: headers });
  const page = await ownerCtx.newPage();
  await signUp(page, "Ada Lovelace", "a11y");
  const api = page.request;
  const post = async (url: string, data: unknown, h: Record<string, string> = origin) => {
    const res = await api.post(url, { data, headers: h });
    expect(res.ok(), `${url}: ${res.status()} ${await res.text()}`).toBeTruthy();
    return res.json();
  };

  const ws = await post("/api/v1/workspaces", { name: "Accessible launch" });
  await post(`/api/v1/workspaces/${ws.id}/members`, { email: mateEmail, role: "editor" });
  const due = `${today()}T12:00:00Z`;
  const tasks = [
    { title: "Write copy", status: "todo", priority: "high", labels: ["launch", "web"], assignee_ids: [mate.user.id], due_at: due,
      checklist: [{ text: "Draft", done: true }, { text: "Review", done: false }], description: "The **new** site copy." },
    { title: "Pick photos", status: "todo", priority: "urgent", labels: ["design"], due_at: "2020-01-02T12:00:00Z" },
    { title: "Check links", status: "in_progress", priority: "medium" },
    { title: "Buy domain", status: "done", priority: "low" },
  ];
  const created = [];
  for (const t of tasks) created.push(await post(`/api/v1/workspaces/${ws.id}/tasks`, t));
  const first = created[0];
  await post(`/api/v1/tasks/${first.id}/comments`, { body: "Looks **great**" });
  // The teammate mentions the owner: a notification in the bell.
  const res = await mateCtx.request.post(`/api/v1/tasks/${first.id}/comments`, {
    data: { body: "@Ada can you take a look?" },
    headers: mateAuth,
  });
  expect(res.status(), await res.text()).toBe(201);

  const cookies = await ownerCtx.cookies();
  await ownerCtx.close();
  await mateCtx.close();
  return { cookies, ws: ws.id as string, task: first.id as string, title: first.title as string };
}

async function signedIn(page: Page, browser: Browser, baseURL: string) {
  if (!seed) seed = await seedWorkspace(browser, baseURL);
  await page.context().addCookies(seed.cookies);
  signedInPages.add(page);
  return seed;
}

// A page load may renew the session (new cookies, the old refresh token spent): the next test
// takes the newest ones.
const signedInPages = new WeakSet<Page>();
test.afterEach(async ({ page }) => {
  if (seed && signedInPages.has(page)) seed.cookies = await page.context().cookies();
});

// ---------------------------------------------------------------------------------------------
// axe

function describe(v: AxeResult): string {
  const nodes = v.nodes.slice(0, 8).map((n) => {
    const summary = (n.failureSummary ?? "").replace(/\s+/g, " ").trim();
    return `    - ${n.target.join(" ")}\n      ${n.html.replace(/\s+/g, " ").slice(0, 200)}\n      ${summary.slice(0, 300)}`;
  });
  const more = v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : "";
  return `  ${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n${nodes.join("\n")}${more}`;
}

/** Audits the page as it is now, in both themes; fails on any serious or critical violation.
 * Everything axe said (moderate and minor findings, and contrast it could not decide, e.g. text
 * over an overlay) is written to the test's output directory as axe-<theme>.json. */
async function audit(page: Page, name: string) {
  const failures: string[] = [];
  const notes: string[] = [];
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect
      .poll(() => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor))
      .toBe(PAGE_BG[scheme]);
    const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    fs.writeFileSync(
      test.info().outputPath(`axe-${scheme}.json`),
      JSON.stringify({ url: results.url, violations: results.violations, incomplete: results.incomplete }, null, 1),
    );
    for (const v of results.violations) {
      const line = `[${name} · ${scheme}]\n${describe(v)}`;
      const wcag = v.tags.some((t) => WCAG.includes(t));
      if (wcag && (v.impact === "serious" || v.impact === "critical")) failures.push(line);
      else notes.push(line);
    }
    for (const v of results.incomplete.filter((i) => i.id === "color-contrast")) {
      notes.push(`[${name} · ${scheme}] needs review:\n${describe(v)}`);
    }
  }
  await page.emulateMedia({ colorScheme: null });
  if (notes.length) test.info().annotations.push({ type: "axe notes (not failing)", description: notes.join("\n") });
  expect(failures.length, `axe: serious or critical violations on ${name}:\n\n${failures.join("\n\n")}\n`).toBe(0);
}

/** Any error thrown in the page (a panic, a hydration mismatch) fails the test. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Every page, signed out.

const publicPages: { name: string; path: string; ready?: (page: Page) => Promise<void> }[] = [
  { name: "landing (signed out)", path: "/" },
  { name: "sign in", path: "/signin" },
  {
    name: "sign in with an error",
    path: "/signin",
    ready: async (page) => {
      await page.getByLabel("Email").fill("nobody@example.com");
      await page.getByLabel("Password").fill("not the password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.locator(".form-error").filter({ hasText: /\S/ }).first()).toBeVisible();
    },
  },
  { name: "sign up", path: "/signup" },
  {
    name: "sign up with field errors",
    path: "/signup",
    ready: async (page) => {
      await page.getByLabel("Email").fill("not an email");
      await page.getByLabel("Password").fill("short");
      await page.getByRole("button", { name: "Create account" }).click();
      await expect(page.locator("[aria-invalid=true]").first()).toBeVisible();
    },
  },
  { name: "forgot password", path: "/forgot-password" },
  { name: "reset password", path: "/reset-password?token=x" },
  { name: "verify email", path: "/verify-email?token=x" },
  {
    name: "verify email, refused",
    path: "/verify-email?token=x",
    ready: async (page) => {
      await page.getByRole("button", { name: "Confirm my email" }).click();
      await expect(page.locator(".form-error[role=alert]")).toBeVisible();
    },
  },
  { name: "not found", path: "/no-such-page" },
];

for (const p of publicPages) {
  test(`axe: ${p.name}`, async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto(p.path);
    await hydrated(page);
    await expect(page.locator("h1").first()).toBeVisible();
    if (p.ready) await p.ready(page);
    await audit(page, p.name);
    expect(errors).toEqual([]);
  });
}

// ---------------------------------------------------------------------------------------------
// Every page, signed in, on the seeded workspace.

type Ctx = { ws: string; task: string; title: string };
const privatePages: { name: string; path: (c: Ctx) => string; ready: (page: Page, c: Ctx) => Promise<void> }[] = [
  { name: "landing (signed in)", path: () => "/", ready: async (page) => { await expect(page.getByTestId("signed-in-as")).toBeVisible(); } },
  { name: "workspaces", path: () => "/workspaces", ready: async (page) => { await expect(page.getByRole("link", { name: "Accessible launch" })).toBeVisible(); } },
  { name: "account", path: () => "/account", ready: async (page) => { await expect(page.getByTestId("time-zone")).toBeVisible(); } },
  {
    name: "notifications open",
    path: () => "/workspaces",
    ready: async (page) => {
      await page.getByTestId("bell").click();
      await expect(page.getByTestId("notifications")).toContainText("mentioned you");
    },
  },
  { name: "board", path: (c) => `/w/${c.ws}`, ready: async (page) => { await expect(page.getByTestId("card")).toHaveCount(4); } },
  {
    name: "board, workspace switcher open",
    path: (c) => `/w/${c.ws}`,
    ready: async (page) => {
      await page.locator(".switcher summary").click();
      await expect(page.getByRole("link", { name: "All workspaces…" })).toBeVisible();
    },
  },
  {
    name: "board with the task panel",
    path: (c) => `/w/${c.ws}?task=${c.task}`,
    ready: async (page, c) => {
      const panel = page.getByTestId("task-panel");
      await expect(panel.getByLabel("Title")).toHaveValue(c.title);
      await expect(panel.locator(".comment").nth(1)).toBeVisible();
    },
  },
  { name: "list", path: (c) => `/w/${c.ws}/list`, ready: async (page) => { await expect(page.getByTestId("task-table").locator("tbody tr")).toHaveCount(4); } },
  { name: "calendar", path: (c) => `/w/${c.ws}/calendar`, ready: async (page) => { await expect(page.getByTestId("calendar").locator("td[aria-current=date]")).toContainText("Write copy"); } },
  { name: "dashboard", path: (c) => `/w/${c.ws}/dashboard`, ready: async (page) => { await expect(page.getByTestId("dashboard").locator(".tile").first()).toBeVisible(); } },
  { name: "members", path: (c) => `/w/${c.ws}/members`, ready: async (page) => { await expect(page.getByTestId("members")).toContainText("Grace Hopper"); } },
  { name: "settings", path: (c) => `/w/${c.ws}/settings`, ready: async (page) => { await expect(page.locator(".settings")).toBeVisible(); } },
  { name: "search", path: (c) => `/w/${c.ws}/search?q=copy`, ready: async (page) => { await expect(page.getByTestId("search-results").locator("mark").first()).toBeVisible(); } },
];

for (const p of privatePages) {
  test(`axe: ${p.name}`, async ({ page, browser, baseURL }) => {
    test.setTimeout(60_000);
    const c = await signedIn(page, browser, baseURL!);
    const errors = watchErrors(page);
    await page.goto(p.path(c));
    await hydrated(page);
    await p.ready(page, c);
    await audit(page, p.name);
    expect(errors).toEqual([]);
  });
}

// ---------------------------------------------------------------------------------------------
// Keyboard

/** Presses Tab until the focused element matches, at most `max` times. */
async function tabTo(page: Page, matches: (el: { label: string; text: string; id: string }) => boolean, max = 80, key = "Tab") {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return { label: a?.getAttribute("aria-label") ?? "", text: (a?.textContent ?? "").trim(), id: a?.id ?? "" };
    });
    if (matches(el)) return;
  }
  throw new Error(`${key} never reached the element`);
}

function column(page: Page, key: string) {
  return page.getByTestId(`column-${key}`);
}

test("keyboard only: a card moves between columns and within one, focus follows it, each move is announced", async ({ page, baseURL }) => {
  test.setTimeout(60_000);
  const errors = watchErrors(page);
  await signUp(page, "Key Board", "a11y-kb");
  const origin = { origin: baseURL! };
  const ws = await (await page.request.post("/api/v1/workspaces", { data: { name: "Keys" }, headers: origin })).json();
  for (const title of ["Alpha", "Beta"]) {
    const r = await page.request.post(`/api/v1/workspaces/${ws.id}/tasks`, { data: { title }, headers: origin });
    expect(r.status()).toBe(201);
  }
  await page.goto(`/w/${ws.id}`);
  await hydrated(page);
  await expect(column(page, "todo").getByTestId("card")).toHaveText([/Alpha/, /Beta/]);
  const live = page.locator(".sr-only[aria-live=polite]");
  await expect(live).toHaveCount(1);

  // The card the keyboard is on (its title link or one of its move buttons).
  const focusedCard = () =>
    page.evaluate(() => document.activeElement?.closest("[data-testid=card]")?.querySelector(".task-card__title")?.textContent ?? null);

  // From the top of the page, Tab alone reaches the card's move buttons.
  await page.locator("body").focus();
  await tabTo(page, (el) => el.label === "Move Alpha to In progress");
  await page.keyboard.press("Enter");
  await expect(column(page, "in_progress").getByTestId("card")).toHaveText([/Alpha/]);
  await expect(column(page, "todo").getByTestId("card")).toHaveText([/Beta/]);
  // Focus stays on the card's same button, now "to Done"; the move is announced politely.
  await expect(page.getByRole("button", { name: "Move Alpha to Done" })).toBeFocused();
  await expect(live).toHaveText("Moved Alpha to In progress, position 1 of 1.");

  // Space works as well as Enter.
  await page.keyboard.press("Space");
  await expect(column(page, "done").getByTestId("card")).toHaveText([/Alpha/]);
  await expect(live).toHaveText("Moved Alpha to Done, position 1 of 1.");
  // The last column has no "right" button: focus falls back to the card, not to the page.
  await expect.poll(focusedCard).toBe("Alpha");

  // Back left twice, to the end of To do.
  await tabTo(page, (el) => el.label === "Move Alpha to In progress", 3);
  await page.keyboard.press("Enter");
  await expect(column(page, "in_progress").getByTestId("card")).toHaveText([/Alpha/]);
  await expect(page.getByRole("button", { name: "Move Alpha to To do" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(column(page, "todo").getByTestId("card")).toHaveText([/Beta/, /Alpha/]);
  await expect.poll(focusedCard).toBe("Alpha");
  await expect(live).toHaveText("Moved Alpha to To do, position 2 of 2.");

  // Within a column: up, above Beta.
  await tabTo(page, (el) => el.label === "Move Alpha up", 5);
  await page.keyboard.press("Enter");
  await expect(column(page, "todo").getByTestId("card")).toHaveText([/Alpha/, /Beta/]);
  await expect.poll(focusedCard).toBe("Alpha");
  // …announced too, and saying where it went: a live region whose text stays the same (the
  // previous move's "Moved Alpha to To do, position 2 of 2.") is not read again.
  await expect.soft(live, "a move within a column is announced with its new place").not.toHaveText("Moved Alpha to To do, position 2 of 2.", { timeout: 3000 });
  await expect.soft(live).toContainText("Alpha", { timeout: 1000 });

  // A card added from the keyboard: the field keeps focus for the next one, and the new card
  // is announced.
  await tabTo(page, (el) => el.id === "add-done", 20);
  await page.keyboard.type("Gamma");
  await page.keyboard.press("Enter");
  await expect(column(page, "done").getByTestId("card")).toHaveText([/Gamma/]);
  await expect.soft(page.getByLabel("New card in Done"), "the new-card field keeps focus after Enter").toBeFocused({ timeout: 3000 });
  await expect.soft(live, "a new card is announced").toContainText("Gamma", { timeout: 3000 });

  // The server kept every move.
  await page.reload();
  await hydrated(page);
  await expect(column(page, "todo").getByTestId("card")).toHaveText([/Alpha/, /Beta/]);
  await expect(column(page, "done").getByTestId("card")).toHaveText([/Gamma/]);

  // The task panel opens from the keyboard, takes focus (it is a modal dialog), and Escape
  // closes it, giving focus back to the card it was opened from.
  await page.locator("body").focus();
  await tabTo(page, (el) => el.id.startsWith("card-") && el.text === "Beta");
  await page.keyboard.press("Enter");
  const panel = page.getByRole("dialog");
  await expect(panel.getByLabel("Title")).toHaveValue("Beta");
  await expect
    .poll(() => page.evaluate(() => !!document.activeElement?.closest("[role=dialog]")), {
      message: "focus moves into the task panel when it opens",
    })
    .toBe(true);
  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
  await expect(page.getByRole("link", { name: "Beta", exact: true })).toBeFocused();
  expect(errors).toEqual([]);
});

test("the task panel keeps keyboard focus inside while open", async ({ page, browser, baseURL }) => {
  test.setTimeout(60_000);
  const c = await signedIn(page, browser, baseURL!);
  await page.goto(`/w/${c.ws}?task=${c.task}`);
  await hydrated(page);
  const panel = page.getByRole("dialog");
  await expect(panel.getByLabel("Title")).toHaveValue(c.title);
  await panel.getByRole("link", { name: "Close the task panel" }).focus();
  // Round the whole dialog and further: Tab never leaves an open modal dialog.
  const outside: string[] = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const where = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return a?.closest("[role=dialog]") ? "" : `${a?.tagName.toLowerCase()}#${a?.id} ${a?.getAttribute("aria-label") ?? a?.textContent?.trim().slice(0, 30)}`;
    });
    if (where) outside.push(where);
  }
  // And backwards from its first control.
  await panel.getByRole("link", { name: "Close the task panel" }).focus();
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press("Shift+Tab");
    if (!(await page.evaluate(() => !!document.activeElement?.closest("[role=dialog]")))) {
      outside.push(`Shift+Tab ${i + 1} from the close button`);
      break;
    }
  }
  expect(outside, "Tab moved focus out of the open modal task panel").toEqual([]);
});

test("keyboard focus survives busy controls: saving, commenting, marking read", async ({ page, browser, baseURL }) => {
  test.setTimeout(60_000);
  const c = await signedIn(page, browser, baseURL!);
  const focusIn = (selector: string) => page.evaluate((sel) => !!document.activeElement?.closest(sel), selector);
  await page.goto(`/w/${c.ws}?task=${c.task}`);
  await hydrated(page);
  const panel = page.getByRole("dialog");
  await expect(panel.getByLabel("Title")).toHaveValue(c.title);

  // A control disabled while its request runs loses focus to <body> (the keyboard user is
  // thrown to the top of the page): focus must stay where the person was.
  await panel.getByRole("button", { name: "Save changes" }).focus();
  await page.keyboard.press("Enter");
  await expect(panel.getByText("Saved.")).toBeVisible();
  await expect.soft.poll(() => focusIn("[role=dialog]"), { message: "focus stays in the task panel after Save", timeout: 2000 }).toBe(true);

  await panel.getByLabel("Write a comment").fill("Noted, thanks");
  await panel.getByRole("button", { name: "Comment" }).focus();
  await page.keyboard.press("Enter");
  await expect(panel.locator(".comment", { hasText: "Noted, thanks" })).toBeVisible();
  await expect.soft.poll(() => focusIn("[role=dialog]"), { message: "focus stays in the task panel after Comment", timeout: 2000 }).toBe(true);

  await page.goto("/workspaces");
  await hydrated(page);
  await page.getByTestId("bell").focus();
  await page.keyboard.press("Enter");
  const markAll = page.getByTestId("mark-all-read");
  await expect(markAll).toBeEnabled();
  await markAll.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("bell-count")).toHaveCount(0);
  await expect.soft.poll(() => focusIn(".bell"), { message: "focus stays in the notifications after Mark all read", timeout: 2000 }).toBe(true);
});

// ---------------------------------------------------------------------------------------------
// Visible focus

type Ring = { what: string; outline: string; shadow: string; contrast: number | null; clipped: string };

/** What the focused element shows: its outline or box-shadow, and the outline's contrast with
 * the background behind it (WCAG 1.4.11 asks 3:1 of a focus indicator). */
async function focusRing(page: Page): Promise<Ring> {
  return page.evaluate(() => {
    const a = document.activeElement as HTMLElement;
    const s = getComputedStyle(a);
    const parse = (c: string) => {
      const m = c.match(/rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)/);
      return m ? { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] } : null;
    };
    const lum = (c: { r: number; g: number; b: number }) => {
      const f = (v: number) => {
        v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    // The outline sits outside the element (outline-offset): the background behind it is the
    // first opaque one among its ancestors.
    let bg = null;
    for (let e: HTMLElement | null = a.parentElement; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.9) {
        bg = c;
        break;
      }
    }
    bg ??= parse(getComputedStyle(document.documentElement).backgroundColor);
    const oc = parse(s.outlineColor);
    const hasOutline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
    let contrast = null;
    if (hasOutline && oc && bg) {
      const [l1, l2] = [lum(oc), lum(bg)].sort((x, y) => y - x);
      contrast = Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100;
    }
    // An outline drawn outside the element is cut off by a scrolling or clipping ancestor that
    // holds the element itself entirely (tabs in a scrollable strip, say).
    let clipped = "";
    if (hasOutline) {
      const r = a.getBoundingClientRect();
      const out = Math.max(0, parseFloat(s.outlineOffset) + parseFloat(s.outlineWidth)) - 1;
      for (let e = a.parentElement; e && e !== document.body && out > 0; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.overflowX === "visible" && cs.overflowY === "visible") continue;
        const b = e.getBoundingClientRect();
        const box = { left: b.left + e.clientLeft, top: b.top + e.clientTop, right: b.left + e.clientLeft + e.clientWidth, bottom: b.top + e.clientTop + e.clientHeight };
        const inside = r.left >= box.left - 2 && r.right <= box.right + 2 && r.top >= box.top - 2 && r.bottom <= box.bottom + 2;
        if (!inside) continue;
        const sides = [
          r.left - out < box.left && "left",
          r.right + out > box.right && "right",
          r.top - out < box.top && "top",
          r.bottom + out > box.bottom && "bottom",
        ].filter(Boolean);
        if (sides.length) {
          clipped = `${sides.join("/")} cut off by ${e.tagName.toLowerCase()}.${String(e.className).split(" ").join(".")}`;
          break;
        }
      }
    }
    const label = a.getAttribute("aria-label") ?? a.textContent?.trim().slice(0, 30) ?? "";
    return {
      clipped,
      what: `${a.tagName.toLowerCase()}${a.id ? "#" + a.id : ""}${a.className ? "." + String(a.className).split(" ").join(".") : ""} "${label}"`,
      outline: hasOutline ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : "none",
      shadow: s.boxShadow,
      contrast,
    };
  });
}

for (const scheme of SCHEMES) {
  test(`focus is visible on every control reached by Tab (${scheme})`, async ({ page, browser, baseURL }) => {
    test.setTimeout(60_000);
    const c = await signedIn(page, browser, baseURL!);
    await page.emulateMedia({ colorScheme: scheme });
    const problems: string[] = [];
    for (const path of [`/w/${c.ws}`, `/w/${c.ws}?task=${c.task}`, `/w/${c.ws}/list`, `/w/${c.ws}/settings`, "/account", "/workspaces#bell"]) {
      await page.goto(path);
      await hydrated(page);
      if (path.endsWith("#bell")) {
        // The notifications panel, opened from the keyboard: Tab from the bell into it.
        await page.getByTestId("bell").focus();
        await page.keyboard.press("Enter");
        await expect(page.getByTestId("notifications")).toBeVisible();
      }
      if (!path.includes("?task=") && !path.endsWith("#bell")) {
        // The first Tab stop is the skip link, and it comes into view when focused. (With the
        // task panel open, focus belongs in the panel instead.)
        await page.keyboard.press("Tab");
        const skip = page.getByRole("link", { name: "Skip to content" });
        await expect(skip).toBeFocused();
        await expect(skip).toBeInViewport();
      }
      const seen = new Set<string>();
      for (let i = 0; i < 40; i++) {
        if (i > 0 || path.includes("?task=") || path.endsWith("#bell")) await page.keyboard.press("Tab");
        const ring = await focusRing(page);
        // Past the last control, focus leaves the document (the browser's own UI).
        if (ring.what.startsWith("body") || seen.has(ring.what)) continue;
        seen.add(ring.what);
        if (ring.outline === "none" && ring.shadow === "none") {
          problems.push(`${path}: ${ring.what} shows no focus indicator`);
        } else if (ring.contrast !== null && ring.contrast < 3) {
          problems.push(`${path}: ${ring.what} focus outline ${ring.outline} has contrast ${ring.contrast}:1 (< 3:1)`);
        }
        if (ring.clipped) problems.push(`${path}: ${ring.what} focus outline ${ring.clipped}`);
      }
    }
    expect(problems.length, `focus indicators:\n${summarise(problems)}`).toBe(0);
  });
}

/** A long list of problems, readable: the first 30 lines and how many more. */
function summarise(problems: string[]): string {
  const head = problems.slice(0, 30).join("\n");
  return problems.length > 30 ? `${head}\n… and ${problems.length - 30} more` : head;
}

// ---------------------------------------------------------------------------------------------
// Non-text contrast of form fields (axe does not check it): a field's border against what is
// around it 3:1 (WCAG 1.4.11), its placeholder 4.5:1 (for some fields the only visible hint).

async function fieldContrast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parse = (c: string) => {
      const m = c.match(/rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)/);
      return m ? { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] } : null;
    };
    const lum = (c: { r: number; g: number; b: number }) => {
      const f = (v: number) => {
        v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
    };
    const ratio = (a: { r: number; g: number; b: number }, b: { r: number; g: number; b: number }) => {
      const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
      return (x + 0.05) / (y + 0.05);
    };
    const behind = (el: Element | null) => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0.9) return c;
      }
      return parse(getComputedStyle(document.documentElement).backgroundColor)!;
    };
    const out: string[] = [];
    const fields = Array.from(document.querySelectorAll("input, select, textarea")).filter((el) => {
      const type = (el as HTMLInputElement).type;
      const r = (el as HTMLElement).getBoundingClientRect();
      return !["hidden", "checkbox", "radio", "file", "submit", "button", "range", "color"].includes(type) && r.width > 4 && r.height > 4;
    });
    for (const el of fields) {
      const s = getComputedStyle(el);
      const name = `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}[name=${el.getAttribute("name") ?? ""}]`;
      const around = behind(el.parentElement);
      const own = parse(s.backgroundColor);
      const fill = own && own.a > 0.9 ? own : around;
      // The best edge counts (an underlined field is found by its underline).
      const edges = (["Top", "Right", "Bottom", "Left"] as const).map((side) => {
        const c = parse(s.getPropertyValue(`border-${side.toLowerCase()}-color`));
        const visible = s.getPropertyValue(`border-${side.toLowerCase()}-style`) !== "none" && parseFloat(s.getPropertyValue(`border-${side.toLowerCase()}-width`)) > 0;
        return visible && c && c.a > 0.9 ? ratio(c, around) : 0;
      });
      const best = Math.max(...edges, ratio(fill, around));
      const rgb = (c: { r: number; g: number; b: number }) => `rgb(${c.r}, ${c.g}, ${c.b})`;
      if (best < 3) out.push(`${name}: border ${s.borderTopColor} / fill ${s.backgroundColor} against ${rgb(around)}: ${best.toFixed(2)}:1 (< 3:1)`);
      if (el.getAttribute("placeholder")) {
        const ph = parse(getComputedStyle(el, "::placeholder").color);
        if (ph) {
          const c = ph.a < 1 ? { r: ph.r * ph.a + fill.r * (1 - ph.a), g: ph.g * ph.a + fill.g * (1 - ph.a), b: ph.b * ph.a + fill.b * (1 - ph.a) } : ph;
          const r = ratio(c, fill);
          if (r < 4.5) out.push(`${name}: placeholder ${getComputedStyle(el, "::placeholder").color} on ${rgb(fill)}: ${r.toFixed(2)}:1 (< 4.5:1)`);
        }
      }
    }
    return out;
  });
}

for (const scheme of SCHEMES) {
  test(`form fields: borders 3:1 and placeholders 4.5:1 (${scheme})`, async ({ page, browser, baseURL }) => {
    test.setTimeout(60_000);
    await page.emulateMedia({ colorScheme: scheme });
    const problems: string[] = [];
    for (const path of ["/signup", "/signin"]) {
      await page.goto(path);
      await hydrated(page);
      problems.push(...(await fieldContrast(page)).map((p) => `${path}: ${p}`));
    }
    const c = await signedIn(page, browser, baseURL!);
    for (const path of [`/w/${c.ws}`, `/w/${c.ws}?task=${c.task}`, `/w/${c.ws}/list`, `/w/${c.ws}/members`, `/w/${c.ws}/settings`, "/account", "/workspaces"]) {
      await page.goto(path);
      await hydrated(page);
      problems.push(...(await fieldContrast(page)).map((p) => `${path}: ${p}`));
    }
    expect(problems.length, `form field contrast:\n${summarise(problems)}`).toBe(0);
  });
}

// ---------------------------------------------------------------------------------------------
// Live announcements

test("the board has a polite live region, present before anything changes", async ({ page, browser, baseURL }) => {
  const c = await signedIn(page, browser, baseURL!);
  // In the server's HTML already (a region added together with its text is often not read).
  const html = await (await page.request.get(`/w/${c.ws}`)).text();
  expect(html).toMatch(/<p[^>]*class="sr-only"[^>]*aria-live="polite"|<p[^>]*aria-live="polite"[^>]*class="sr-only"/);
  await page.goto(`/w/${c.ws}`);
  await hydrated(page);
  const regions = page.locator("[aria-live=polite]");
  expect(await regions.count()).toBeGreaterThanOrEqual(1);
  // Nothing on the board shouts: no assertive region besides role=alert for errors.
  await expect(page.locator("[aria-live=assertive]")).toHaveCount(0);
  // The connection state is a polite status too.
  await expect(page.getByTestId("live-state")).toHaveAttribute("role", "status");
});

// What axe can only flag "for review" (its `incomplete` list), asserted here.
test("names only where they are read, popups that are what they say, overdue said in words", async ({ page, browser, baseURL }) => {
  const c = await signedIn(page, browser, baseURL!);
  await page.goto(`/w/${c.ws}`);
  await hydrated(page);
  await expect(page.getByTestId("card")).toHaveCount(4);
  // aria-label on a plain <span> is prohibited (axe aria-prohibited-attr): screen readers read
  // the "3" of a column count, not "3 cards", and skip "Assigned to …" on an avatar.
  const named = await page.locator("span[aria-label]:not([role])").evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 100)));
  expect.soft(named, "aria-label on elements without a role").toEqual([]);
  // The bell says it opens a menu (aria-haspopup=true) but opens a region of links (axe
  // aria-valid-attr-value): a disclosure button has aria-expanded and aria-controls only.
  const popup = await page.getByTestId("bell").getAttribute("aria-haspopup");
  expect.soft(popup === null || popup === "false", `bell aria-haspopup="${popup}" without a menu`).toBe(true);
  // An overdue date is red and bold; it must say so in words too (WCAG 1.4.1, 1.3.1).
  await expect.soft(page.getByTestId("card").filter({ hasText: "Pick photos" }).locator(".due"), "overdue in words").toContainText(/overdue/i, { timeout: 1000 });
});

// ---------------------------------------------------------------------------------------------
// Reduced motion

async function motion(page: Page, selector: string) {
  return page.locator(selector).first().evaluate((el) => {
    const s = getComputedStyle(el);
    const secs = (v: string) => Math.max(...v.split(",").map((x) => (x.trim().endsWith("ms") ? parseFloat(x) / 1000 : parseFloat(x) || 0)));
    return { transition: secs(s.transitionDuration), animation: s.animationName === "none" ? 0 : secs(s.animationDuration) };
  });
}

test("reduced motion: no transition or animation runs on cards, buttons or indicators", async ({ page, browser, baseURL }) => {
  const c = await signedIn(page, browser, baseURL!);
  await page.goto(`/w/${c.ws}`);
  await hydrated(page);
  const selectors = [".task-card", ".icon-button", ".button", ".skip-link", ".tab", ".live", ".live__dot"];
  // Without the preference, cards do animate (so the check below means something).
  await page.emulateMedia({ reducedMotion: "no-preference" });
  expect((await motion(page, ".task-card")).transition).toBeGreaterThan(0);
  await page.emulateMedia({ reducedMotion: "reduce" });
  const moving: string[] = [];
  for (const sel of selectors) {
    const m = await motion(page, sel);
    if (m.transition > 0.00001 || m.animation > 0.00001) moving.push(`${sel}: transition ${m.transition}s, animation ${m.animation}s`);
  }
  // Everything else on the page, pseudo-elements included.
  const rest = await page.evaluate(() => {
    const out: string[] = [];
    const secs = (v: string) => Math.max(...v.split(",").map((x) => (x.trim().endsWith("ms") ? parseFloat(x) / 1000 : parseFloat(x) || 0)));
    for (const el of Array.from(document.querySelectorAll("*"))) {
      for (const pseudo of [null, "::before", "::after"]) {
        const s = getComputedStyle(el, pseudo);
        const t = secs(s.transitionDuration);
        const a = s.animationName === "none" ? 0 : secs(s.animationDuration);
        if (t > 0.00001 || a > 0.00001) out.push(`${el.tagName.toLowerCase()}.${String(el.className).split(" ").join(".")}${pseudo ?? ""}: transition ${t}s, animation ${a}s`);
      }
    }
    return out.slice(0, 20);
  });
  expect([...moving, ...rest]).toEqual([]);
  // The loading skeleton's shimmer and the reconnecting dot's pulse are animations: none.
  await page.evaluate(() =>
    document.body.insertAdjacentHTML(
      "beforeend",
      '<div class="skeleton" id="t-skeleton"></div><span class="live live--off"><span class="live__dot" id="t-dot"></span></span>',
    ),
  );
  for (const sel of ["#t-skeleton", "#t-dot"]) {
    const m = await motion(page, sel);
    expect(m, sel).toEqual({ transition: 0, animation: 0 });
  }
  await page.emulateMedia({ reducedMotion: "no-preference" });
  expect((await motion(page, "#t-skeleton")).animation, "the shimmer runs without the preference").toBeGreaterThan(0);
});
