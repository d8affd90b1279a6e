import { buildIfStale } from "../scripts/build-if-stale.mjs";
import { findChromium } from "../scripts/find-browser.mjs";

/**
 * First the browser: without one, say in one line how to get it and stop (rather than Playwright's
 * advice to download one, which cannot work here). Then the e2e servers run the production build
 * (`AI_MANAGER_SKIP_BUILD=1`), so make sure there is a current one — the same staleness rule as
 * `npm start`.
 */
export default function globalSetup(): void {
  const browser = findChromium();
  if (browser.problem) {
    process.stderr.write(`${browser.problem}\n`);
    process.exit(1);
  }
  const status = buildIfStale(process.cwd());
  if (status !== 0) throw new Error(`next build failed with exit status ${status}; see its output above.`);
}
