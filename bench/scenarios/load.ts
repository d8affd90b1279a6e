import http from "node:http";
import { startBaseline } from "../lib/baseline";
import type { BenchContext, ScenarioResult } from "../lib/context";
import { MB, nowMs, percentile, round, sleep } from "../lib/stats";

/** Floods ramp up this long before the reads start. */
const RAMP_MS = 1_500;

/**
 * load: `sessions` sessions flooding at once (`cat` of the 200 MiB file in a loop, no viewer)
 * while `GET …/buffer?mode=tail` (50 lines) is called back to back, round-robin over the
 * sessions, for `durationMs` → p50/p99 latency, measured by the client on a keep-alive
 * connection. Raw: the same floods under raw node-pty in a bare Node process whose bare HTTP
 * server answers the last 50 lines of a naive per-session tail.
 */
export async function loadScenario(ctx: BenchContext, sessions: number, durationMs: number): Promise<ScenarioResult> {
  const script = `while :; do cat ${ctx.floodFile}; done`;
  const baseline = startBaseline(ctx.root, "load", { sessions, script });
  const { port } = (await baseline.ready) as { port: number };
  await sleep(RAMP_MS);
  baseline.child.stdin!.write("start\n");
  const raw = await hammer(`http://127.0.0.1:${port}`, (i) => `/tail/${i % sessions}`, durationMs);
  baseline.child.stdin!.end();
  const { floodMBps: rawFloodMBps } = (await baseline.result) as { floodMBps: number };

  const app = await ctx.withServer("load", {}, async (server) => {
    const ids: string[] = [];
    for (let i = 0; i < sessions; i++) ids.push(await server.startTask(`flood ${i + 1}`, ctx.tmp, script));
    await sleep(RAMP_MS);
    const bytesBefore = await totalBytes(server, ids);
    const t0 = nowMs();
    const result = await hammer(server.origin, (i) => `/api/internal/terminal/${ids[i % sessions]}/buffer?mode=tail`, durationMs, server.token);
    const floodMBps = (await totalBytes(server, ids)) - bytesBefore;
    const seconds = (nowMs() - t0) / 1000;
    await Promise.all(ids.map((id) => server.stopTask(id)));
    return { ...result, floodMBps: floodMBps / MB / seconds };
  });
  ctx.log(`  load: app p99 ${percentile(app.latencies, 99).toFixed(2)} ms (${app.latencies.length} reads), raw p99 ${percentile(raw.latencies, 99).toFixed(2)} ms`);
  const rows = (["p50", "p99"] as const).map((p) => {
    const q = p === "p50" ? 50 : 99;
    const a = percentile(app.latencies, q);
    const r = percentile(raw.latencies, q);
    return {
      scenario: "load",
      metric: `buffer tail read ${p}, ${sessions} floods`,
      unit: "ms",
      app: round(a, 2),
      raw: round(r, 2),
      ratio: round(a / r, 2),
      ...(p === "p99" ? { target: { text: "p99 < 5 ms", pass: a < 5 } } : {}),
      ...(p === "p50"
        ? { note: `${app.latencies.length} reads (raw ${raw.latencies.length}); the floods moved ${app.floodMBps.toFixed(1)} MB/s in total (raw ${rawFloodMBps.toFixed(1)})` }
        : {}),
    };
  });
  return {
    rows,
    details: {
      sessions,
      durationMs,
      app: { reads: app.latencies.length, p50: percentile(app.latencies, 50), p90: percentile(app.latencies, 90), p99: percentile(app.latencies, 99), max: Math.max(...app.latencies), floodMBps: app.floodMBps },
      raw: { reads: raw.latencies.length, p50: percentile(raw.latencies, 50), p90: percentile(raw.latencies, 90), p99: percentile(raw.latencies, 99), max: Math.max(...raw.latencies), floodMBps: rawFloodMBps },
    },
  };
}

async function totalBytes(server: import("../lib/server").BenchServer, ids: string[]): Promise<number> {
  let sum = 0;
  for (const id of ids) sum += (await server.ok<{ totalBytes: number | null }>("GET", `/api/internal/terminal/${id}/status`)).totalBytes ?? 0;
  return sum;
}

/** Sequential GETs on one keep-alive connection for `durationMs`; latency per request. */
async function hammer(origin: string, route: (i: number) => string, durationMs: number, token?: string): Promise<{ latencies: number[] }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  const end = nowMs() + durationMs;
  for (let i = 0; nowMs() < end; i++) {
    const t0 = nowMs();
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${origin}${route(i)}`, { agent, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
        res.on("data", () => undefined);
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`GET ${route(i)}: ${res.statusCode}`))));
      });
      req.on("error", reject);
    });
    latencies.push(nowMs() - t0);
  }
  agent.destroy();
  return { latencies };
}
