#!/usr/bin/env node
// `npm test`: the type check, vitest, a browser check, then Playwright — each streaming its usual
// output — and at the end one line counting every vitest and Playwright test: `N passed, N failed`.
// Exits non-zero when anything failed (a failed type check, an error outside any test, a missing
// browser each count as one failure). The counts come from the runners' JSON reports, written to
// test-reports/ (ignored by git). `npm run test:unit` and `npm run test:e2e` still run one half alone.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findChromium } from "./find-browser.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const reports = path.join(root, "test-reports");
const VITEST_REPORT = path.join(reports, "vitest.json");
// Must match the json reporter's outputFile in playwright.config.ts.
const PLAYWRIGHT_REPORT = path.join(reports, "playwright.json");

/** Ctrl+C reaches the children through the terminal; then stop after the current phase. */
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    interrupted = true;
  });
}

/** Runs a Node CLI from node_modules with the output streamed; resolves to its exit status. */
function run(label, script, args) {
  process.stdout.write(`\n=== ${label}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, script), ...args], { cwd: root, stdio: "inherit" });
    child.on("error", (error) => {
      process.stderr.write(`${label}: could not start: ${error.message}\n`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Runs a Node CLI from node_modules with its output kept; resolves to its exit status and output. */
function runCaptured(script, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, script), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => resolve({ status: 1, output: `could not start ${script}: ${error.message}\n` }));
    child.on("close", (code, signal) => resolve({ status: code ?? (signal ? 128 : 1), output }));
  });
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** Counts from vitest's JSON report; a file that failed to load counts as one failure. */
function vitestCounts(status) {
  const report = readJson(VITEST_REPORT);
  if (!report) return { passed: 0, failed: 1, note: "no report: vitest did not finish (see its output above)" };
  let failed = report.numFailedTests ?? 0;
  for (const file of report.testResults ?? []) {
    const failedInFile = (file.assertionResults ?? []).filter((t) => t.status === "failed").length;
    if (file.status === "failed" && failedInFile === 0) failed += 1;
  }
  const counts = { passed: report.numPassedTests ?? 0, failed, skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0) };
  if (status !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `vitest exited with status ${status}: errors outside the tests (see above)` };
  return counts;
}

/** Counts from Playwright's JSON report; a failed global setup or worker error counts as one failure. */
function playwrightCounts(status) {
  const report = readJson(PLAYWRIGHT_REPORT);
  if (!report?.stats) return { passed: 0, failed: 1, note: "no report: Playwright did not finish (see its output above)" };
  const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats;
  // A flaky test (passed only on a retry) is a failure here; the config allows no retries anyway.
  const counts = { passed: expected, failed: unexpected + flaky, skipped };
  if (status !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `Playwright exited with status ${status}: errors outside the tests (see above)` };
  return counts;
}

function describe({ passed, failed, skipped, note }) {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}${note ? ` — ${note}` : ""}`;
}

const phases = [];
const started = Date.now();
const seconds = (since) => `${Math.round((Date.now() - since) / 1000)} s`;

async function phase(name, body) {
  if (interrupted) return;
  const at = Date.now();
  const counts = await body();
  phases.push({ name, counts, took: seconds(at) });
}

fs.rmSync(reports, { recursive: true, force: true });
fs.mkdirSync(reports, { recursive: true });

// Checked first, so a machine without a browser hears it at once, not after the unit tests.
const browser = findChromium();
if (browser.problem) process.stderr.write(`${browser.problem}\nThe e2e tests will not run; the other phases run now.\n`);

await phase("typecheck", async () => {
  // The production build (which the system and e2e tests run) does not wait for the type check:
  // they run side by side, and the check's output is printed once the build's has been.
  process.stdout.write("\n=== typecheck (tsc --noEmit), beside the build when it is stale\n");
  const check = runCaptured("node_modules/typescript/bin/tsc", ["--noEmit"]);
  const build = await run("build (next build, when stale)", "scripts/build-if-stale.mjs", []);
  const { status, output } = await check;
  process.stdout.write(output);
  if (build !== 0) process.stderr.write("The build failed (see above); the system and e2e tests will try it again.\n");
  return status === 0 ? { passed: 0, failed: 0, note: "ok" } : { passed: 0, failed: 1, note: "type errors (see above)" };
});

await phase("vitest", async () => {
  const status = await run("vitest (unit, integration, system)", "node_modules/vitest/vitest.mjs", [
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${VITEST_REPORT}`,
  ]);
  return vitestCounts(status);
});

await phase("playwright", async () => {
  if (browser.problem) {
    process.stdout.write("\n=== playwright (e2e)\n");
    process.stderr.write(`${browser.problem}\n`);
    return { passed: 0, failed: 1, note: "not run: no browser" };
  }
  const status = await run(`playwright (e2e, ${browser.path})`, "node_modules/@playwright/test/cli.js", ["test"]);
  return playwrightCounts(status);
});

const passed = phases.reduce((sum, p) => sum + p.counts.passed, 0);
const failed = phases.reduce((sum, p) => sum + p.counts.failed, 0) + (interrupted ? 1 : 0);

process.stdout.write(`\n=== summary (${seconds(started)})\n`);
for (const p of phases) process.stdout.write(`${p.name}: ${p.name === "typecheck" ? p.counts.note : describe(p.counts)} (${p.took})\n`);
if (interrupted) process.stdout.write("interrupted: the remaining phases did not run\n");
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
