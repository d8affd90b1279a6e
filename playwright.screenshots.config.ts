import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

/**
 * `npm run screenshots`: regenerates the README's pictures in docs/screenshots/ from the real server
 * (e2e/screenshots.spec.ts). `npm test` runs the same spec but keeps its pictures under test-results/.
 */
export default defineConfig<{ readmeScreenshotDir: string }>({
  ...base,
  testMatch: "screenshots.spec.ts",
  reporter: [["list"]],
  projects: (base.projects ?? []).map((project) => ({
    ...project,
    use: { ...project.use, readmeScreenshotDir: "docs/screenshots" },
  })),
});
