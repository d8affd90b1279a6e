import { MIRROR_SERIALIZE_SCROLLBACK_LINES } from "../../src/terminal/host/screen-mirror";
import { connectToHost } from "../../src/terminal/server/host-launcher";
import { runBaseline } from "../lib/baseline";
import type { BenchContext, ScenarioResult } from "../lib/context";
import { BENCH_BASH_PROFILE, type BenchServer } from "../lib/server";
import { median, nowMs, round, sleep } from "../lib/stats";
import { BenchViewer } from "../lib/viewer";

const SESSIONS = 20;
const LINES = 10_000;
/** Typed into an interactive bash (the Shell profile's way): it prints, then the shell stays at its prompt. */
const SCRIPT = `seq -f "line %g of a session with some text" ${LINES}`;
const LAST_LINE = `line ${LINES} of a session with some text`;
/** The live mirror's scrollback (what a viewer is restored with). */
const MIRROR_SCROLLBACK = 1_000;
const TIMEOUT_MS = 60_000;

interface TailView {
  totalLines: number;
  source: "live" | "recording";
}

interface RepResult {
  /** From the new server's URL on its stdout to the last of the 20 sessions fully back. */
  reattachMs: number;
  /** Per session: its viewer's snapshot, and the buffer API's tail with the old totalLines, after the URL. */
  snapshotMs: number[];
  bufferMs: number[];
  /** Process start → "connected to the terminal host" (its log) → URL printed. */
  spawnToConnectedMs: number | null;
  connectedToListeningMs: number | null;
  spawnToListeningMs: number;
  /** The handshake alone: a control connection's hello → welcome (the same welcome, 20 sessions listed), from the bench. */
  handshakeMs: number;
  bufferPolls: number;
}

/**
 * reattach: 20 sessions (`bash --norc --noprofile`, typed `seq` of 10 000 lines, then idle at
 * the prompt), each watched by a live WebSocket viewer. Then kill -9 of the app server, a new
 * one on the same data dir and port (its terminal host kept the sessions), and the time from the
 * new server printing its URL until all 20 reconnected viewers have their `snapshot` and the
 * buffer API answers `tail` for each with the absolute `totalLines` it had before the kill. The
 * viewers reconnect the moment the server listens (a browser waits out its backoff first,
 * 250 ms–5 s: not counted). `reps` kills in a row on the same sessions; p50 and max. With
 * `delayMs` the viewers reconnect that long after the URL and the clock starts then (diagnostics).
 * Raw: no equivalent; the floor of the host's share — 20 mirrors of the same output serialized
 * in one process (bench/baseline/raw-pty.ts `reattach`).
 */
export async function reattachScenario(ctx: BenchContext, reps: number, delayMs = 0): Promise<ScenarioResult> {
  const raw = (await runBaseline(ctx.root, "reattach", {
    sessions: SESSIONS,
    lines: LINES,
    runs: Math.max(3, reps),
    scrollback: MIRROR_SCROLLBACK,
    serializeLines: MIRROR_SERIALIZE_SCROLLBACK_LINES,
  })) as { times: number[]; chars: number };

  const app = await ctx.withServer("reattach", {}, async (first, control) => {
    const ids: string[] = [];
    for (let i = 0; i < SESSIONS; i++) ids.push(await first.startTask(`reattach ${i + 1}`, ctx.tmp, SCRIPT, undefined, BENCH_BASH_PROFILE));
    const totals = new Map<string, number>();
    await Promise.all(ids.map(async (id) => totals.set(id, await printed(first, id))));
    let viewers = ids.map((id) => new BenchViewer(first.origin, id, { ack: "browser" }));
    await Promise.all(viewers.map((v) => v.ready(TIMEOUT_MS)));
    const hostPid = first.host.pid;
    const results: RepResult[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const server = await control.killAndRestart({ logLevel: "info" });
      for (const v of viewers) v.close();
      if (server.host.pid !== hostPid) throw new Error(`the terminal host changed (pid ${hostPid} → ${server.host.pid}): the sessions did not survive`);
      // Diagnostics (--reattach-delay-ms): reconnect a while after the URL, so a fresh server's own
      // warm-up is not in the figure; the clock then starts when the viewers reconnect.
      if (delayMs > 0) await sleep(delayMs);
      const t0 = delayMs > 0 ? nowMs() : server.readyAt;
      const backs = await Promise.all(ids.map((id) => reattachOne(server, id, totals.get(id)!)));
      viewers = backs.map((b) => b.viewer);
      const done = backs.map((b) => Math.max(b.snapshotAt, b.bufferAt) - t0);
      const handshakeMs = await handshake(server.dataDir);
      const log = connectedAt(server.output());
      const result: RepResult = {
        reattachMs: Math.max(...done),
        snapshotMs: backs.map((b) => round(b.snapshotAt - t0, 1)),
        bufferMs: backs.map((b) => round(b.bufferAt - t0, 1)),
        spawnToConnectedMs: log === null ? null : log - server.spawnedAtEpochMs,
        connectedToListeningMs: log === null ? null : server.readyAtEpochMs - log,
        spawnToListeningMs: round(server.readyAt - server.spawnedAt, 1),
        handshakeMs: round(handshakeMs, 1),
        bufferPolls: backs.reduce((sum, b) => sum + b.polls, 0),
      };
      results.push(result);
      ctx.log(
        `  reattach ${rep + 1}: all ${SESSIONS} back ${result.reattachMs.toFixed(0)} ms after the URL (snapshots p50 ${median(result.snapshotMs).toFixed(0)} ms, ` +
          `buffer p50 ${median(result.bufferMs).toFixed(0)} ms); start → host connected ${result.spawnToConnectedMs ?? "?"} ms → listening +${result.connectedToListeningMs ?? "?"} ms; handshake alone ${result.handshakeMs} ms`,
      );
    }
    for (const v of viewers) v.close();
    return { results, snapshotChars: viewers[0]?.snapshot?.data.length ?? 0 };
  });

  const times = app.results.map((r) => r.reattachMs);
  const rawP50 = median(raw.times);
  const handshakes = app.results.map((r) => r.handshakeMs);
  const spawnToListening = app.results.map((r) => r.spawnToListeningMs);
  const p50 = median(times);
  const max = Math.max(...times);
  const rawMax = Math.max(...raw.times);
  return {
    rows: [
      {
        scenario: "reattach",
        metric: `${SESSIONS} sessions × 10k lines after kill -9, p50`,
        unit: "ms",
        app: round(p50, 1),
        raw: round(rawP50, 1),
        ratio: round(p50 / rawP50, 1),
        note:
          `${app.results.length} kills; from ${delayMs > 0 ? `${delayMs} ms after ` : ""}the new server's URL to all ${SESSIONS} viewers' snapshots and buffer tails; ` +
          `raw = the floor of the host's share: ${SESSIONS} mirrors serialized in one process (no raw equivalent of a reattach). ` +
          `Server start → listening p50 ${median(spawnToListening).toFixed(0)} ms (not counted); host handshake alone p50 ${median(handshakes).toFixed(1)} ms`,
      },
      {
        scenario: "reattach",
        metric: `${SESSIONS} sessions × 10k lines after kill -9, max`,
        unit: "ms",
        app: round(max, 1),
        raw: round(rawMax, 1),
        ratio: round(max / rawMax, 1),
        target: { text: "< 1 s", pass: max < 1000 },
      },
    ],
    details: { sessions: SESSIONS, lines: LINES, delayMs, reps: app.results, snapshotChars: app.snapshotChars, raw },
  };
}

/** Waits until the session printed its 10 000 lines and went quiet; its absolute line count then. */
async function printed(server: BenchServer, id: string): Promise<number> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const view = await server.ok<TailView>("GET", `/api/internal/terminal/${id}/buffer?mode=tail&tailLines=1&waitFor=idle&idleMs=500&timeoutMs=10000`);
    if (view.totalLines > LINES) return view.totalLines;
    if (Date.now() > deadline) throw new Error(`task ${id} printed only ${view.totalLines} lines`);
    await sleep(100);
  }
}

/** One session back on the new server: a new viewer's snapshot, and the buffer API's tail at the old line count. */
async function reattachOne(server: BenchServer, id: string, totalLines: number) {
  const viewer = new BenchViewer(server.origin, id, { ack: "browser" });
  const buffer = (async () => {
    let polls = 0;
    const deadline = nowMs() + TIMEOUT_MS;
    for (;;) {
      polls++;
      const answer = await server.api<TailView>("GET", `/api/internal/terminal/${id}/buffer?mode=tail&tailLines=1`);
      if (answer.body.success && answer.body.data.source === "live" && answer.body.data.totalLines === totalLines) return { at: nowMs(), polls };
      if (answer.body.success && answer.body.data.totalLines > totalLines) throw new Error(`task ${id}: ${answer.body.data.totalLines} lines after the restart, ${totalLines} before`);
      if (nowMs() > deadline) throw new Error(`task ${id}: the buffer API did not come back (${answer.status} ${JSON.stringify(answer.body.error ?? answer.body.data)})`);
      await sleep(5);
    }
  })();
  await viewer.ready(TIMEOUT_MS);
  if (viewer.closed) throw new Error(`task ${id}: the viewer was closed (${viewer.closed.code} ${viewer.closed.reason})`);
  if (!viewer.snapshot?.data.includes(LAST_LINE)) throw new Error(`task ${id}: the restored screen lacks "${LAST_LINE}"`);
  const { at, polls } = await buffer;
  return { viewer, snapshotAt: viewer.snapshotAt, bufferAt: at, polls };
}

/** A control connection's hello → welcome, timed in the bench (the app server's own handshake is the same exchange). */
async function handshake(dataDir: string): Promise<number> {
  const t0 = nowMs();
  const connection = await connectToHost(dataDir, { role: "control", launch: false });
  const ms = nowMs() - t0;
  connection.close();
  return ms;
}

/** The epoch ms of the server's "connected to the terminal host" log line (pino JSON on stderr), if logged. */
function connectedAt(log: string): number | null {
  for (const line of log.split("\n")) {
    if (!line.includes('"connected to the terminal host"')) continue;
    try {
      const entry = JSON.parse(line) as { time?: number };
      if (typeof entry.time === "number") return entry.time;
    } catch {
      // A partial line: not the one.
    }
  }
  return null;
}
