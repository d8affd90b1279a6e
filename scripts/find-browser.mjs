// Which Chromium the e2e tests drive. Shared by playwright.config.ts, the e2e global setup and
// `npm test` (scripts/run-tests.mjs), so all three agree. Nothing here downloads a browser.
import fs from "node:fs";

/** Debian's `chromium` package puts its launcher here. */
export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

function isExecutableFile(file) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * PLAYWRIGHT_CHROMIUM_PATH when set (it must be an executable file: a wrong path is an error, not a
 * reason to look elsewhere), else Debian's /usr/bin/chromium.
 * Returns `{ path }`, or `{ problem }`: one line saying what is missing and how to get it.
 */
export function findChromium(env = process.env) {
  const fromEnv = env.PLAYWRIGHT_CHROMIUM_PATH;
  const fix = "install Chromium with `apt-get install -y chromium`, or set PLAYWRIGHT_CHROMIUM_PATH to a Chromium executable.";
  if (fromEnv) {
    if (isExecutableFile(fromEnv)) return { path: fromEnv };
    return { problem: `No browser for the e2e tests: PLAYWRIGHT_CHROMIUM_PATH=${fromEnv} is not an executable file; ${fix}` };
  }
  if (isExecutableFile(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM };
  return { problem: `No browser for the e2e tests: no executable ${DEBIAN_CHROMIUM} and PLAYWRIGHT_CHROMIUM_PATH is not set; ${fix}` };
}
