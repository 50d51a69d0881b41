import { Browser, expect, hydrated, Page, signUp as signUpAs, test } from "./fixtures";

// Two people on one board, each in their own browser context: what one does, the other sees
// within a second, without reloading. With TOPOLOGY_URL set (scripts/topology.sh), the two
// contexts go through nginx pinned to different instances (the tm_route cookie), so every
// change crosses instances through Redis.

const TOPOLOGY = process.env.TOPOLOGY_URL;

const signUp = (page: Page, name: string) => signUpAs(page, name, "live");

async function person(browser: Browser, baseURL: string, instance: number, client: string) {
  const context = await browser.newContext({
    baseURL: TOPOLOGY ?? baseURL,
    ignoreHTTPSErrors: true,
    extraHTTPHeaders: { "x-e2e-client": client },
  });
  if (TOPOLOGY) {
    await context.addCookies([{ name: "tm_route", value: String(instance), url: TOPOLOGY }]);
  }
  return context.newPage();
}

function column(page: Page, key: string) {
  return page.getByTestId(`column-${key}`);
}

test("a move, a new card and a comment show on the other person's board within a second", async ({ browser, baseURL }) => {
  const n = Math.floor(Math.random() * 200) + 20;
  const owner = await person(browser, baseURL!, 1, `10.77.${n}.1`);
  const mate = await person(browser, baseURL!, 2, `10.77.${n}.2`);
  const mateEmail = await signUp(mate, "Grace Hopper");
  await signUp(owner, "Ada Lovelace");

  await owner.getByRole("link", { name: "Workspaces" }).click();
  await owner.getByLabel("New workspace").fill("Live launch");
  await owner.getByRole("button", { name: "Create" }).click();
  await owner.getByRole("link", { name: "Live launch" }).click();
  await hydrated(owner);
  const boardUrl = owner.url();
  for (const title of ["Alpha", "Beta"]) {
    await owner.getByLabel("New card in To do").fill(title);
    await owner.getByLabel("New card in To do").press("Enter");
    await expect(column(owner, "todo")).toContainText(title);
  }
  await owner.getByRole("link", { name: "Members" }).click();
  await hydrated(owner);
  await owner.getByLabel("Email").fill(mateEmail);
  await owner.getByLabel("Role", { exact: true }).selectOption("editor");
  await owner.getByRole("button", { name: "Add member" }).click();
  await expect(owner.getByTestId("members")).toContainText("Grace Hopper");
  await owner.getByRole("link", { name: "Board", exact: true }).click();
  await hydrated(owner);

  await mate.goto(new URL(boardUrl).pathname);
  await hydrated(mate);
  await expect(mate.getByTestId("live-state")).toHaveText(/Live/);
  await expect(owner.getByTestId("live-state")).toHaveText(/Live/);
  await expect(column(mate, "todo").getByTestId("card")).toHaveText([/Alpha/, /Beta/]);
  // Each sees the other looking at the board.
  await expect(owner.getByTestId("viewers")).toContainText("Also here: Grace Hopper", { timeout: 2000 });
  await expect(mate.getByTestId("viewers")).toContainText("Also here: Ada Lovelace");

  // A move by keyboard on one side shows on the other within a second.
  await owner.getByRole("button", { name: "Move Alpha to In progress" }).focus();
  await owner.keyboard.press("Enter");
  await expect(column(mate, "in_progress")).toContainText("Alpha", { timeout: 1000 });
  await expect(column(mate, "todo").getByTestId("card")).toHaveText([/Beta/], { timeout: 1000 });
  // Announced politely for screen readers.
  await expect(mate.locator("[aria-live=polite]").filter({ hasText: "Ada Lovelace moved Alpha to In progress." })).toHaveCount(1);

  // And the other way round: a card added by the mate appears on the owner's board.
  await mate.getByLabel("New card in Done").fill("Gamma");
  await mate.getByLabel("New card in Done").press("Enter");
  await expect(column(owner, "done")).toContainText("Gamma", { timeout: 1000 });
  // The mate's own card is there exactly once (its event and its response reconcile).
  await expect(column(mate, "done").getByTestId("card")).toHaveCount(1);

  // A comment on an open card appears for the other person.
  await mate.getByRole("link", { name: "Alpha" }).click();
  const matePanel = mate.getByTestId("task-panel");
  await expect(matePanel).toBeVisible();
  await owner.getByRole("link", { name: "Alpha" }).click();
  const ownerPanel = owner.getByTestId("task-panel");
  await hydrated(owner);
  await ownerPanel.getByLabel("Write a comment").fill("Ready for **review**");
  await ownerPanel.getByRole("button", { name: "Comment" }).click();
  await expect(matePanel.locator(".comment strong", { hasText: "review" })).toBeVisible({ timeout: 1000 });
  await mate.screenshot({ path: "test-results/live-board.png", fullPage: true });

  // Removed from the workspace, the mate stops receiving it at once and is told.
  await owner.goto(new URL(boardUrl).pathname + "/members");
  await hydrated(owner);
  owner.once("dialog", (dialog) => dialog.accept());
  await owner.getByRole("listitem").filter({ hasText: "Grace Hopper" }).getByRole("button", { name: "Remove" }).click();
  await expect(owner.getByTestId("members")).not.toContainText("Grace Hopper");
  await expect(mate.getByText("This workspace is not available")).toBeVisible({ timeout: 2000 });
  await mate.screenshot({ path: "test-results/live-removed.png", fullPage: true });
});
