import { expect, Page, test } from "./fixtures";

// Each test gets its own address, so tests can run in parallel against one server.
function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

async function hydrated(page: Page) {
  await expect(page.locator("#app")).toHaveAttribute("data-hydrated", "true");
}

async function signUp(page: Page, email: string, password = "correct horse battery") {
  await page.goto("/signup");
  await hydrated(page);
  await page.getByLabel("Name").fill("Ada Lovelace");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("account-email")).toHaveText(email);
}

test("sign up, sign out, sign in, and the session survives a reload", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  const email = uniqueEmail("flow");
  await signUp(page, email);
  await expect(page.getByTestId("signed-in-as")).toHaveText("Ada Lovelace");

  // A reload renders signed in straight from the server.
  const response = await page.reload();
  expect(await response?.text()).toContain(email);
  await expect(page.getByTestId("account-email")).toHaveText(email);

  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  await page.goto("/signin");
  await hydrated(page);
  await page.getByLabel("Email").fill(email.toUpperCase());
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("account-email")).toHaveText(email);
  expect(errors, errors.join("\n")).toEqual([]);
});

test("a wrong password says so and stays on the page", async ({ page }) => {
  const email = uniqueEmail("wrong");
  await signUp(page, email);
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/$/);

  await page.goto("/signin");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signin-error")).toHaveText("The email or password is not right.");
  await expect(page).toHaveURL(/\/signin$/);
});

test("sign-up checks fields in the browser with the server's rules", async ({ page }) => {
  await page.goto("/signup");
  await hydrated(page);
  let calls = 0;
  page.on("request", (r) => {
    if (r.url().includes("/api/fn/sign_up")) calls++;
  });
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("error-email")).toHaveText("is not an email address");
  await expect(page.getByTestId("error-password")).toHaveText("must be at least 8 characters");
  await expect(page.getByTestId("error-name")).toHaveText("is required");
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  expect(calls).toBe(0);
});

test("keyboard only: sign in without touching the mouse", async ({ page }) => {
  const email = uniqueEmail("keys");
  await signUp(page, email);
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/$/);

  await page.goto("/signin");
  await hydrated(page);
  await page.getByLabel("Email").focus();
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.keyboard.type("correct horse battery");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/account$/);
});

test("signed-out visitors to the account page are sent to sign in", async ({ page }) => {
  const response = await page.goto("/account");
  expect(response?.status()).toBeLessThan(400);
  await expect(page).toHaveURL(/\/signin$/);
});

test("pages carry a nonce-based Content-Security-Policy", async ({ page }) => {
  const response = await page.goto("/");
  const csp = response?.headers()["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'wasm-unsafe-eval'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("unsafe-inline");
  await hydrated(page);
});
