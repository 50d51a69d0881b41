import { expect, Page, test as base } from "@playwright/test";

// Every test speaks from its own client address (the e2e server trusts `x-e2e-client` as
// TM_CLIENT_IP_HEADER, as production trusts its proxy's header): the per-address sign-up limit
// (10 an hour) stays in force for each test instead of being shared by the whole suite.
export const test = base.extend({
  extraHTTPHeaders: async ({}, use, testInfo) => {
    let h = 0;
    for (const c of testInfo.testId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    await use({ "x-e2e-client": `10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}` });
  },
});
export { expect } from "@playwright/test";
export type { APIRequestContext, Browser, Page } from "@playwright/test";

export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Waits until the page's wasm has hydrated (the root says so). */
export async function hydrated(page: Page) {
  await expect(page.locator("#app")).toHaveAttribute("data-hydrated", "true");
}

/** Signs up through the UI with a fresh email, which it returns. */
export async function signUp(page: Page, name: string, tag = "ws"): Promise<string> {
  const email = uniqueEmail(tag);
  await page.goto("/signup");
  await hydrated(page);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a fine password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  return email;
}
