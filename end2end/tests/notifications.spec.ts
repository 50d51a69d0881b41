import { Browser, expect, hydrated, Page, signUp, test } from "./fixtures";

// The bell: a mention in a comment reaches the person mentioned live (their board's socket
// carries the unread count), the list says who and where, following it opens the task and
// marks it read; preferences save. Each person in their own browser context.

async function person(browser: Browser, baseURL: string, client: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, extraHTTPHeaders: { "x-e2e-client": client } });
  return context.newPage();
}

test("a mention rings the bell live, opens the task and is marked read", async ({ browser, baseURL }) => {
  const n = Math.floor(Math.random() * 200) + 20;
  const owner = await person(browser, baseURL!, `10.78.${n}.1`);
  const mate = await person(browser, baseURL!, `10.78.${n}.2`);
  const mateEmail = await signUp(mate, "Grace Hopper", "bell");
  await signUp(owner, "Ada Lovelace", "bell");

  await owner.getByRole("link", { name: "Workspaces" }).click();
  await owner.getByLabel("New workspace").fill("Bell tower");
  await owner.getByRole("button", { name: "Create" }).click();
  await owner.getByRole("link", { name: "Bell tower" }).click();
  await hydrated(owner);
  const boardUrl = new URL(owner.url()).pathname;
  await owner.getByLabel("New card in To do").fill("Ring it");
  await owner.getByLabel("New card in To do").press("Enter");
  await expect(owner.getByTestId("column-todo")).toContainText("Ring it");
  await owner.getByRole("link", { name: "Members" }).click();
  await hydrated(owner);
  await owner.getByLabel("Email").fill(mateEmail);
  await owner.getByLabel("Role", { exact: true }).selectOption("commenter");
  await owner.getByRole("button", { name: "Add member" }).click();
  await expect(owner.getByTestId("members")).toContainText("Grace Hopper");

  await mate.goto(boardUrl);
  await hydrated(mate);
  await expect(mate.getByTestId("live-state")).toHaveText(/Live/);
  const bell = mate.getByTestId("bell");
  await expect(bell).toHaveAccessibleName("Notifications");
  await expect(mate.getByTestId("bell-count")).toHaveCount(0);

  await owner.goto(boardUrl);
  await hydrated(owner);
  await owner.getByRole("link", { name: "Ring it" }).click();
  const panel = owner.getByTestId("task-panel");
  await panel.getByLabel("Write a comment").fill("@Grace can you take a look?");
  await panel.getByRole("button", { name: "Comment" }).click();

  // Live: no reload on the mate's side.
  await expect(mate.getByTestId("bell-count")).toHaveText("1", { timeout: 2000 });
  await expect(bell).toHaveAccessibleName("Notifications, 1 unread");
  await bell.click();
  await expect(bell).toHaveAttribute("aria-expanded", "true");
  const list = mate.getByTestId("notifications");
  await expect(list).toContainText("Ada Lovelace mentioned you on \u201cRing it\u201d");
  await expect(list).toContainText("@Grace can you take a look?");
  await mate.screenshot({ path: "test-results/bell-open.png" });
  // Escape closes and gives focus back to the bell.
  await mate.keyboard.press("Escape");
  await expect(bell).toHaveAttribute("aria-expanded", "false");
  await expect(bell).toBeFocused();

  await bell.click();
  await list.getByRole("link", { name: /mentioned you/ }).click();
  await expect(mate.getByTestId("task-panel")).toBeVisible();
  await expect(mate.getByTestId("task-panel")).toContainText("@Grace can you take a look?");
  await expect(mate.getByTestId("bell-count")).toHaveCount(0, { timeout: 2000 });
});

test("preferences: a time zone that does not exist is refused, a real one saved", async ({ page }) => {
  await signUp(page, "Zone Person", "prefs");
  await hydrated(page);
  const zone = page.getByTestId("time-zone");
  await expect(zone).toHaveValue("UTC");
  await zone.fill("Mars/Olympus");
  await page.getByTestId("save-prefs").click();
  await expect(page.getByTestId("prefs-message")).toContainText("time zone");
  await zone.fill("Europe/Paris");
  await page.getByTestId("digest").check();
  await page.getByTestId("save-prefs").click();
  await expect(page.getByTestId("prefs-message")).toHaveText("Preferences saved.");
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("time-zone")).toHaveValue("Europe/Paris");
  await expect(page.getByTestId("digest")).toBeChecked();
  await page.screenshot({ path: "test-results/preferences.png", fullPage: true });
});
