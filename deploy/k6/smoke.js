// Smoke load test of a deployed taskmanager: 10 virtual users for 30 s against BASE_URL. The
// deploy pipeline (.github/workflows/deploy.yml) runs it against staging after each deploy:
//
//   BASE_URL=https://taskmanager-staging.fly.dev k6 run deploy/k6/smoke.js
//
// setup() registers a throwaway account (a new email each run) and creates a workspace; each
// iteration then checks readiness, the home page, and the workspace's task list with the
// account's bearer token, and now and then creates a task. teardown() deletes the workspace
// (the API has no account deletion: smoke+<stamp>@example.com accounts stay behind).
//
// Rate limits (per client IP, and every virtual user shares the runner's IP):
//   - registration: 10 an hour, so exactly one per run, in setup();
//   - the API: 600 requests a minute (a token bucket: 600 at once, refilled 10 a second);
//     health checks are never limited.
// One iteration is 1 API read, a write every WRITE_EVERY iterations, and sleep(1): about
// 10 VUs x 30 s / ~1.2 s = 250 iterations, so ~250 reads + ~50 writes, half the bucket. A 429
// would count as a failed request and fail the run: raise WRITE_EVERY before adding VUs.

import http from "k6/http";
import { check, fail, sleep } from "k6";
import exec from "k6/execution";

const BASE_URL = (__ENV.BASE_URL || "").replace(/\/+$/, "");
if (!BASE_URL) {
  throw new Error("set BASE_URL, e.g. BASE_URL=https://taskmanager-staging.fly.dev");
}

// Create a task once every WRITE_EVERY iterations of each virtual user.
const WRITE_EVERY = 5;

export const options = {
  vus: 10,
  duration: "30s",
  thresholds: {
    http_req_failed: ["rate<0.01"],
    http_req_duration: ["p(95)<500"],
    checks: ["rate>0.99"],
  },
  // Registration hashes the password (argon2): give setup room on a cold instance.
  setupTimeout: "60s",
  teardownTimeout: "30s",
  summaryTrendStats: ["avg", "min", "med", "p(90)", "p(95)", "max"],
};

const JSON_HEADERS = { "Content-Type": "application/json", Accept: "application/json" };

function authHeaders(token) {
  return { ...JSON_HEADERS, Authorization: `Bearer ${token}` };
}

// A field of a JSON response body, or undefined when the body is not JSON.
function field(response, path) {
  try {
    return response.json(path);
  } catch (_) {
    return undefined;
  }
}

export function setup() {
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const email = `smoke+${stamp}@example.com`;
  // At least 12 characters; never logged.
  const password = `k6-smoke-${stamp}-pw`;

  const registered = http.post(
    `${BASE_URL}/api/v1/auth/register`,
    JSON.stringify({ email, password, name: "k6 smoke test" }),
    { headers: JSON_HEADERS, tags: { name: "POST /api/v1/auth/register" } },
  );
  const token = field(registered, "access_token");
  if (
    !check(registered, {
      "register: 201": (r) => r.status === 201,
      "register: access_token": () => typeof token === "string" && token.length > 0,
    })
  ) {
    fail(`registering ${email} failed: ${registered.status} ${registered.body}`);
  }

  const created = http.post(
    `${BASE_URL}/api/v1/workspaces`,
    JSON.stringify({ name: `k6 smoke ${stamp}` }),
    { headers: authHeaders(token), tags: { name: "POST /api/v1/workspaces" } },
  );
  const workspaceId = field(created, "id");
  if (
    !check(created, {
      "workspace: 201": (r) => r.status === 201,
      "workspace: id": () => typeof workspaceId === "string" && workspaceId.length > 0,
    })
  ) {
    fail(`creating the workspace failed: ${created.status} ${created.body}`);
  }

  return { token, workspaceId };
}

export default function (data) {
  const ready = http.get(`${BASE_URL}/api/v1/health/ready`, {
    tags: { name: "GET /api/v1/health/ready" },
  });
  check(ready, { "ready: 200": (r) => r.status === 200 });

  const page = http.get(`${BASE_URL}/`, { tags: { name: "GET /" } });
  check(page, {
    "page: 200": (r) => r.status === 200,
    "page: html": (r) => String(r.headers["Content-Type"] || "").includes("text/html"),
  });

  const tasksUrl = `${BASE_URL}/api/v1/workspaces/${data.workspaceId}/tasks`;
  const headers = authHeaders(data.token);

  const list = http.get(tasksUrl, {
    headers,
    tags: { name: "GET /api/v1/workspaces/{id}/tasks" },
  });
  check(list, {
    "tasks list: 200": (r) => r.status === 200,
    "tasks list: items": (r) => Array.isArray(field(r, "items")),
  });

  // Writes are the scarce part of the rate limit: one every WRITE_EVERY iterations per VU.
  if (exec.vu.iterationInScenario % WRITE_EVERY === 0) {
    const title = `k6 smoke: VU ${exec.vu.idInTest}, iteration ${exec.vu.iterationInScenario}`;
    const created = http.post(tasksUrl, JSON.stringify({ title }), {
      headers,
      tags: { name: "POST /api/v1/workspaces/{id}/tasks" },
    });
    check(created, {
      "task create: 201": (r) => r.status === 201,
      "task create: title": (r) => field(r, "title") === title,
    });
  }

  sleep(1);
}

export function teardown(data) {
  const deleted = http.del(`${BASE_URL}/api/v1/workspaces/${data.workspaceId}`, null, {
    headers: authHeaders(data.token),
    tags: { name: "DELETE /api/v1/workspaces/{id}" },
  });
  check(deleted, { "workspace delete: 204": (r) => r.status === 204 });
}
