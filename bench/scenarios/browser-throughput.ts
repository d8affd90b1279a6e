import type { Browser } from "@playwright/test";
import { withChromium } from "../lib/browser";
import type { BenchContext, Row, ScenarioResult } from "../lib/context";
import { drewNote, openBenchPage, pageWaits, RENDERERS, TASK_TERMINAL, terminalSockets, timeKey, type KeyTiming, type RendererChoice } from "../lib/page-bench";
import type { BenchServer } from "../lib/server";
import { median, MB, round } from "../lib/stats";
import { viewerFlood } from "./throughput";

/** Printed after the file, only then: its painting means the browser has drawn the end of the flood. */
const END_NEEDLE = "flood-done-42";
const END_COMMAND = "echo flood-done-$((40+2))";
const TIMEOUT_MS = 600_000;
const VIEWPORT = { width: 1440, height: 900 };
const EXIT_LINE = '[data-testid="terminal-exit"]';

interface BrowserRun {
  /** The renderer asked for, and what drew the terminal (data-renderer at the end). */
  asked: RendererChoice;
  renderer: string;
  /** Bytes the program wrote (the session's totalBytes over the run). */
  outputBytes: number;
  /** Bytes of output the page's terminal socket received, and its resyncs (it skipped output). */
  receivedBytes: number;
  resyncs: number;
  /** Enter's key event → the end line painted, → the exit line shown, seconds. */
  paintedSeconds: number;
  exitShownSeconds: number;
  mbps: number;
}

/**
 * browser-throughput: one browser viewer on the 200 MiB `cat`. A task runs
 * `/bin/sh -c 'read _; cat flood.txt; echo flood-done-$((40+2))'`; its task page is open in
 * Debian's Chromium (per renderer); the bench clicks the terminal and presses Enter, which
 * releases `read`. MB/s = bytes the program wrote (the session's `totalBytes` over the run) ÷ the
 * time from the Enter's key event to the later of: `flood-done-42` painted in the terminal
 * (probe onRender with the text, then the next frame — it is printed after the last byte of the
 * file, so the browser has parsed and drawn everything before it) and the page showing the exit
 * line. The page's socket counts the output bytes it received and its resyncs (a resync skips
 * output: then the browser drew less than the program wrote, and the note says so). Baseline: the
 * throughput scenario's Node viewer (acks on receipt, renders nothing) on the same file through
 * the same server, alternating with the browser runs.
 */
export async function browserThroughputScenario(ctx: BenchContext, reps: number, renderers: readonly RendererChoice[] = RENDERERS): Promise<ScenarioResult> {
  const node: number[] = [];
  const runs: BrowserRun[] = [];
  await ctx.withServer("browser-throughput", {}, async (server) => {
    await withChromium(async (browser) => {
      for (let i = 0; i < reps; i++) {
        const n = await viewerFlood(server, ctx, `node viewer ${i + 1}`, `exec cat ${ctx.floodFile}`);
        node.push(n.outputBytes / MB / n.seconds);
        ctx.log(`  browser-throughput ${i + 1}: Node viewer ${node.at(-1)!.toFixed(1)} MB/s${n.resyncs ? ` (resynced ${n.resyncs}×)` : ""}`);
        for (const renderer of renderers) {
          const run = await browserFlood(server, ctx, browser, renderer, `browser ${renderer} ${i + 1}`);
          runs.push(run);
          ctx.log(
            `  browser-throughput ${i + 1}: ${renderer} (drew ${run.renderer}) ${run.mbps.toFixed(1)} MB/s (end painted ${run.paintedSeconds.toFixed(2)} s, exit shown ${run.exitShownSeconds.toFixed(2)} s, received ${round(run.receivedBytes / MB, 1)} of ${round(run.outputBytes / MB, 1)} MB, ${run.resyncs} resyncs)`,
          );
        }
      }
    });
  });
  const nodeMb = median(node);
  const rows: Row[] = renderers.map((renderer) => {
    const mine = runs.filter((r) => r.asked === renderer);
    const value = median(mine.map((r) => r.mbps));
    const resyncs = mine.reduce((a, r) => a + r.resyncs, 0);
    const share = mine.reduce((a, r) => a + r.receivedBytes, 0) / mine.reduce((a, r) => a + r.outputBytes, 0);
    return {
      scenario: "browser-throughput",
      metric: `200 MiB cat, 1 browser viewer, ${renderer}${drewNote(renderer, mine[0]?.renderer ?? null)}`,
      unit: "MB/s",
      app: round(value, 1),
      raw: round(nodeMb, 1),
      ratio: round(value / nodeMb, 2),
      target: { text: "≥ 25 MB/s", pass: value >= 25 },
      note: `median of ${mine.length}; Enter → the line printed after the file painted (or the exit shown, if later); the page received ${round(100 * share, 0)} % of the output${resyncs ? ` (resynced ${resyncs}× in all: the rest was skipped)` : ""}; baseline = the Node viewer of the throughput scenario through the same server`,
    };
  });
  return {
    rows,
    details: { reps, nodeViewerMBps: node.map((v) => round(v, 1)), browserRuns: runs.map((r) => ({ ...r, mbps: round(r.mbps, 1), paintedSeconds: round(r.paintedSeconds, 3), exitShownSeconds: round(r.exitShownSeconds, 3) })) },
  };
}

async function browserFlood(server: BenchServer, ctx: BenchContext, browser: Browser, renderer: RendererChoice, title: string): Promise<BrowserRun> {
  const taskId = await server.startTask(title, ctx.tmp, `read _; cat ${ctx.floodFile}; ${END_COMMAND}`);
  const { context, page } = await openBenchPage(browser, renderer, { viewport: VIEWPORT });
  try {
    await page.goto(`${server.origin}/tasks/${taskId}`);
    // Attached and drawn (its snapshot arrived and the probe is there) before the Enter.
    await pageWaits(page, `window.__bench.probeOf(${JSON.stringify(TASK_TERMINAL)}) !== null && window.__bench.sockets.some((s) => s.firstSnapshotAt !== null)`, "task terminal attached", 60_000);
    await page.evaluate(`window.__bench.appears(${JSON.stringify(EXIT_LINE)})`);
    await page.locator(TASK_TERMINAL).click();
    const before = (await producedBytes(server, taskId)) ?? 0;
    const socketsBefore = await terminalSockets(page, taskId);
    const timing: KeyTiming = await timeKey(page, TASK_TERMINAL, { key: "Enter", ctrl: false }, END_NEEDLE, () => page.keyboard.press("Enter"), TIMEOUT_MS);
    await pageWaits(page, `window.__bench.appearedAt(${JSON.stringify(EXIT_LINE)}) !== null`, "exit shown", TIMEOUT_MS);
    const exitAt = (await page.evaluate(`window.__bench.appearedAt(${JSON.stringify(EXIT_LINE)})`)) as number;
    const after = await producedBytes(server, taskId);
    const sockets = await terminalSockets(page, taskId);
    const receivedBefore = socketsBefore.reduce((a, s) => a + s.bytes, 0);
    const receivedBytes = sockets.reduce((a, s) => a + s.bytes, 0) - receivedBefore;
    const paintedSeconds = (timing.paintedAt - timing.keyAt) / 1000;
    const exitShownSeconds = (exitAt - timing.keyAt) / 1000;
    // Once the session is gone its count is too; then what the page received is the best figure left.
    const outputBytes = after === null ? receivedBytes : after - before;
    return {
      asked: renderer,
      renderer: timing.renderer,
      outputBytes,
      receivedBytes,
      resyncs: sockets.reduce((a, s) => a + s.resyncs, 0),
      paintedSeconds,
      exitShownSeconds,
      mbps: outputBytes / MB / Math.max(paintedSeconds, exitShownSeconds),
    };
  } finally {
    await context.close();
  }
}

/** The session's output byte count (its log's), or null once the session is gone. */
async function producedBytes(server: BenchServer, taskId: string): Promise<number | null> {
  return (await server.ok<{ totalBytes: number | null }>("GET", `/api/internal/terminal/${taskId}/status`)).totalBytes;
}
