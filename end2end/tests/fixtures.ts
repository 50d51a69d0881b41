import { test as base } from "@playwright/test";

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
export type { APIRequestContext, Page } from "@playwright/test";
