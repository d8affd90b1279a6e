import { buildIfStale } from "../../scripts/build-if-stale.mjs";

/**
 * The system suites run `node scripts/start.mjs` with AI_MANAGER_SKIP_BUILD=1, i.e. the production
 * build: make sure a current one exists first (the same staleness rule as `npm start`).
 */
export default function globalSetup(): void {
  const status = buildIfStale(process.cwd());
  if (status !== 0) throw new Error(`next build failed with exit status ${status}; see its output above.`);
}
