import { runBaseline } from "../lib/baseline";
import type { BenchContext, Row, ScenarioResult } from "../lib/context";
import { readRssOf } from "../lib/rss";
import { MB, round, sleep } from "../lib/stats";

const SHELL = "exec /bin/bash --norc --noprofile";
/** After the last prompt, let timers, JIT and allocations settle before the GC and the reading. */
const SETTLE_MS = 2_000;

/**
 * memory: RSS per idle session (`bash --norc --noprofile` at its prompt) at 1, 20 and 100
 * sessions, of the app server and its terminal host together (the host holds the sessions' PTYs,
 * logs, mirrors and recordings; the server its view of them). Each count runs on a fresh server: one warm-up session is started and reaped first
 * (so one-time code loading is not charged to the sessions), a full GC is forced through the
 * inspector (in both processes), RSS read; then n sessions start, each waits for its prompt, 2 s
 * settle, GC, RSS.
 * Reported: (RSS after − RSS before) ÷ n. Raw: the same bash sessions spawned by node-pty in a
 * bare Node process (forced GC with --expose-gc).
 */
export async function memoryScenario(ctx: BenchContext, counts: number[]): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  for (const n of counts) {
    const raw = (await runBaseline(ctx.root, "memory", { sessions: n, settleMs: SETTLE_MS })) as { perSession: number; before: number; after: number };
    const app = await ctx.withServer(`memory-${n}`, { "terminal.keepaliveExitedMs": 1_000 }, async (server) => {
      const warm = await server.startTask("warm-up", ctx.tmp, SHELL);
      await waitForPrompt(server, warm);
      await server.stopTask(warm);
      await waitReaped(server, warm);
      await server.gc();
      const before = readRssOf(server.pids);
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push(await server.startTask(`idle ${i + 1}`, ctx.tmp, SHELL));
      await Promise.all(ids.map((id) => waitForPrompt(server, id)));
      await sleep(SETTLE_MS);
      await server.gc();
      const after = readRssOf(server.pids);
      return {
        before: before.total,
        after: after.total,
        perSession: (after.total - before.total) / n,
        // The split: what each process grew by, per session.
        appServerPerSession: (after.each[0]! - before.each[0]!) / n,
        hostPerSession: (after.each[1]! - before.each[1]!) / n,
        rssApp: [before.each[0], after.each[0]],
        rssHost: [before.each[1], after.each[1]],
      };
    });
    ctx.log(
      `  memory ${n}: app ${(app.perSession / MB).toFixed(2)} MB/session (server ${(app.appServerPerSession / MB).toFixed(2)} + host ${(app.hostPerSession / MB).toFixed(2)}), raw ${(raw.perSession / MB).toFixed(2)} MB/session`,
    );
    rows.push({
      scenario: "memory",
      metric: `RSS per idle session, n=${n}`,
      unit: "MB",
      app: round(app.perSession / MB, 2),
      raw: round(raw.perSession / MB, 2),
      ratio: raw.perSession > 0 ? round(app.perSession / raw.perSession, 1) : undefined,
      target: { text: "≤ 4 MB", pass: app.perSession <= 4 * MB },
      note: `app server + terminal host: ${round(app.appServerPerSession / MB, 2)} + ${round(app.hostPerSession / MB, 2)} MB per session; both at ${round(app.after / MB, 0)} MB in all`,
    });
    details[`n${n}`] = { app, raw };
  }
  return { rows, details: { ...details, gc: "forced in the app server and the terminal host (inspector HeapProfiler.collectGarbage) / in the raw process (--expose-gc) after 2 s settle" } };
}

async function waitForPrompt(server: import("../lib/server").BenchServer, taskId: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const status = await server.ok<{ totalBytes: number | null }>("GET", `/api/internal/terminal/${taskId}/status`);
    if ((status.totalBytes ?? 0) > 0) return;
    await sleep(50);
  }
  throw new Error(`task ${taskId} printed no prompt`);
}

async function waitReaped(server: import("../lib/server").BenchServer, taskId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const status = await server.ok<{ live: boolean }>("GET", `/api/internal/terminal/${taskId}/status`);
    if (!status.live) return;
    await sleep(100);
  }
  throw new Error(`task ${taskId} was not reaped`);
}
