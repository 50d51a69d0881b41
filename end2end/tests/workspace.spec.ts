import { APIRequestContext, expect, hydrated, Page, signUp as signUpAs, test, uniqueEmail } from "./fixtures";

// The whole day of a team: workspace, members, cards on the board (mouse and keyboard), the
// task panel (every field, checklist, comments, attachments), search, list filters, calendar,
// dashboard. Screenshots land in test-results/ (CI artifacts, never committed).

async function registerOther(request: APIRequestContext, name: string): Promise<string> {
  const email = uniqueEmail("mate");
  const res = await request.post("/api/v1/auth/register", {
    data: { email, password: "a fine password", name },
  });
  expect(res.status()).toBe(201);
  return email;
}

async function newWorkspace(page: Page, name: string): Promise<string> {
  await page.goto("/workspaces");
  await hydrated(page);
  await page.getByLabel("New workspace").fill(name);
  await page.getByRole("button", { name: "Create" }).click();
  await page.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await hydrated(page);
  const id = new URL(page.url()).pathname.split("/")[2];
  return id;
}

const signUp = (page: Page, name: string) => signUpAs(page, name, "ws");

function column(page: Page, key: string) {
  return page.getByTestId(`column-${key}`);
}

async function addCard(page: Page, title: string) {
  await page.getByLabel("New card in To do").fill(title);
  await page.getByLabel("New card in To do").press("Enter");
  await expect(column(page, "todo")).toContainText(title);
}

// 1×1 transparent PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

test("a team plans work: board, task panel, files, members, search, list, calendar, dashboard", async ({ page, request }) => {
  test.setTimeout(90_000);
  // Any panic in the browser (a hydration mismatch, say) fails the test at the end.
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  const mateEmail = await registerOther(request, "Grace Hopper");
  await signUp(page, "Ada Lovelace");
  const ws = await newWorkspace(page, "Launch plan");

  for (const title of ["Write copy", "Pick photos", "Ship it"]) {
    await addCard(page, title);
  }
  await expect(column(page, "todo").getByTestId("card")).toHaveCount(3);

  // Keyboard: the move buttons work with Enter and focus follows the card.
  await page.getByRole("button", { name: "Move Ship it up" }).focus();
  await page.keyboard.press("Enter");
  await expect(column(page, "todo").getByTestId("card")).toHaveText([/Write copy/, /Ship it/, /Pick photos/]);
  await expect(page.getByRole("button", { name: "Move Ship it up" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(column(page, "todo").getByTestId("card")).toHaveText([/Ship it/, /Write copy/, /Pick photos/]);
  await page.getByRole("button", { name: "Move Write copy to In progress" }).focus();
  await page.keyboard.press("Enter");
  await expect(column(page, "in_progress")).toContainText("Write copy");
  await expect(page.getByRole("button", { name: "Move Write copy to Done" })).toBeFocused();

  // Mouse: drag a card onto the Done column.
  await page.getByTestId("card").filter({ hasText: "Pick photos" }).dragTo(column(page, "done"));
  await expect(column(page, "done")).toContainText("Pick photos");

  // Invite a teammate.
  await page.getByRole("link", { name: "Members" }).click();
  await hydrated(page);
  await page.getByLabel("Email").fill(mateEmail);
  await page.getByLabel("Role", { exact: true }).selectOption("editor");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByTestId("members")).toContainText("Grace Hopper");
  await expect(page.getByText("Grace Hopper joined as editor.")).toBeVisible();

  // Open a card and edit every kind of field.
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await page.getByRole("link", { name: "Ship it" }).click();
  const panel = page.getByTestId("task-panel");
  await expect(panel).toBeVisible();
  await hydrated(page);
  const today = new Date().toISOString().slice(0, 10);
  await panel.getByLabel("Priority").selectOption("high");
  await panel.getByLabel("Due").fill(today);
  await panel.getByLabel("Labels").fill("launch, web");
  await panel.getByLabel("Description").fill("Ship the **new** site <script>alert(1)</script>");
  await panel.getByRole("checkbox", { name: "Grace Hopper" }).check();
  await panel.getByLabel("New checklist item").fill("Tell the press");
  await panel.getByLabel("New checklist item").press("Enter");
  await panel.getByRole("button", { name: "Save changes" }).click();
  await expect(panel.getByText("Saved.")).toBeVisible();

  // A comment, rendered from Markdown.
  await panel.getByLabel("Write a comment").fill("Looks **great**");
  await panel.getByRole("button", { name: "Comment" }).click();
  await expect(panel.locator(".comment strong", { hasText: "great" })).toBeVisible();

  // Upload with progress, then download it back.
  await panel.getByTestId("attach-input").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: PNG });
  await expect(panel.getByRole("link", { name: "logo.png" })).toBeVisible();
  await expect(panel.locator(".file")).toContainText("image/png");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    panel.getByRole("link", { name: "logo.png" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("logo.png");
  await page.screenshot({ path: "test-results/task-panel.png" });

  // The preview is sanitised: the script is gone.
  await panel.getByRole("button", { name: "Preview" }).click();
  await expect(panel.locator(".markdown strong", { hasText: "new" })).toBeVisible();
  expect(await panel.locator(".markdown script").count()).toBe(0);

  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
  const card = page.getByTestId("card").filter({ hasText: "Ship it" });
  await expect(card).toContainText("launch");
  await expect(card).toContainText("☑ 0/1");
  await expect(card.getByLabel("Assigned to Grace Hopper")).toBeVisible();
  await page.screenshot({ path: "test-results/board.png", fullPage: true });

  // Search from the header: highlighted matches, titles and comments.
  await page.getByLabel("Search tasks").fill("great");
  await page.getByLabel("Search tasks").press("Enter");
  await expect(page.getByTestId("search-results")).toContainText("Ship it");
  await expect(page.getByTestId("search-results").locator("mark")).toHaveText(["great"]);
  await page.getByLabel("Search tasks").fill("photos");
  await page.getByLabel("Search tasks").press("Enter");
  await expect(page.getByTestId("search-results").locator("mark")).toHaveText(["photos"]);
  await expect(page).toHaveURL(/\/search\?q=photos/);
  await hydrated(page);

  // List view: filter by priority, save the filter, use it.
  await page.getByRole("link", { name: "List" }).click();
  await expect(page).toHaveURL(/\/list$/);
  await hydrated(page);
  await expect(page.getByTestId("task-table").locator("tbody tr")).toHaveCount(3);
  await page.getByLabel("Priority").selectOption("high");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("task-table").locator("tbody tr")).toHaveCount(1);
  await expect(page.getByTestId("task-table")).toContainText("Ship it");
  await hydrated(page);
  await page.getByLabel("Name for the current filter").fill("Hot");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("link", { name: "Hot", exact: true })).toBeVisible();
  await page.getByRole("link", { name: "Clear" }).click();
  await expect(page).toHaveURL(/\/list\??$/);
  await expect(page.getByTestId("task-table").locator("tbody tr")).toHaveCount(3);
  await page.getByRole("link", { name: "Hot", exact: true }).click();
  await expect(page).toHaveURL(/\/list\?priority=high/);
  await expect(page.getByTestId("task-table").locator("tbody tr")).toHaveCount(1);
  await page.screenshot({ path: "test-results/list.png", fullPage: true });

  // Calendar: the task sits on its due day.
  await page.getByRole("link", { name: "Calendar" }).click();
  await expect(page.getByTestId("calendar").locator("td[aria-current=date]")).toContainText("Ship it");
  await page.screenshot({ path: "test-results/calendar.png", fullPage: true });

  // Dashboard: the numbers the database counted.
  await page.getByRole("link", { name: "Dashboard" }).click();
  const dash = page.getByTestId("dashboard");
  await expect(dash.locator(".tile").filter({ hasText: "Open tasks" })).toContainText("2");
  await expect(dash.locator(".tile").filter({ hasText: "Completed, last 30 days" })).toContainText("1");
  await expect(page.getByRole("img", { name: /To do: 1, In progress: 1, Done: 1/ })).toBeVisible();
  await page.screenshot({ path: "test-results/dashboard.png", fullPage: true });
  expect(ws).toBeTruthy();
  expect(pageErrors).toEqual([]);
});

test("a stale save shows the conflict and can overwrite", async ({ page }) => {
  await signUp(page, "Conflicted Carl");
  const ws = await newWorkspace(page, "Conflicts");
  await addCard(page, "Contested");
  await page.getByRole("link", { name: "Contested" }).click();
  const panel = page.getByTestId("task-panel");
  await hydrated(page);
  await expect(panel.getByLabel("Title")).toHaveValue("Contested");

  // Someone else saves first (through the REST API, same account, different client).
  const list = await page.request.get(`/api/v1/workspaces/${ws}/tasks`);
  const task = (await list.json()).items[0];
  const other = await page.request.patch(`/api/v1/tasks/${task.id}`, {
    data: { version: task.version, title: "Theirs" },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(other.status()).toBe(200);

  await panel.getByLabel("Title").fill("Mine");
  await panel.getByRole("button", { name: "Save changes" }).click();
  await expect(panel.getByTestId("conflict")).toBeVisible();
  await panel.getByRole("button", { name: "Overwrite with mine" }).click();
  await expect(panel.getByText("Saved.")).toBeVisible();
  await expect(panel.getByTestId("conflict")).toBeHidden();
  const after = await page.request.get(`/api/v1/tasks/${task.id}`);
  expect((await after.json()).title).toBe("Mine");
});

test("workspace pages read without JavaScript: board, task panel, list filters, search", async ({ page, browser }) => {
  await signUp(page, "Reader Rita");
  const ws = await newWorkspace(page, "Readable");
  await addCard(page, "Visible without scripts");
  await addCard(page, "Another card");
  const noJs = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  const p = await noJs.newPage();
  await p.goto(`/w/${ws}`);
  await expect(p.getByTestId("card")).toHaveCount(2);
  await p.getByRole("link", { name: "Visible without scripts" }).click();
  await expect(p.getByTestId("task-panel").getByLabel("Title")).toHaveValue("Visible without scripts");
  await p.goto(`/w/${ws}/list`);
  await p.getByLabel("Text").fill("another");
  await p.getByRole("button", { name: "Apply" }).click();
  await expect(p.getByTestId("task-table").locator("tbody tr")).toHaveCount(1);
  await p.goto(`/w/${ws}/search?q=scripts`);
  await expect(p.getByTestId("search-results").locator("mark")).toHaveText(["scripts"]);
  await noJs.close();
});
