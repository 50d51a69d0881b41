// The 5,000-task board in Chromium: first contentful paint and time until the page is hydrated
// (interactive), median of several cold loads. Usage: node board.mjs BASE_URL EMAIL PASSWORD WS_ID
import { chromium } from "@playwright/test";

const [base, email, password, ws] = process.argv.slice(2);
const runs = Number(process.env.RUNS ?? 5);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext();
const page = await context.newPage();
await page.goto(`${base}/signin`);
await page.waitForFunction(() => document.querySelector("#app")?.dataset.hydrated === "true");
await page.getByLabel("Email").fill(email);
await page.getByLabel("Password").fill(password);
await page.getByRole("button", { name: "Sign in" }).click();
await page.waitForURL(/\/(account|workspaces)/);

const fcp = [], tti = [], cards = [];
for (let i = 0; i < runs; i++) {
  const p = await context.newPage();
  await p.goto(`${base}/w/${ws}`, { waitUntil: "commit" });
  await p.waitForFunction(() => document.querySelector("#app")?.dataset.hydrated === "true", null, { timeout: 30_000 });
  const m = await p.evaluate(() => ({
    fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
    tti: performance.now(),
    cards: document.querySelectorAll("[data-testid=card]").length,
  }));
  fcp.push(m.fcp); tti.push(m.tti); cards.push(m.cards);
  await p.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`board of 5,000 tasks, ${runs} cold loads in Chromium: first contentful paint median ${median(fcp).toFixed(0)} ms ` +
  `(max ${Math.max(...fcp).toFixed(0)}), hydrated and interactive median ${median(tti).toFixed(0)} ms (max ${Math.max(...tti).toFixed(0)}), ` +
  `${cards[0]} cards rendered (the rest load per column on demand)`);
await browser.close();
