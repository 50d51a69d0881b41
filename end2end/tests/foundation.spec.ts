import { expect, test } from "./fixtures";

test.describe("server-side rendering", () => {
  test.use({ javaScriptEnabled: false });

  test("the start page is complete without JavaScript", async ({ page }) => {
    const response = await page.goto("/");
    expect(response?.status()).toBe(200);
    await expect(page).toHaveTitle("Task Manager");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Plan, track and ship — together, live.");
    await expect(page.getByRole("heading", { name: "Live boards" })).toBeVisible();
    // The status panel shows its server-rendered "checking" state; only the browser asks.
    await expect(page.getByTestId("status-body")).toContainText("Checking");
    // Styles from style/ are applied (not just linked).
    const font = await page.locator("html").evaluate((el) => getComputedStyle(el).fontFamily);
    expect(font).toContain("system-ui");
    await expect(page.locator("#app")).toHaveAttribute("data-hydrated", "false");
  });

  test("unknown routes render the 404 page with status 404", async ({ page }) => {
    const response = await page.goto("/definitely/not/here");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "This page does not exist" })).toBeVisible();
    await expect(page).toHaveTitle("Page not found · Task Manager");
  });
});

test.describe("hydrated page", () => {
  test("hydrates and calls the status server function", async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });

    const call = page.waitForResponse((r) => r.url().includes("/api/fn/system_status"));
    await page.goto("/");
    await expect(page.locator("#app")).toHaveAttribute("data-hydrated", "true");
    expect((await call).status()).toBe(200);

    await expect(page.getByTestId("status-summary")).toHaveText("All systems operational");
    await expect(page.getByTestId("status-database")).toHaveText("ok");
    await expect(page.getByTestId("status-redis")).toContainText("not used");

    // Asking again makes a second call from the browser.
    const again = page.waitForResponse((r) => r.url().includes("/api/fn/system_status"));
    await page.getByTestId("status-refresh").click();
    expect((await again).status()).toBe(200);
    await expect(page.getByTestId("status-summary")).toHaveText("All systems operational");

    expect(errors, errors.join("\n")).toEqual([]);
  });

  test("the skip link is the first stop for keyboard users", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator("#app")).toHaveAttribute("data-hydrated", "true");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
  });
});

test.describe("health endpoints", () => {
  test("liveness and readiness follow the contract", async ({ request }) => {
    const live = await request.get("/api/v1/health");
    expect(live.status()).toBe(200);
    expect(await live.json()).toEqual({ status: "ok", version: expect.any(String) });

    const ready = await request.get("/api/v1/health/ready");
    expect(ready.status()).toBe(200);
    expect(await ready.json()).toEqual({
      status: "ready",
      checks: { database: "ok", redis: "disabled", draining: false },
    });
  });

  test("static assets are served with the right types", async ({ request }) => {
    const favicon = await request.get("/favicon.svg");
    expect(favicon.status()).toBe(200);
    expect(favicon.headers()["content-type"]).toContain("image/svg+xml");
    // The bundle's name carries its content hash (cargo-leptos hash-files): read it off the page.
    const page = await (await request.get("/")).text();
    const name = page.match(/\/pkg\/taskmanager[^"']*\.wasm/)?.[0];
    expect(name, "the page names its wasm bundle").toBeTruthy();
    const wasm = await request.get(name!);
    expect(wasm.status()).toBe(200);
    expect(wasm.headers()["content-type"]).toContain("application/wasm");
    expect(wasm.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  });
});
