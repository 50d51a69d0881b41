import { Browser, expect, hydrated, Page, test, uniqueEmail } from "./fixtures";

// The UI in a second language: a German browser gets German pages from the first byte (the
// server picks it from Accept-Language, the page hydrates in it), a visitor can switch, an
// account keeps its language across sign-ins, and moments show in the person's time zone.

/** A browser whose languages are German first, with the suite's own client address. */
async function germanContext(browser: Browser, client: string) {
  return browser.newContext({
    locale: "de-DE",
    extraHTTPHeaders: { "x-e2e-client": client },
  });
}

/** Collects anything the page logs as an error or throws (a hydration mismatch panics). */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`${page.url()}: ${m.text()}`);
  });
  return errors;
}

test("a German browser gets German pages, and a visitor can switch to English", async ({ browser }, info) => {
  const context = await germanContext(browser, `10.77.${info.workerIndex}.1`);
  const page = await context.newPage();
  const errors = watchErrors(page);

  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  await hydrated(page);
  await expect(page.getByRole("link", { name: "Konto erstellen" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Anmelden" })).toBeVisible();
  const switcher = page.getByRole("navigation", { name: "Sprache" });
  await expect(switcher.getByRole("link", { name: "Deutsch" })).toHaveAttribute("aria-current", "true");

  // A full load through /lang/en (the router must not take the click), back on the start page.
  await switcher.getByRole("link", { name: "English" }).click();
  await expect(page).toHaveURL(/^https?:\/\/[^/]+\/$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await hydrated(page);
  await expect(page.getByRole("link", { name: "Create account" })).toBeVisible();

  // The pick is remembered by this browser: other pages stay English.
  await page.goto("/signin");
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Sign in/);
  expect(errors, errors.join("\n")).toEqual([]);
  await context.close();
});

test("a German account: board, dates and time zone in German, then back to English", async ({ browser }, info) => {
  test.setTimeout(60_000);
  const context = await germanContext(browser, `10.78.${info.workerIndex}.1`);
  const page = await context.newPage();
  const errors = watchErrors(page);
  const email = uniqueEmail("de");

  await page.goto("/signup");
  await hydrated(page);
  await page.getByLabel("Name").fill("Grete Hermann");
  await page.getByLabel("E-Mail").fill(email);
  await page.getByLabel("Passwort").fill("a fine password");
  await page.getByRole("button", { name: "Konto erstellen" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await hydrated(page);
  // Signed up from a German page: the account's language is German.
  await expect(page.getByTestId("locale")).toHaveValue("de");

  // Moments in the account's time zone.
  await page.getByTestId("time-zone").fill("Asia/Tokyo");
  await page.getByTestId("save-prefs").click();
  await expect(page.getByTestId("prefs-message")).toHaveText("Einstellungen gespeichert.");

  await page.goto("/workspaces");
  await hydrated(page);
  await page.getByLabel("Neuer Workspace").fill("Umzug");
  await page.getByRole("button", { name: "Erstellen" }).click();
  await page.getByRole("link", { name: "Umzug" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Umzug" })).toBeVisible();
  await hydrated(page);

  // The workspace's columns were named in German when it was made; the UI around them too.
  const tabs = page.getByRole("navigation", { name: "Workspace-Ansichten" });
  await expect(tabs.getByRole("link", { name: "Liste" })).toBeVisible();
  await expect(tabs.getByRole("link", { name: "Kalender" })).toBeVisible();
  const todo = page.getByTestId("column-todo");
  await expect(todo.getByRole("heading", { level: 2 })).toContainText("Zu erledigen");
  await page.getByLabel("Neue Karte in Zu erledigen").fill("Kartons kaufen");
  await page.getByLabel("Neue Karte in Zu erledigen").press("Enter");
  await expect(todo).toContainText("Kartons kaufen");
  await expect(todo.locator(".sr-only", { hasText: "1 Karte" })).toHaveCount(1);
  await expect(todo.getByTestId("card").locator(".prio")).toHaveText("mittel");

  // The task panel: a comment's time is shown in Tokyo, the German way ("27. Nov. 2026, 21:05").
  await todo.getByRole("link", { name: "Kartons kaufen" }).click();
  await page.getByLabel("Kommentar schreiben").fill("Zwanzig Stück");
  await page.getByRole("button", { name: "Kommentieren" }).click();
  const time = page.locator(".comments time").first();
  await expect(time).toBeVisible();
  const at = new Date((await time.getAttribute("datetime")) ?? "");
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: "Asia/Tokyo",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      hourCycle: "h23",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const months = ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."];
  const hh = String(Number(parts.hour) % 24).padStart(2, "0");
  const expected = `${Number(parts.day)}. ${months[Number(parts.month) - 1]} ${parts.year}, ${hh}:${parts.minute}`;
  await expect(time).toContainText(expected);

  // Back to English on the account page: the page reloads in it, and the account keeps it.
  await page.goto("/account");
  await hydrated(page);
  await page.getByTestId("locale").selectOption("en");
  await page.getByTestId("save-prefs").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await hydrated(page);
  await expect(page.getByRole("button", { name: "Save preferences" })).toBeVisible();

  // A fresh German browser signing in to this account gets English: the account's language.
  const other = await germanContext(browser, `10.79.${info.workerIndex}.1`);
  const second = await other.newPage();
  await second.goto("/signin");
  await hydrated(second);
  await expect(second.locator("html")).toHaveAttribute("lang", "de");
  await second.getByLabel("E-Mail").fill(email);
  await second.getByLabel("Passwort").fill("a fine password");
  await second.getByRole("button", { name: "Anmelden" }).click();
  await expect(second).toHaveURL(/\/account$/);
  await expect(second.locator("html")).toHaveAttribute("lang", "en");
  await hydrated(second);
  await expect(second.getByRole("button", { name: "Save preferences" })).toBeVisible();
  await second.goto("/workspaces");
  await expect(second.locator("html")).toHaveAttribute("lang", "en");
  await hydrated(second);
  await expect(second.getByRole("heading", { level: 1 })).toHaveText("Your workspaces");
  await other.close();

  expect(errors, errors.join("\n")).toEqual([]);
  await context.close();
});
