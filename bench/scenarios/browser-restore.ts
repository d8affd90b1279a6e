import { withChromium } from "../lib/browser";
import type { BenchContext, Row, ScenarioResult } from "../lib/context";
import { drewNote, openBenchPage, RENDERERS, TASK_TERMINAL, terminalSockets, type RendererChoice } from "../lib/page-bench";
import { percentile, round } from "../lib/stats";
import { nodeRestore, WARMUP_RUNS } from "./reconnect";

const LINES = 10_000;
/** Printed after the 10 000 lines: the last line of the restored screen, unique in it. */
const END_NEEDLE = "restore-end-42";
const TIMEOUT_MS = 60_000;
const VIEWPORT = { width: 1440, height: 900 };
/** Page loads before the measured ones (the browser's cache and the server's compiled routes warm). */
const WARMUP_LOADS = 2;

interface Load {
  renderer: string;
  /** Navigation start (the page's time origin) → the last line painted. */
  navigationMs: number;
  /** The terminal socket created → the last line painted (the restore itself). */
  attachMs: number;
  /** The terminal socket created → its snapshot received. */
  snapshotMs: number;
}

/**
 * browser-restore: the reconnect scenario's session (10 000 lines of the flood file printed, then
 * `restore-end-42`, then idle) opened in its task page in Debian's Chromium, per renderer, `runs`
 * page loads after WARMUP_LOADS. An init script watches from the page's first script: the
 * terminal's probe rendered rows showing `restore-end-42`, then the next frame. Two spans:
 * **attach → painted** (the terminal's WebSocket created → painted: connect, snapshot, parse,
 * render — what the reconnect scenario's Node viewer does without rendering; target < 300 ms) and
 * **navigation → painted** (the page's time origin → painted: the whole page load too).
 * Baseline: the reconnect scenario's Node figure (new WebSocket → snapshot written into a
 * headless xterm) on the same session through the same server.
 */
export async function browserRestoreScenario(ctx: BenchContext, runs: number, renderers: readonly RendererChoice[] = RENDERERS): Promise<ScenarioResult> {
  const result = await ctx.withServer("browser-restore", {}, async (server) => {
    const taskId = await server.startTask("restore", ctx.tmp, `head -n ${LINES} ${ctx.floodFile}; echo restore-end-$((40+2)); exec sleep 100000`);
    await server.ok("GET", `/api/internal/terminal/${taskId}/buffer?mode=tail&tailLines=1&waitFor=idle&idleMs=500&timeoutMs=30000`);
    const node = await nodeRestore(server, taskId, runs, WARMUP_RUNS);
    const loads: Record<string, Load[]> = {};
    await withChromium(async (browser) => {
      for (const renderer of renderers) {
        const { context, page } = await openBenchPage(browser, renderer, { viewport: VIEWPORT, watch: { selector: TASK_TERMINAL, needle: END_NEEDLE, timeoutMs: TIMEOUT_MS } });
        try {
          const mine: Load[] = [];
          for (let i = -WARMUP_LOADS; i < runs; i++) {
            await page.goto(`${server.origin}/tasks/${taskId}`);
            const painted = (await page.evaluate("window.__bench.watch")) as { paintedAt: number; renderer: string };
            const sockets = await terminalSockets(page, taskId);
            const socket = sockets[0];
            if (!socket || socket.firstSnapshotAt === null) throw new Error("the task page's terminal socket got no snapshot");
            if (i >= 0) {
              mine.push({
                renderer: painted.renderer,
                navigationMs: painted.paintedAt,
                attachMs: painted.paintedAt - socket.createdAt,
                snapshotMs: socket.firstSnapshotAt - socket.createdAt,
              });
            }
          }
          loads[renderer] = mine;
        } finally {
          await context.close();
        }
      }
    });
    const node2 = await nodeRestore(server, taskId, Math.ceil(runs / 2), 1);
    await server.stopTask(taskId);
    return { node: [...node.times, ...node2.times], chars: node.chars, loads };
  });

  const rows: Row[] = [];
  const nodeP50 = percentile(result.node, 50);
  for (const [span, key] of [["attach → painted", "attachMs"], ["navigation → painted", "navigationMs"]] as const) {
    for (const renderer of renderers) {
      const loads = result.loads[renderer]!;
      const value = percentile(loads.map((l) => l[key]), 50);
      rows.push({
        scenario: "browser-restore",
        metric: `10k-line screen, ${span} p50, ${renderer}${drewNote(renderer, loads[0]?.renderer ?? null)}`,
        unit: "ms",
        app: round(value, 1),
        raw: round(nodeP50, 1),
        ratio: round(value / nodeP50, 1),
        ...(key === "attachMs" ? { target: { text: "< 300 ms", pass: value < 300 } } : {}),
        ...(key === "attachMs" && renderer === renderers[0]
          ? { note: `${runs} page loads of the task page each (after ${WARMUP_LOADS}); painted = probe rendered the line printed after the 10 000 and the next frame ran; snapshot ${result.chars} chars; baseline = the reconnect scenario's Node viewer (new WebSocket → snapshot written into a headless xterm) on the same session, p50 of ${result.node.length}` }
          : {}),
      });
    }
  }
  for (const renderer of renderers) {
    const l = result.loads[renderer]!;
    ctx.log(`  browser-restore ${renderer} (drew ${l[0]?.renderer}): attach → painted p50 ${percentile(l.map((x) => x.attachMs), 50).toFixed(0)} ms, navigation → painted ${percentile(l.map((x) => x.navigationMs), 50).toFixed(0)} ms; Node ${nodeP50.toFixed(1)} ms`);
  }
  return {
    rows,
    details: {
      lines: LINES,
      runs,
      nodeMs: result.node.map((v) => round(v, 1)),
      loads: Object.fromEntries(
        Object.entries(result.loads).map(([r, l]) => [
          r,
          l.map((x) => ({ renderer: x.renderer, navigationMs: round(x.navigationMs, 1), attachMs: round(x.attachMs, 1), snapshotMs: round(x.snapshotMs, 1) })),
        ]),
      ),
    },
  };
}
