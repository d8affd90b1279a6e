import type { Browser, Page } from "@playwright/test";
import { launchChromium } from "../lib/browser";
import type { BenchContext, Row, ScenarioResult } from "../lib/context";
import { percentile, round } from "../lib/stats";

/** The diff the issue names: 5 000 changed lines in one file. */
const CHANGED_LINES = 5000;
/** Page loads before the measured ones (JIT, fonts, the route's chunks in the cache). */
const WARMUP_RUNS = 2;

interface Sample {
  /** Click on Open → the first diff rows painted (the frame after they are in the DOM). */
  firstPaintMs: number;
  /** The longest main-thread task during that time (the tab is frozen for this long). */
  longestTaskMs: number;
  /** Diff rows in the DOM at first paint. */
  rows: number;
}

async function measure(page: Page, url: string, button: "bench-open" | "bench-open-unpaged"): Promise<Sample> {
  await page.goto(url);
  await page.getByTestId(button).waitFor();
  // A string, not a function: tsx would wrap a function's inner helpers in `__name(...)`, which
  // does not exist in the page.
  return page.evaluate(`(${MEASURE_IN_PAGE})(${JSON.stringify(button)})`) as Promise<Sample>;
}

const MEASURE_IN_PAGE = `async (testId) => {
  const longTasks = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  try {
    observer.observe({ type: "longtask", buffered: false });
  } catch {}
  const t0 = performance.now();
  document.querySelector('[data-testid="' + testId + '"]').click();
  await new Promise((resolve) => {
    const check = () => {
      if (document.querySelector('[data-testid="bench-diff"] tr[data-line]')) requestAnimationFrame(() => setTimeout(resolve, 0));
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  const firstPaintMs = performance.now() - t0;
  await new Promise((resolve) => setTimeout(resolve, 200));
  observer.disconnect();
  const rows = document.querySelectorAll('[data-testid="bench-diff"] tr[data-line]').length;
  return { firstPaintMs, longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0, rows };
}`;

/**
 * review: time to first paint of a 5 000-line diff in the Changes tab's own DiffViewer, served by
 * the real app on its bench harness page (/bench/review, on only with AI_MANAGER_BENCH_PAGES=1) in
 * Debian's Chromium with the e2e flags. From the click on Open to the frame after the first diff
 * rows are in the DOM; `runs` fresh page loads after 2 unmeasured ones. "raw" is the same
 * component rendering every line at once (the library without the app's paging).
 */
export async function reviewScenario(ctx: BenchContext, runs: number): Promise<ScenarioResult> {
  const previous = process.env.AI_MANAGER_BENCH_PAGES;
  process.env.AI_MANAGER_BENCH_PAGES = "1";
  try {
    const result = await ctx.withServer("review", {}, async (server) => {
      let browser: Browser | undefined;
      try {
        browser = await launchChromium();
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const url = `${server.origin}/bench/review?lines=${CHANGED_LINES}`;
        const app: Sample[] = [];
        const raw: Sample[] = [];
        for (let i = -WARMUP_RUNS; i < runs; i++) {
          // Alternate the order so neither always runs on a warmer page cache.
          const first = i % 2 === 0 ? "bench-open" : "bench-open-unpaged";
          const second = first === "bench-open" ? "bench-open-unpaged" : "bench-open";
          const a = await measure(page, url, first);
          const b = await measure(page, url, second);
          if (i < 0) continue;
          (first === "bench-open" ? app : raw).push(a);
          (second === "bench-open" ? app : raw).push(b);
        }
        return { app, raw };
      } finally {
        await browser?.close();
      }
    });
    const appPaint = result.app.map((s) => s.firstPaintMs);
    const rawPaint = result.raw.map((s) => s.firstPaintMs);
    const appLong = result.app.map((s) => s.longestTaskMs);
    const rawLong = result.raw.map((s) => s.longestTaskMs);
    ctx.log(`  review: first paint p50 app ${percentile(appPaint, 50).toFixed(0)} ms, unpaged ${percentile(rawPaint, 50).toFixed(0)} ms`);
    const a50 = percentile(appPaint, 50);
    const r50 = percentile(rawPaint, 50);
    const aLong = percentile(appLong, 50);
    const rLong = percentile(rawLong, 50);
    const rows: Row[] = [
      {
        scenario: "review",
        metric: "first paint p50, 5 000-line diff",
        unit: "ms",
        app: round(a50, 1),
        raw: round(r50, 1),
        ratio: round(a50 / r50, 2),
        target: { text: "< 1000 ms", pass: a50 < 1000 },
        note: `raw = the same DiffViewer unpaged; rows at first paint: app ${result.app[0]?.rows ?? 0}, unpaged ${result.raw[0]?.rows ?? 0}`,
      },
      {
        scenario: "review",
        metric: "longest main-thread task p50",
        unit: "ms",
        app: round(aLong, 1),
        raw: round(rLong, 1),
        ratio: rLong > 0 ? round(aLong / rLong, 2) : undefined,
        target: { text: "< 1000 ms", pass: aLong < 1000 },
      },
    ];
    return { rows, details: { runs, changedLines: CHANGED_LINES, ...result } };
  } finally {
    if (previous === undefined) delete process.env.AI_MANAGER_BENCH_PAGES;
    else process.env.AI_MANAGER_BENCH_PAGES = previous;
  }
}
