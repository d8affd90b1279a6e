import headless from "@xterm/headless";
import { runBaseline } from "../lib/baseline";
import type { BenchContext, ScenarioResult } from "../lib/context";
import type { BenchServer } from "../lib/server";
import { nowMs, percentile, round, sleep } from "../lib/stats";
import { BenchViewer } from "../lib/viewer";

const { Terminal } = headless;
const LINES = 10_000;
/** Connects before the measured ones (JIT warm-up on both ends), as in a server that has run a while. */
export const WARMUP_RUNS = 3;

/**
 * reconnect: a session that printed 10 000 lines of the flood file (so its mirror holds 10 000
 * lines of scrollback) and now idles. `runs` times, a new viewer connects; the time runs from
 * `new WebSocket(...)` to the `snapshot` message written into a fresh headless xterm (its write
 * callback) — the restored screen; 3 unmeasured connects first. Raw: the floor of the same restore in one bare process
 * (headless xterm with the same lines, serialized with the app's 1000-line bound, written into a
 * fresh headless xterm) — no socket, no server.
 */
export async function reconnectScenario(ctx: BenchContext, runs: number): Promise<ScenarioResult> {
  const raw = (await runBaseline(ctx.root, "reconnect", { file: ctx.floodFile, lines: LINES, runs, scrollback: 10_000, serializeLines: 1000 })) as {
    times: number[];
    chars: number;
  };
  const app = await ctx.withServer("reconnect", {}, async (server) => {
    const taskId = await server.startTask("reconnect", ctx.tmp, `head -n ${LINES} ${ctx.floodFile}; exec sleep 100000`);
    await server.ok("GET", `/api/internal/terminal/${taskId}/buffer?mode=tail&tailLines=1&waitFor=idle&idleMs=500&timeoutMs=30000`);
    const status = await server.ok<{ totalLines: number }>("GET", `/api/internal/terminal/${taskId}/status`);
    const { times, chars } = await nodeRestore(server, taskId, runs, WARMUP_RUNS);
    await server.stopTask(taskId);
    return { times, chars, totalLines: status.totalLines };
  });
  ctx.log(`  reconnect: app p50 ${percentile(app.times, 50).toFixed(1)} ms, raw p50 ${percentile(raw.times, 50).toFixed(1)} ms`);
  const rows = (["p50", "p99"] as const).map((p) => {
    const q = p === "p50" ? 50 : 99;
    const a = percentile(app.times, q);
    const r = percentile(raw.times, q);
    return {
      scenario: "reconnect",
      metric: `restored screen ${p}, 10k lines`,
      unit: "ms",
      app: round(a, 1),
      raw: round(r, 1),
      ratio: round(a / r, 2),
      ...(p === "p99" ? { target: { text: "< 100 ms", pass: a < 100 } } : { note: `snapshot ${app.chars} chars (raw ${raw.chars})` }),
    };
  });
  return { rows, details: { runs, app, raw } };
}

/**
 * `runs` restores of `taskId`'s screen by a Node viewer, after `warmupRuns` unmeasured: from
 * `new WebSocket(...)` to the snapshot written into a fresh headless xterm (its write callback).
 * Also the browser-restore scenario's baseline.
 */
export async function nodeRestore(server: BenchServer, taskId: string, runs: number, warmupRuns: number): Promise<{ times: number[]; chars: number }> {
  const times: number[] = [];
  let chars = 0;
  for (let i = -warmupRuns; i < runs; i++) {
    const t0 = nowMs();
    const viewer = new BenchViewer(server.origin, taskId, { ack: "browser" });
    await viewer.ready();
    const snap = viewer.snapshot!;
    chars = snap.data.length;
    const term = new Terminal({ cols: snap.cols, rows: snap.rows, scrollback: 10_000, allowProposedApi: true });
    await new Promise<void>((resolve) => term.write(snap.data, resolve));
    const restoredAt = nowMs();
    if (i >= 0) times.push(restoredAt - t0);
    term.dispose();
    viewer.close();
    await sleep(50);
  }
  return { times, chars };
}
