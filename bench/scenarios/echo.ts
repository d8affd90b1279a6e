import { runBaseline } from "../lib/baseline";
import type { BenchContext, ScenarioResult } from "../lib/context";
import type { BenchServer } from "../lib/server";
import { percentile, nowMs, round, sleep } from "../lib/stats";
import { BenchViewer } from "../lib/viewer";

/** `a` then DEL, over and over: the line never grows, and every key has an echo. */
export const ECHO_KEYS = ["a", "\x7f"];
/**
 * Round trips made before measuring, on both sides. The bench's server is seconds old; over its
 * first 2 000 keys the path is still warming up (V8 optimises it as it runs: p50 0.31–0.38 ms,
 * then 0.22 ms). People's server has been running for hours: the steady state is what they feel.
 */
export const ECHO_WARMUP_KEYS = 1_000;

/**
 * keystroke echo: `keys` single-key round trips to `bash --norc --noprofile` (readline echoes
 * each key) — through the WebSocket (input message → binary echo frame) vs raw node-pty
 * write → onData. Each key waits for its whole echo (sizes learnt first) before the next; keys
 * go back to back (no think time). Raw does half its keys before the app and half after. Each
 * side first makes ECHO_WARMUP_KEYS unmeasured round trips.
 */
export async function echoScenario(ctx: BenchContext, keys: number): Promise<ScenarioResult> {
  // Raw runs half its keys before the app and half after, so both see the same machine.
  const rawRun = async () => (await runBaseline(ctx.root, "echo", { keys: Math.ceil(keys / 2), warmupKeys: ECHO_WARMUP_KEYS, keySeq: ECHO_KEYS })) as { latencies: number[]; echoBytes: number[] };
  const rawBefore = await rawRun();
  const app = await ctx.withServer("echo", {}, async (server) => {
    const taskId = await server.startTask("echo", ctx.tmp, "exec /bin/bash --norc --noprofile");
    return viewerEcho(server, taskId, keys, ECHO_WARMUP_KEYS);
  });
  const rawAfter = await rawRun();
  const raw = { latencies: [...rawBefore.latencies, ...rawAfter.latencies], echoBytes: rawBefore.echoBytes };
  const rows = (["p50", "p99"] as const).map((p) => {
    const q = p === "p50" ? 50 : 99;
    const a = percentile(app.latencies, q);
    const r = percentile(raw.latencies, q);
    return {
      scenario: "echo",
      metric: `keystroke round trip ${p}`,
      unit: "ms",
      app: round(a, 3),
      raw: round(r, 3),
      ratio: round(a / r, 2),
      ...(p === "p99" ? { target: { text: "≤ raw p99 + 2 ms", pass: a <= r + 2 } } : {}),
    };
  });
  return {
    rows,
    details: {
      shell: "bash --norc --noprofile (readline echo)",
      keys,
      warmupKeys: ECHO_WARMUP_KEYS,
      app: summary(app.latencies),
      raw: summary(raw.latencies),
      echoBytes: { app: app.echoBytes, raw: raw.echoBytes },
    },
  };
}

/**
 * `keys` single-key round trips through one Node viewer (the browser's protocol, no rendering) to
 * the shell of `taskId`, after `warmupKeys` unmeasured ones: `a` then DEL, each waiting for its
 * whole echo (sizes learnt first). Also the browser scenarios' baseline (browser-keys).
 */
export async function viewerEcho(server: BenchServer, taskId: string, keys: number, warmupKeys: number): Promise<{ latencies: number[]; echoBytes: number[] }> {
  const viewer = new BenchViewer(server.origin, taskId, { ack: "browser" });
  await viewer.ready();
  await quiet(viewer, 300);
  const echoBytes: number[] = [];
  for (const key of ECHO_KEYS) {
    const before = viewer.bytes;
    viewer.input(key);
    await sleep(150);
    echoBytes.push(viewer.bytes - before);
  }
  const latencies: number[] = [];
  for (let i = 0; i < warmupKeys + keys; i++) {
    const k = i % ECHO_KEYS.length;
    const arrived = viewer.output(echoBytes[k]!);
    const t0 = nowMs();
    viewer.input(ECHO_KEYS[k]!);
    await arrived;
    if (i >= warmupKeys) latencies.push(nowMs() - t0);
  }
  viewer.close();
  return { latencies, echoBytes };
}

function summary(values: number[]) {
  return {
    p50: round(percentile(values, 50), 3),
    p90: round(percentile(values, 90), 3),
    p99: round(percentile(values, 99), 3),
    max: round(Math.max(...values), 3),
  };
}

/** Waits until the viewer received nothing for `ms`. */
async function quiet(viewer: BenchViewer, ms: number): Promise<void> {
  for (;;) {
    const before = viewer.bytes;
    await sleep(ms);
    if (viewer.bytes === before) return;
  }
}
