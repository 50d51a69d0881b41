import { expect, Page, test } from "./fixtures";

function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

async function hydrated(page: Page) {
  await expect(page.locator("#app")).toHaveAttribute("data-hydrated", "true");
}

async function signUp(page: Page) {
  await page.goto("/signup");
  await hydrated(page);
  await page.getByLabel("Name").fill("Kanban Fan");
  await page.getByLabel("Email").fill(uniqueEmail("board"));
  await page.getByLabel("Password").fill("a fine password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
}

// The board's polite live region: it announces a move once the server has answered.
function live(page: Page) {
  return page.locator(".sr-only[aria-live=polite]");
}

function column(page: Page, key: string) {
  return page.getByTestId(`column-${key}`);
}

test("create a workspace, add cards, move them by keyboard and by dragging", async ({ page }) => {
  await signUp(page);
  await page.getByRole("link", { name: "Workspaces" }).click();
  await expect(page.getByTestId("no-workspaces")).toBeVisible();
  await page.getByLabel("New workspace").fill("Website relaunch");
  await page.getByRole("button", { name: "Create" }).click();
  await page.getByRole("link", { name: "Website relaunch" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Website relaunch" })).toBeVisible();
  await hydrated(page);

  for (const title of ["Write copy", "Pick photos", "Ship it"]) {
    await page.getByLabel("New card in To do").fill(title);
    await page.getByLabel("New card in To do").press("Enter");
    await expect(column(page, "todo")).toContainText(title);
  }
  await expect(column(page, "todo").getByTestId("card")).toHaveText([/Write copy/, /Pick photos/, /Ship it/]);

  // Keyboard: focus the button and press Enter.
  await page.getByRole("button", { name: "Move Ship it up" }).focus();
  await page.keyboard.press("Enter");
  await expect(column(page, "todo").getByTestId("card")).toHaveText([/Write copy/, /Ship it/, /Pick photos/]);
  await expect(live(page)).toHaveText(/^Moved Ship it to To do, position 2 of 3/);
  await page.getByRole("button", { name: "Move Write copy to In progress" }).focus();
  await page.keyboard.press("Enter");
  await expect(column(page, "in_progress")).toContainText("Write copy");
  await expect(live(page)).toHaveText(/^Moved Write copy to In progress/);

  // Mouse: drag a card onto the Done column.
  await page.getByTestId("card").filter({ hasText: "Pick photos" }).dragTo(column(page, "done"));
  await expect(column(page, "done")).toContainText("Pick photos");
  // The board moves the card at once (optimistically); the announcement follows the server's
  // answer. Reloading before it would abort the request, so wait for the server to have it.
  await expect(live(page)).toHaveText(/^Moved Pick photos to Done/);

  // The order is the server's: it survives a reload, rendered without JavaScript's help.
  await page.reload();
  await expect(column(page, "todo").getByTestId("card")).toHaveText([/Ship it/]);
  await expect(column(page, "in_progress").getByTestId("card")).toHaveText([/Write copy/]);
  await expect(column(page, "done").getByTestId("card")).toHaveText([/Pick photos/]);
  await page.screenshot({ path: "test-results/board.png", fullPage: true });
});
