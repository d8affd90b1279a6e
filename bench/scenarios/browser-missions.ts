import type { Browser, Page } from "@playwright/test";
import { BACKGROUND_BYTES_PER_SECOND } from "../../src/lib/client/background-rate";
import { runBaseline } from "../lib/baseline";
import { withChromium } from "../lib/browser";
import type { BenchContext, Row, ScenarioResult } from "../lib/context";
import { missionsFlood } from "./missions";
import {
  drewNote,
  keySummary,
  measureFrames,
  openBenchPage,
  pageWaits,
  rendererOf,
  RENDERERS,
  tileSelector,
  timeKey,
  type BackgroundRate,
  type FrameStats,
  type KeyTiming,
  type RendererChoice,
} from "../lib/page-bench";
import { BENCH_BASH_PROFILE, type BenchServer } from "../lib/server";
import { MB, nowMs, percentile, round, sleep } from "../lib/stats";

/** The missions scenario's twenty unbounded floods (bash `echo` loops). */
const SESSIONS = 20;
const COMMAND = (rep: number) => `echo b${rep}-$((6*7))`;
const answer = (rep: number) => `b${rep}-42`;
/** Between a click on a tile and its Ctrl+C, and after a tile's flood is restarted: a person's pace. */
const PAUSE_MS = 300;
const TIMEOUT_MS = 60_000;
const VIEWPORT = { width: 1440, height: 900 };

const titleOf = (n: number) => `Flood ${String(n).padStart(2, "0")}`;

interface Variant {
  renderer: RendererChoice;
  /** undefined: whatever the app does; else the bench's override of the visible background rate. */
  backgroundRate: BackgroundRate | undefined;
}

interface VariantResult {
  renderer: RendererChoice;
  backgroundRate: string;
  /** data-renderer of each of the twenty tiles once the page settled, and of each measured tile at its key. */
  tileRenderers: Record<string, number>;
  frames: FrameSummary;
  ctrlC: KeyTiming[];
  command: KeyTiming[];
  tiles: string[];
  floodMBps: number;
  pageLoadSeconds: number;
}

interface FrameSummary {
  fps: number;
  longestFrameMs: number;
  framesOver50Ms: number;
  longTasks: number;
  longTaskMsPerSecond: number;
  longestTaskMs: number;
  seconds: number;
}

/**
 * browser-missions: `/missions` with twenty unbounded floods (the missions scenario's), in
 * Debian's Chromium at 1440×900, per renderer (and per visible-background rate with
 * `--background-rates`). One server, its twenty floods running throughout; per variant a new
 * page: once the tiles in view show their floods and the page had a second to settle, **frames**
 * = requestAnimationFrame callbacks over `frameSeconds` with no tile focused (fps, the longest gap
 * between two frames, long tasks); then `reps` times, on the tiles in view in turn: click the
 * tile's terminal, 300 ms, Ctrl+C → `^C` painted in that tile; type `echo b<n>-$((6*7))`, Enter →
 * `b<n>-42` painted (key event timeStamp → probe rendered the text → next frame); then the
 * tile's flood is typed again through the internal API, so twenty floods run for every key.
 * Baseline: the missions scenario's raw node-pty figures for the same keys (no browser, no
 * server), in the same run.
 */
export async function browserMissionsScenario(
  ctx: BenchContext,
  options: { reps: number; frameSeconds: number; renderers?: readonly RendererChoice[]; backgroundRates?: readonly BackgroundRate[] },
): Promise<ScenarioResult> {
  const renderers = options.renderers ?? RENDERERS;
  const variants: Variant[] = (options.backgroundRates?.length ? options.backgroundRates : [undefined]).flatMap((backgroundRate) =>
    renderers.map((renderer) => ({ renderer, backgroundRate })),
  );
  const reps = options.reps;
  const raw = (await runBaseline(ctx.root, "missions", {
    floods: Array.from({ length: SESSIONS }, (_, i) => missionsFlood(i + 1)),
    targets: Array.from({ length: reps }, (_, i) => Math.floor((i * SESSIONS) / reps)),
    command: "echo b{n}-$((6*7))",
    answers: Array.from({ length: reps }, (_, rep) => answer(rep)),
    rampMs: 2_000,
    pauseMs: PAUSE_MS,
    timeoutMs: TIMEOUT_MS,
  })) as { samples: Array<{ session: number; ctrlCMs: number; commandMs: number }>; floodMBps: number };

  const results = await ctx.withServer("browser-missions", {}, async (server) => {
    const ids: string[] = [];
    for (let n = 1; n <= SESSIONS; n++) ids.push(await server.startTask(titleOf(n), ctx.tmp, missionsFlood(n), undefined, BENCH_BASH_PROFILE));
    const out: VariantResult[] = [];
    await withChromium(async (browser) => {
      for (const variant of variants) {
        ctx.log(`  browser-missions: ${variant.renderer}, background rate ${rateLabel(variant.backgroundRate)}`);
        out.push(await runVariant(server, ids, browser, variant, options.frameSeconds, reps, ctx.log));
      }
    });
    await Promise.all(ids.map((id) => server.stopTask(id)));
    return out;
  });

  const rows: Row[] = [];
  const rawCtrlC = raw.samples.map((s) => s.ctrlCMs);
  const rawCommand = raw.samples.map((s) => s.commandMs);
  const label = (r: VariantResult) => `${r.renderer}${drewNote(r.renderer, dominant(r.tileRenderers))}${options.backgroundRates?.length ? `, background ${r.backgroundRate}` : ""}`;
  const mix = (r: VariantResult) => Object.entries(r.tileRenderers).map(([k, v]) => `${v} ${k}`).join(" + ");
  for (const r of results) {
    rows.push({
      scenario: "browser-missions",
      metric: `fps, ${SESSIONS} floods, ${label(r)}`,
      unit: "fps",
      app: r.frames.fps,
      target: { text: "≥ 30 fps", pass: r.frames.fps >= 30 },
      note: `tiles drawn by ${mix(r)}; longest frame ${r.frames.longestFrameMs} ms, ${r.frames.framesOver50Ms} frames over 50 ms, ${r.frames.longTasks} long tasks (${r.frames.longTaskMsPerSecond} ms/s, longest ${r.frames.longestTaskMs} ms) over ${r.frames.seconds} s; the floods moved ${r.floodMBps.toFixed(1)} MB/s in all; page load until the tiles in view showed their floods ${r.pageLoadSeconds.toFixed(1)} s`,
    });
  }
  for (const [what, key, base] of [["Ctrl+C → ^C painted", "ctrlC", rawCtrlC], ["command → answer painted", "command", rawCommand]] as const) {
    for (const stat of ["p50", "p95"] as const) {
      const q = stat === "p50" ? 50 : 95;
      const rawValue = percentile(base, q);
      for (const r of results) {
        const value = percentile(r[key].map((s) => s.paintedAt - s.keyAt), q);
        rows.push({
          scenario: "browser-missions",
          metric: `${what} ${stat}, ${label(r)}`,
          unit: "ms",
          app: round(value, 1),
          raw: round(rawValue, 2),
          ratio: round(value / rawValue, 1),
          ...(key === "ctrlC" && stat === "p95" ? { target: { text: "≤ 200 ms", pass: value <= 200 } } : {}),
          ...(key === "ctrlC" && stat === "p50" && r === results[0]
            ? { note: `${reps} keys each, on the tiles in view in turn, every tile's flood running (restarted after each key); app = key event → the tile's rows painted in Chromium; baseline = raw node-pty, the same keys written to the same floods and read back (no browser, no server; ${raw.floodMBps.toFixed(1)} MB/s of floods)` }
            : {}),
        });
      }
    }
  }
  return {
    rows,
    details: {
      sessions: SESSIONS,
      reps,
      frameSeconds: options.frameSeconds,
      viewport: VIEWPORT,
      variants: results.map((r) => ({
        renderer: r.renderer,
        backgroundRate: r.backgroundRate,
        tileRenderers: r.tileRenderers,
        frames: r.frames,
        ctrlC: keySummary(r.ctrlC),
        command: keySummary(r.command),
        ctrlCPaintedMs: r.ctrlC.map((s) => round(s.paintedAt - s.keyAt, 1)),
        measuredTiles: r.tiles.map((t, i) => `${t} (${r.ctrlC[i]?.renderer ?? "?"})`),
        floodMBps: round(r.floodMBps, 2),
        pageLoadSeconds: round(r.pageLoadSeconds, 1),
      })),
      raw: { ...raw, samples: raw.samples.map((s) => ({ ...s, ctrlCMs: round(s.ctrlCMs, 2), commandMs: round(s.commandMs, 2) })) },
    },
  };
}

async function runVariant(
  server: BenchServer,
  ids: string[],
  browser: Browser,
  variant: Variant,
  frameSeconds: number,
  reps: number,
  log: (message: string) => void,
): Promise<VariantResult> {
  const { context, page } = await openBenchPage(browser, variant.renderer, { viewport: VIEWPORT, backgroundRate: variant.backgroundRate });
  try {
    const loadStartedAt = nowMs();
    await page.goto(`${server.origin}/missions`);
    await pageWaits(page, `document.querySelectorAll('section[aria-label="Live sessions"] article [data-renderer]').length >= ${SESSIONS}`, "twenty tiles", TIMEOUT_MS);
    const visible = await tilesInView(page);
    if (visible.length === 0) throw new Error("no tile wholly in view");
    for (const title of visible) {
      const n = Number(title.replace(/^Flood 0?/, ""));
      await pageWaits(page, `(window.__bench.screen(${JSON.stringify(tileSelector(title))}) || "").includes("tile-${n} ")`, `${title} shows its flood`, TIMEOUT_MS);
    }
    const pageLoadSeconds = (nowMs() - loadStartedAt) / 1000;
    log(`    the ${visible.length} tiles in view show their floods after ${pageLoadSeconds.toFixed(1)} s`);
    await sleep(1_000);
    const bytesBefore = await totalBytes(server, ids);
    const t0 = nowMs();
    const frames = summarizeFrames(await measureFrames(page, frameSeconds * 1000));
    const tileRenderers = await tileRendererCounts(page);
    log(`    ${frames.fps} fps, longest frame ${frames.longestFrameMs} ms; tiles drawn by ${JSON.stringify(tileRenderers)}`);
    const ctrlC: KeyTiming[] = [];
    const command: KeyTiming[] = [];
    const tiles: string[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const title = visible[rep % visible.length]!;
      const selector = tileSelector(title);
      const index = Number(title.replace(/^Flood 0?/, "")) - 1;
      // A tile typed into before shows its old ^C until its restarted flood scrolled it away.
      await pageWaits(page, `!(window.__bench.screen(${JSON.stringify(selector)}) || "^C").includes("^C")`, `${title} without an old ^C`, TIMEOUT_MS);
      await page.locator(selector).getByTestId("terminal-screen").click();
      await sleep(PAUSE_MS);
      ctrlC.push(await timeKey(page, selector, { key: "c", ctrl: true }, "^C", () => page.keyboard.press("Control+C"), TIMEOUT_MS));
      // One input event for the command (xterm sends it as typed text); only the Enter is timed.
      await page.keyboard.insertText(COMMAND(rep));
      command.push(await timeKey(page, selector, { key: "Enter", ctrl: false }, answer(rep), () => page.keyboard.press("Enter"), TIMEOUT_MS));
      tiles.push(title);
      log(`    ${title} (${ctrlC.at(-1)!.renderer}): Ctrl+C painted after ${(ctrlC.at(-1)!.paintedAt - ctrlC.at(-1)!.keyAt).toFixed(0)} ms, the answer after ${(command.at(-1)!.paintedAt - command.at(-1)!.keyAt).toFixed(0)} ms`);
      await server.ok("POST", `/api/internal/terminal/${ids[index]}/input`, { input: missionsFlood(index + 1) });
      await sleep(PAUSE_MS);
    }
    const floodMBps = ((await totalBytes(server, ids)) - bytesBefore) / MB / ((nowMs() - t0) / 1000);
    // What drew the measured tiles at the end (a lost context falls back to DOM).
    for (const [i, title] of tiles.entries()) {
      const now = await rendererOf(page, tileSelector(title));
      if (now && ctrlC[i] && now !== ctrlC[i]!.renderer) ctrlC[i]!.renderer = `${ctrlC[i]!.renderer}→${now}`;
    }
    return { renderer: variant.renderer, backgroundRate: rateLabel(variant.backgroundRate), tileRenderers, frames, ctrlC, command, tiles, floodMBps, pageLoadSeconds };
  } finally {
    await context.close();
  }
}

function rateLabel(rate: BackgroundRate | undefined): string {
  if (rate === undefined) return `app default (${BACKGROUND_BYTES_PER_SECOND / 1024} KiB/s)`;
  return rate === "unlimited" ? "unlimited" : `${Math.round(rate / 1024)} KiB/s`;
}

/** The renderer most tiles have (for the label's "(drew …)" when it is not the one asked for). */
function dominant(counts: Record<string, number>): string | null {
  const sorted = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return sorted[0]?.[0] ?? null;
}

function summarizeFrames(stats: FrameStats): FrameSummary {
  const longTaskMs = stats.longTasks.reduce((a, b) => a + b, 0);
  return {
    fps: round(stats.frames / stats.seconds, 1),
    longestFrameMs: round(Math.max(...stats.gaps), 1),
    framesOver50Ms: stats.gaps.filter((g) => g > 50).length,
    longTasks: stats.longTasksObserved ? stats.longTasks.length : NaN,
    longTaskMsPerSecond: round(longTaskMs / stats.seconds, 0),
    longestTaskMs: round(Math.max(0, ...stats.longTasks), 0),
    seconds: round(stats.seconds, 1),
  };
}

/** How many of the tiles each renderer draws now (data-renderer). */
async function tileRendererCounts(page: Page): Promise<Record<string, number>> {
  return (await page.evaluate(`[...document.querySelectorAll('section[aria-label="Live sessions"] article [data-renderer]')].reduce((counts, el) => {
    const r = el.getAttribute("data-renderer") || "none";
    counts[r] = (counts[r] || 0) + 1;
    return counts;
  }, {})`)) as Record<string, number>;
}

/** Titles of the tiles whose terminal is wholly in the viewport, in page order. */
async function tilesInView(page: Page): Promise<string[]> {
  const tiles = (await page.evaluate(`[...document.querySelectorAll('section[aria-label="Live sessions"] article')].map((a) => {
    const screen = a.querySelector('[data-testid="terminal-screen"]');
    const r = (screen || a).getBoundingClientRect();
    return { title: a.getAttribute("aria-label"), inView: r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth };
  })`)) as Array<{ title: string; inView: boolean }>;
  return tiles.filter((t) => t.inView).map((t) => t.title);
}

async function totalBytes(server: BenchServer, ids: string[]): Promise<number> {
  let sum = 0;
  for (const id of ids) sum += (await server.ok<{ totalBytes: number | null }>("GET", `/api/internal/terminal/${id}/status`)).totalBytes ?? 0;
  return sum;
}
