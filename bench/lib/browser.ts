import { chromium, type Browser } from "@playwright/test";
import { findChromium } from "../../scripts/find-browser.mjs";

/** The flags e2e runs Chromium with (playwright.config.ts). */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu", "--no-first-run", "--disable-sync"];

/** Debian's Chromium (or PLAYWRIGHT_CHROMIUM_PATH), launched as the e2e tests launch it. */
export function launchChromium(): Promise<Browser> {
  const found = findChromium();
  if (!found.path) throw new Error(found.problem);
  return chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS });
}

/** Runs `fn` with a fresh Chromium, closed afterwards whatever happens. */
export async function withChromium<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await launchChromium();
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}
