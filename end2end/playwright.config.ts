import { defineConfig, devices } from "@playwright/test";
import * as path from "node:path";

// The release build, served on its own port with a fresh in-memory database.
const port = Number(process.env.E2E_PORT ?? 3737);
const root = path.resolve(__dirname, "..");
const baseURL = `http://127.0.0.1:${port}`;
// The binary and the site it serves; overridable to run against a frozen release snapshot.
const bin = process.env.E2E_BIN ?? `${root}/target/release/taskmanager`;
const site = process.env.E2E_SITE ?? path.join(root, "target", "site");

const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: chromiumArgs,
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    command: `${bin} serve`,
    cwd: root,
    // Playwright waits until readiness answers 200 before any test runs.
    url: `${baseURL}/api/v1/health/ready`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      TM_LISTEN: `127.0.0.1:${port}`,
      TM_DATABASE_URL: "mem://",
      TM_DATA_DIR: path.join(root, "target", "e2e-data"),
      TM_INSTANCE_ID: "e2e",
      TM_CLIENT_IP_HEADER: "x-e2e-client",
      LEPTOS_SITE_ROOT: site,
      LEPTOS_ENV: "PROD",
      PATH: process.env.PATH ?? "",
    },
  },
});
