import { runBaseline } from "../lib/baseline";
import type { BenchContext, Row, ScenarioResult } from "../lib/context";
import { readRssOf, sampleRss } from "../lib/rss";
import { median, MB, MiB, nowMs, round } from "../lib/stats";
import { BenchViewer, type ViewerOptions } from "../lib/viewer";

interface Phase {
  name: string;
  /** The viewers: the first is the measured "normal" one. */
  viewers: ViewerOptions[];
}

const SOLO: Phase = { name: "solo", viewers: [{ ack: "browser" }] };
/** Solo runs first and again in the middle: the reference is their mean (the machine drifts). */
const PHASES: Phase[] = [
  SOLO,
  { name: "10 viewers", viewers: Array.from({ length: 10 }, () => ({ ack: "browser" as const })) },
  { name: "+ stalled (never acks)", viewers: [{ ack: "browser" }, { ack: "never" }] },
  SOLO,
  { name: "+ stalled (stops reading)", viewers: [{ ack: "browser" }, { ack: "browser", stopReadingAfter: 1 * MiB }] },
];

/**
 * fan-out: one session flooding `copies` × the 200 MiB file (1 GiB by default) watched by 1
 * viewer, by 10, and by 1 normal viewer next to a stalled one (one that never acks; one that
 * stops reading its socket after 1 MiB). Each phase runs on a fresh server, forced-GC'd before;
 * the RSS of the app server and its terminal host together is sampled every 50 ms (the host
 * holds the session and its viewer hub; the server relays the viewers' WebSockets). Reported: the normal (first) viewer's MB/s and the server's
 * peak RSS growth; a stalled viewer's cost is the growth above the solo phase's. The solo phase
 * runs twice (first, and between the two stalls); the reference is the mean of the two.
 */
export async function fanoutScenario(ctx: BenchContext, copies: number): Promise<ScenarioResult> {
  const script = `exec cat ${Array.from({ length: copies }, () => ctx.floodFile).join(" ")}`;
  const raw = (await runBaseline(ctx.root, "throughput", { script })) as { bytes: number; seconds: number };
  const rawMBps = raw.bytes / MB / raw.seconds;
  const results: Array<{ name: string; mbps: number; others: number[]; growth: number; growthSplit: number[]; resyncs: number[]; bytes: number; seconds: number }> = [];
  for (const phase of PHASES) {
    const result = await ctx.withServer(`fanout-${phase.name.replace(/\W+/g, "-")}`, {}, async (server) => {
      const taskId = await server.startTask(`fan-out ${phase.name}`, ctx.tmp, `read _; ${script}`);
      const viewers = phase.viewers.map((options) => new BenchViewer(server.origin, taskId, options));
      await Promise.all(viewers.map((v) => v.ready()));
      await server.gc();
      const startRss = readRssOf(server.pids);
      const sampler = sampleRss(server.pids);
      const starts = viewers.map((v) => v.bytes);
      const t0 = nowMs();
      viewers[0]!.input("\r");
      // Stalled viewers never see the exit; the normal ones do.
      const normal = viewers.filter((_, i) => phase.viewers[i]!.ack === "browser" && phase.viewers[i]!.stopReadingAfter === undefined);
      await Promise.all(normal.map((v) => v.exited()));
      const rss = await sampler.stop();
      const first = viewers[0]!;
      const mbpsOf = (v: BenchViewer, i: number) => (v.bytes - starts[i]!) / MB / ((v.exitAt - t0) / 1000);
      const out = {
        name: phase.name,
        mbps: mbpsOf(first, 0),
        others: normal.slice(1).map((v) => round(mbpsOf(v, viewers.indexOf(v)), 1)),
        growth: rss.peak - startRss.total,
        // Each process's own peak growth (app server, host): they need not peak together.
        growthSplit: rss.peaks.map((p, i) => p - startRss.each[i]!),
        resyncs: viewers.map((v) => v.resyncs),
        bytes: first.bytes - starts[0]!,
        seconds: (first.exitAt - t0) / 1000,
        peakRss: rss.peak,
        samples: rss.samples,
      };
      for (const v of viewers) v.close();
      return out;
    });
    results.push(result);
    ctx.log(
      `  fan-out ${phase.name}: ${result.mbps.toFixed(1)} MB/s, peak RSS +${(result.growth / MB).toFixed(1)} MB (server +${(result.growthSplit[0]! / MB).toFixed(1)}, host +${(result.growthSplit[1]! / MB).toFixed(1)})`,
    );
  }
  const solos = results.filter((r) => r.name === SOLO.name);
  const solo = {
    ...solos[0]!,
    mbps: solos.reduce((sum, r) => sum + r.mbps, 0) / solos.length,
    growth: solos.reduce((sum, r) => sum + r.growth, 0) / solos.length,
    growthSplit: [0, 1].map((i) => solos.reduce((sum, r) => sum + r.growthSplit[i]!, 0) / solos.length),
  };
  const rows: Row[] = [];
  for (const r of [solo, ...results.filter((x) => x.name !== SOLO.name)]) {
    const isStall = r.name.startsWith("+ stalled");
    const keep = r.mbps / solo.mbps;
    const cost = r.growth - solo.growth;
    rows.push({
      scenario: "fan-out",
      metric: r === solo ? `solo (mean of ${solos.length}): viewer` : `${r.name}: normal viewer`,
      unit: "MB/s",
      app: round(r.mbps, 1),
      raw: round(rawMBps, 1),
      ratio: round(r.mbps / rawMBps, 2),
      ...(isStall ? { target: { text: "≥ 0.7× solo", pass: keep >= 0.7 } } : {}),
      note: r === solo ? `solo runs: ${solos.map((x) => `${x.mbps.toFixed(1)} MB/s, +${(x.growth / MB).toFixed(1)} MB`).join("; ")}` : `${round(keep, 2)}× solo${r.others.length ? `; other viewers median ${median(r.others).toFixed(1)} MB/s` : ""}`,
    });
    rows.push({
      scenario: "fan-out",
      metric: r === solo ? `solo (mean of ${solos.length}): app+host peak RSS growth` : `${r.name}: app+host peak RSS growth`,
      unit: "MB",
      app: round(r.growth / MB, 1),
      ...(isStall ? { target: { text: "stall cost < 50 MB", pass: cost < 50 * MB } } : {}),
      note: `${isStall ? `stall cost ${round(cost / MB, 1)} MB over solo; ` : ""}each one's own peak growth: app server +${round(r.growthSplit[0]! / MB, 1)} MB, host +${round(r.growthSplit[1]! / MB, 1)} MB`,
    });
  }
  return { rows, details: { copies, outputBytes: raw.bytes, rawMBps: round(rawMBps, 2), phases: results } };
}
