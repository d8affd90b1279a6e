import { buildIfStale } from "../scripts/build-if-stale.mjs";

/**
 * The e2e servers run the production build (`AI_MANAGER_SKIP_BUILD=1`), so make sure there is a
 * current one first — the same staleness rule as `npm start`.
 */
export default function globalSetup(): void {
  const status = buildIfStale(process.cwd());
  if (status !== 0) throw new Error(`next build failed with exit status ${status}; see its output above.`);
}
