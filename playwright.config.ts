import { defineConfig, devices } from "@playwright/test";
import { findChromium } from "./scripts/find-browser.mjs";

/**
 * `npm run test:e2e` (and the e2e half of `npm test`). The browser is PLAYWRIGHT_CHROMIUM_PATH, else
 * Debian's /usr/bin/chromium (scripts/find-browser.mjs); when there is none, the global setup stops
 * with one line saying how to get one. Nothing here downloads a browser.
 */
export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  // The README's pictures are taken on purpose by `npm run screenshots` (playwright.screenshots.config.ts);
  // what they show is asserted by the specs of each page, so `npm test` does not pay for them twice.
  testIgnore: "**/screenshots.spec.ts",
  globalSetup: "./e2e/global-setup.ts",
  // Every test starts its own server on its own data dir, so tests in a file can run side by side.
  fullyParallel: true,
  // Two cores: more workers only make each server slower.
  workers: 2,
  // A retry would hide flakiness; a flaky test is a bug to fix.
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  // The one bound on time. Expectations, actions and navigations wait for their condition until the
  // test's timeout instead of per-step limits tuned to one machine: a busy machine is slower, not wrong.
  // It only catches hangs, so it is generous: with other work beside it, a server start alone took
  // 30 s here, and tests that restart the server or drive several terminals ran past 60 s.
  timeout: 120_000,
  expect: { timeout: 0 },
  // The JSON report is how `npm test` (scripts/run-tests.mjs) counts; test-reports/ is ignored.
  reporter: [["list"], ...(process.env.CI ? [["html", { open: "never" }] as const] : []), ["json", { outputFile: "test-reports/playwright.json" }]],
  // Traces, failure screenshots and the tests' own screenshots (ignored, emptied at each run).
  outputDir: "test-results",
  use: {
    // Off by default: recording DOM snapshots of busy terminals at every step costs every test CPU,
    // and a per-file override starts a separate worker group that runs last, alone. For a
    // failure to dig into: `npx playwright test <spec> --trace on`.
    trace: "off",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: findChromium().path,
          args: [
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-gpu",
            "--no-first-run",
            "--disable-sync",
          ],
        },
      },
    },
  ],
});
