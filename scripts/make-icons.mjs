// Renders the PNG icons that phones need (a web app manifest's 192/512 icons, a maskable one, the
// Apple touch icon) from public/icon.svg with the e2e tests' Chromium. Run after changing the SVG:
// `node scripts/make-icons.mjs`; the PNGs are committed, so nothing renders them at run time.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";
import { findChromium } from "./find-browser.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const publicDir = path.join(root, "public");
/** The app's dark background (src/lib/theme/theme.ts): the home-screen tile behind the logo. */
const BACKGROUND = "#0c0e12";

/**
 * `inset`: the share of the square the logo takes. A maskable icon is cropped to a circle of 80 %
 * of its width by some launchers, so its logo keeps inside that safe zone; the Apple icon is
 * rounded by iOS and must be opaque (a transparent one is shown on black).
 */
const ICONS = [
  { file: "icon-192.png", size: 192, inset: 1, background: "transparent" },
  { file: "icon-512.png", size: 512, inset: 1, background: "transparent" },
  { file: "icon-maskable-512.png", size: 512, inset: 0.62, background: BACKGROUND },
  { file: "apple-touch-icon.png", size: 180, inset: 0.8, background: BACKGROUND },
];

const found = findChromium();
if (!found.path) {
  console.error(found.problem);
  process.exit(1);
}
const svg = fs.readFileSync(path.join(publicDir, "icon.svg"), "utf8");
const browser = await chromium.launch({ executablePath: found.path, args: ["--no-sandbox", "--disable-gpu"] });
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const icon of ICONS) {
    const logo = Math.round(icon.size * icon.inset);
    await page.setViewportSize({ width: icon.size, height: icon.size });
    await page.setContent(
      `<!doctype html><html><body style="margin:0;width:${icon.size}px;height:${icon.size}px;display:grid;place-items:center;background:${icon.background}">` +
        `<img alt="" width="${logo}" height="${logo}" src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}"></body></html>`,
    );
    await page.locator("img").evaluate((img) => img.decode());
    await page.screenshot({ path: path.join(publicDir, icon.file), omitBackground: icon.background === "transparent" });
    console.log(`public/${icon.file} (${icon.size}×${icon.size})`);
  }
} finally {
  await browser.close();
}
