import { expect, Page, test } from "./fixtures";
import * as fs from "node:fs";
import * as path from "node:path";

// The server under test writes development mail here (TM_DATA_DIR/outbox, see playwright.config.ts).
const outbox = path.resolve(__dirname, "..", "..", "target", "e2e-data", "outbox");

function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

async function hydrated(page: Page) {
  await expect(page.locator("#app")).toHaveAttribute("data-hydrated", "true");
}

async function signUp(page: Page, email: string, password: string) {
  await page.goto("/signup");
  await hydrated(page);
  await page.getByLabel("Name").fill("Grace Hopper");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
}

async function mailedLink(kind: string, to: string): Promise<string> {
  let link = "";
  await expect
    .poll(() => {
      if (!fs.existsSync(outbox)) return "";
      for (const name of fs.readdirSync(outbox).filter((n) => n.endsWith(`-${kind}.eml`))) {
        const text = fs.readFileSync(path.join(outbox, name), "utf8");
        if (text.includes(`To: ${to}`)) {
          link = text.match(/https?:\/\/\S+token=\S+/)?.[0] ?? "";
          return link;
        }
      }
      return "";
    })
    .not.toBe("");
  return new URL(link).pathname + new URL(link).search;
}

test("forgot password: the mailed link sets a new password", async ({ page }) => {
  const email = uniqueEmail("reset");
  await signUp(page, email, "the first password");
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/$/);

  await page.goto("/signin");
  await hydrated(page);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByTestId("reset-requested")).toBeVisible();

  await page.goto(await mailedLink("password_reset", email));
  await hydrated(page);
  await page.getByLabel("New password", { exact: true }).fill("the second password");
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page.getByTestId("reset-done")).toBeVisible();

  await page.goto("/signin");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("the second password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
});

test("the confirmation link confirms the email once", async ({ page }) => {
  const email = uniqueEmail("verify");
  await signUp(page, email, "a fine password");
  await page.goto(await mailedLink("verify_email", email));
  await hydrated(page);
  await page.getByRole("button", { name: "Confirm my email" }).click();
  await expect(page.getByTestId("verify-done")).toBeVisible();
});

test("change password and manage API tokens from the account page", async ({ page, request }) => {
  const email = uniqueEmail("tokens");
  await signUp(page, email, "a fine password");
  await hydrated(page);

  await page.getByLabel("Current password").fill("not it at all");
  await page.getByLabel("New password", { exact: true }).fill("another fine password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("password-message")).toHaveText("The current password is not right.");
  await page.getByLabel("Current password").fill("a fine password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("password-message")).toContainText("Password changed");

  await page.getByLabel("Token name").fill("deploy script");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent()) ?? "";
  expect(token).toMatch(/^tmpat_/);
  await expect(page.getByTestId("token-list")).toContainText("deploy script");

  // The token works for the API, read-only.
  const me = await request.get("/api/v1/auth/me", { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).user.email).toBe(email);

  await page.getByRole("button", { name: "Delete token deploy script" }).click();
  await expect(page.getByTestId("token-list")).not.toContainText("deploy script");
  const after = await request.get("/api/v1/auth/me", { headers: { Authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
});
