import { runBaseline } from "../lib/baseline";
import type { BenchContext, ScenarioResult } from "../lib/context";
import type { BenchServer } from "../lib/server";
import { median, MB, nowMs, round } from "../lib/stats";
import { readCpuMs } from "../lib/rss";
import { BenchViewer } from "../lib/viewer";

/**
 * throughput: `cat` of the generated 200 MiB file in a task session, received by one WebSocket
 * viewer that acks like the browser client → MB/s; vs raw node-pty reading the same command.
 * Both run `/bin/sh -c 'read _; exec cat <file>'` and the clock runs from the Enter that releases
 * `read` to the end of the output (the `exit` message for the viewer, node-pty's exit or its last
 * data, whichever is later, for raw). Runs alternate raw/app `reps` times; medians are reported.
 */
export async function throughputScenario(ctx: BenchContext, reps: number): Promise<ScenarioResult> {
  const script = `exec cat ${ctx.floodFile}`;
  const raw: number[] = [];
  const app: number[] = [];
  const appRuns: unknown[] = [];
  await ctx.withServer("throughput", {}, async (server) => {
    for (let i = 0; i < reps; i++) {
      const r = (await runBaseline(ctx.root, "throughput", { script })) as { bytes: number; seconds: number };
      raw.push(r.bytes / MB / r.seconds);
      const a = await viewerFlood(server, ctx, `throughput ${i + 1}`, script);
      app.push(a.bytes / MB / a.seconds);
      appRuns.push(a);
      // A resync means the viewer fell out of the ring and skipped output: fewer bytes, lower MB/s.
      const skipped = a.resyncs > 0 ? `, viewer resynced ${a.resyncs}×` : "";
      ctx.log(`  throughput run ${i + 1}: raw ${raw.at(-1)!.toFixed(1)} MB/s, app ${app.at(-1)!.toFixed(1)} MB/s (server CPU ${a.serverCpuMs} ms, viewer CPU ${a.viewerCpuMs} ms${skipped})`);
    }
  });
  const appMb = median(app);
  const rawMb = median(raw);
  const ratio = appMb / rawMb;
  return {
    rows: [
      {
        scenario: "throughput",
        metric: "200 MiB cat, 1 viewer",
        unit: "MB/s",
        app: round(appMb, 1),
        raw: round(rawMb, 1),
        ratio: round(ratio, 2),
        target: { text: "≥ 0.9× raw", pass: ratio >= 0.9 },
      },
    ],
    details: { rawMBps: raw.map((v) => round(v, 2)), appMBps: app.map((v) => round(v, 2)), appRuns },
  };
}

export interface FloodRun {
  bytes: number;
  seconds: number;
  resyncs: number;
  frames: number;
  /** CPU the server process used during the run, and the bench process (the viewer). */
  serverCpuMs: number;
  viewerCpuMs: number;
}

/** Starts `script` behind `read _`, attaches one acking viewer, releases it and times it to the exit. */
export async function viewerFlood(server: BenchServer, ctx: BenchContext, title: string, script: string): Promise<FloodRun> {
  const taskId = await server.startTask(title, ctx.tmp, `read _; ${script}`);
  const viewer = new BenchViewer(server.origin, taskId, { ack: "browser" });
  await viewer.ready();
  const before = viewer.bytes;
  const serverCpu = readCpuMs(server.pid);
  const ownCpu = process.cpuUsage();
  const t0 = nowMs();
  viewer.input("\r");
  await viewer.exited();
  const own = process.cpuUsage(ownCpu);
  const run = {
    bytes: viewer.bytes - before,
    seconds: (viewer.exitAt - t0) / 1000,
    resyncs: viewer.resyncs,
    frames: viewer.frames,
    serverCpuMs: Math.round(readCpuMs(server.pid) - serverCpu),
    viewerCpuMs: Math.round((own.user + own.system) / 1000),
  };
  viewer.close();
  return run;
}
