import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

/**
 * `npm run screenshots`: regenerates the README's pictures in docs/screenshots/ from the real server
 * (e2e/screenshots.spec.ts), which `npm test` leaves out.
 */
export default defineConfig<{ readmeScreenshotDir: string }>({
  ...base,
  testMatch: "screenshots.spec.ts",
  testIgnore: [],
  reporter: [["list"]],
  projects: (base.projects ?? []).map((project) => ({
    ...project,
    use: { ...project.use, readmeScreenshotDir: "docs/screenshots" },
  })),
});
