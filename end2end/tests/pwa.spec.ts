import { readFileSync } from "node:fs";
import * as path from "node:path";
import { expect, hydrated, Page, signUp, test } from "./fixtures";

// The installable, offline-capable app: manifest, service worker (precache, offline reads and
// pages), and edits made offline, queued and replayed in order (conflicts shown to resolve).

function column(page: Page, key: string) {
  return page.getByTestId(`column-${key}`);
}

/** The service worker controls the page (the first visit installs it and it claims the page). */
async function controlled(page: Page) {
  await page.waitForFunction(async () => {
    const reg = await navigator.serviceWorker.ready;
    return !!reg.active && !!navigator.serviceWorker.controller;
  }, undefined, { timeout: 20_000 });
}

/** A signed-up person with a board of two cards, the board open and controlled by the worker. */
async function boardWithCards(page: Page, name: string): Promise<string> {
  await signUp(page, "Offline Olga", "pwa");
  await page.getByRole("link", { name: "Workspaces" }).click();
  await hydrated(page);
  await page.getByLabel("New workspace").fill(name);
  await page.getByRole("button", { name: "Create" }).click();
  await page.getByRole("link", { name }).click();
  await expect(page).toHaveURL(/\/w\/[^/]+$/);
  await hydrated(page);
  for (const title of ["Alpha", "Beta"]) {
    await page.getByLabel("New card in To do").fill(title);
    await page.getByLabel("New card in To do").press("Enter");
    await expect(column(page, "todo")).toContainText(title);
  }
  await controlled(page);
  return page.url();
}

test("installable: manifest, icons, worker with this release's files, offline page", async ({ page, request }) => {
  await page.goto("/");
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  expect(href).toBe("/manifest.webmanifest");
  const manifest = await request.get(href!);
  expect(manifest.headers()["content-type"]).toContain("application/manifest+json");
  const m = await manifest.json();
  expect(m.display).toBe("standalone");
  expect(m.start_url).toBe("/workspaces");
  expect(m.icons.some((i: { purpose?: string }) => i.purpose === "maskable")).toBe(true);
  expect(m.icons.some((i: { sizes?: string }) => i.sizes === "512x512")).toBe(true);
  for (const icon of m.icons) expect((await request.get(icon.src)).status()).toBe(200);

  const sw = await request.get("/sw.js");
  expect(sw.headers()["cache-control"]).toBe("no-cache");
  expect(sw.headers()["service-worker-allowed"]).toBe("/");
  const first = (await sw.text()).split("\n")[0];
  const build = JSON.parse(first.replace(/^self\.TM_BUILD = /, "").replace(/;$/, ""));
  // Every bundle of the release, its page chunks included, is precached.
  const hashes = readFileSync(path.resolve(__dirname, "../../target/release/hash.txt"), "utf8");
  const wasm = /wasm: *(\S+)/.exec(hashes)![1];
  expect(build.precache).toContain(`/pkg/taskmanager.${wasm}.wasm`);
  // The workspace views' chunk (the board and the other tabs: one lazy route, see app/src/root.rs).
  expect(build.precache.some((p: string) => p.includes("workspace_view_route"))).toBe(true);
  expect(build.precache).toContain("/offline.html");

  const offline = await request.get("/offline.html");
  expect(offline.headers()["content-security-policy"]).toContain("default-src 'none'");
  expect(await offline.text()).toContain("offline");
});

test("offline: seen pages and reads still show, unseen ones get the offline page", async ({ page, context }) => {
  const board = await boardWithCards(page, "Field trip");
  // Seen once online (the worker keeps the page and its reads).
  await page.reload();
  await hydrated(page);
  await expect(column(page, "todo")).toContainText("Alpha");

  await context.setOffline(true);
  await page.goto(board);
  await expect(column(page, "todo")).toContainText("Alpha");
  await expect(column(page, "todo")).toContainText("Beta");
  await expect(page.locator("html")).toHaveAttribute("data-network", "offline");

  await page.goto("/w/never-seen/calendar");
  await expect(page.getByRole("heading", { level: 1 })).toContainText(/offline/i);
  await context.setOffline(false);
});

test("edits made offline are kept, replayed in order when back, and survive a reload", async ({ page, context }) => {
  const board = await boardWithCards(page, "Night shift");
  await context.setOffline(true);
  await expect(page.locator("html")).toHaveAttribute("data-network", "offline");

  // A move and a new card, both while offline.
  await page.getByRole("button", { name: "Move Alpha to In progress" }).click();
  await expect(column(page, "in_progress")).toContainText("Alpha");
  await page.getByLabel("New card in To do").fill("Gamma");
  await page.getByLabel("New card in To do").press("Enter");
  await expect(page.locator(".tm-pill")).toContainText("Offline — 2 changes saved on this device");

  await context.setOffline(false);
  await expect(page.locator(".tm-pill")).toContainText("All changes synced");
  await expect(column(page, "todo")).toContainText("Gamma");

  // The server has both, in order.
  await page.goto(board);
  await hydrated(page);
  await expect(column(page, "in_progress").getByTestId("card")).toHaveText([/Alpha/]);
  await expect(column(page, "todo").getByTestId("card")).toHaveText([/Beta/, /Gamma/]);
});

test("an offline edit that conflicts with a newer change is shown and can be applied", async ({ page, context, browser }) => {
  const board = await boardWithCards(page, "Two editors");
  await page.getByTestId("card").filter({ hasText: "Beta" }).getByRole("link").first().click();
  await expect(page.getByTestId("task-panel")).toBeVisible();
  const taskUrl = page.url();

  // Someone else renames the task while this person is offline and editing it.
  const cookies = await context.cookies();
  const other = await browser.newContext({ extraHTTPHeaders: { "x-e2e-client": "10.77.0.1" } });
  await other.addCookies(cookies);
  const otherPage = await other.newPage();

  await context.setOffline(true);
  await page.getByLabel("Title").fill("Beta (offline edit)");
  await page.getByTestId("save-task").click();
  await expect(page.locator(".tm-pill")).toContainText("1 change saved on this device");

  await otherPage.goto(taskUrl);
  await hydrated(otherPage);
  await otherPage.getByLabel("Title").fill("Beta (online edit)");
  await otherPage.getByTestId("save-task").click();
  await expect(otherPage.getByText("Saved.")).toBeVisible();

  await context.setOffline(false);
  await page.locator(".tm-pill").getByRole("button", { name: "Review 1 conflict" }).click();
  const dialog = page.getByRole("dialog", { name: /couldn.t be synced/i });
  await expect(dialog).toContainText("Beta");
  await dialog.getByRole("button", { name: "Apply mine anyway" }).click();
  await expect(page.locator(".tm-pill")).toContainText("All changes synced");

  await otherPage.goto(board);
  await hydrated(otherPage);
  await expect(column(otherPage, "todo")).toContainText("Beta (offline edit)");
  await other.close();
});
