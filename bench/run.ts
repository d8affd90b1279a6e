/**
 * `npm run bench`: each scenario of issue 7 against the app's real server (started fresh per
 * scenario: `node scripts/start.mjs`, throwaway data dir, AI_MANAGER_AUTH=none, LOG_LEVEL=warn)
 * and, in the same run, the same work through raw node-pty in a bare Node process
 * (bench/baseline/raw-pty.ts). Prints a table with both figures, their ratio and the target
 * marks, and writes everything to bench/results/<timestamp>.json. It never fails on a missed
 * target; it fails only when a scenario cannot run.
 *
 * Options (after `npm run bench --`):
 *   --only=throughput,echo,fanout,memory,load,reconnect,reattach,tokens,review,missions,search,costs,
 *          browser-keys,browser-missions,browser-throughput,browser-restore   run a subset
 *   --quick            smaller sizes (a smoke run, not comparable)
 *   --cpu-prof         profile each scenario's app server (node --cpu-prof) and its terminal host's main thread (inspector), print their top frames
 *   --skip-build       use the existing .next build even if stale (the server's own code runs from source)
 *   --throughput-reps=N  --fanout-copies=N  --echo-keys=N  --load-seconds=N  --missions-reps=N  --reattach-reps=N  --search-reps=N
 *   --reattach-delay-ms=N  (diagnostics: reconnect N ms after the restarted server listens)
 *   --browser-keys=N  --browser-reps=N  --browser-frame-seconds=N  --browser-throughput-reps=N  --browser-restore-runs=N
 *   --renderers=webgl,dom   which terminal renderers the browser scenarios ask for (default both)
 *   --background-rates=131072,unlimited   browser-missions: repeat it per visible-background-tile ack rate (bytes/s)
 *
 * Every server runs with its terminal host (a separate process since issue 14): CPU and RSS are
 * the two together, and each scenario stops the host (and its sessions) when it is done.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildIfStale } from "../scripts/build-if-stale.mjs";
import { createContext, leftoverHosts, shadowRoot, stopAllHosts, type Row, type ScenarioResult } from "./lib/context";
import { generateFloodFile } from "./lib/flood-file";
import { RENDERERS, type BackgroundRate, type RendererChoice } from "./lib/page-bench";
import { formatSummary, summarizeProfile } from "./lib/profile-summary";
import { round } from "./lib/stats";
import { browserKeysScenario } from "./scenarios/browser-keys";
import { browserMissionsScenario } from "./scenarios/browser-missions";
import { browserRestoreScenario } from "./scenarios/browser-restore";
import { browserThroughputScenario } from "./scenarios/browser-throughput";
import { costsScenario } from "./scenarios/costs";
import { echoScenario } from "./scenarios/echo";
import { fanoutScenario } from "./scenarios/fanout";
import { loadScenario } from "./scenarios/load";
import { memoryScenario } from "./scenarios/memory";
import { missionsScenario } from "./scenarios/missions";
import { reattachScenario } from "./scenarios/reattach";
import { reconnectScenario } from "./scenarios/reconnect";
import { reviewScenario } from "./scenarios/review";
import { searchScenario } from "./scenarios/search";
import { throughputScenario } from "./scenarios/throughput";
import { tokensScenario } from "./scenarios/tokens";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SCENARIOS = [
  "throughput",
  "echo",
  "fanout",
  "memory",
  "load",
  "reconnect",
  "reattach",
  "tokens",
  "review",
  "missions",
  "search",
  "costs",
  "browser-keys",
  "browser-missions",
  "browser-throughput",
  "browser-restore",
] as const;
type ScenarioName = (typeof SCENARIOS)[number];

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  const arg = process.argv.slice(2).find((a) => a === `--${name}` || a.startsWith(prefix));
  if (!arg) return undefined;
  return arg.startsWith(prefix) ? arg.slice(prefix.length) : "true";
}

function numberOption(name: string, fallback: number): number {
  const value = option(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

function renderersOption(): RendererChoice[] {
  const value = option("renderers");
  if (value === undefined) return [...RENDERERS];
  const list = value.split(",").map((s) => s.trim());
  for (const r of list) if (!(RENDERERS as readonly string[]).includes(r)) throw new Error(`--renderers: unknown renderer ${r}; known: ${RENDERERS.join(", ")}`);
  return list as RendererChoice[];
}

function backgroundRatesOption(): BackgroundRate[] | undefined {
  const value = option("background-rates");
  if (value === undefined) return undefined;
  return value.split(",").map((s) => {
    const v = s.trim();
    if (v === "unlimited") return "unlimited";
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--background-rates: ${v} is neither a positive number of bytes per second nor "unlimited"`);
    return n;
  });
}

function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    ramGB: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
  };
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

export function formatTable(rows: Row[]): string {
  // The baseline is raw node-pty for the server scenarios; the browser ones say theirs in the notes.
  const header = ["scenario", "metric", "app", "baseline", "app/base", "target", ""];
  const body = rows.map((r) => [
    r.scenario,
    r.metric,
    `${fmt(r.app)} ${r.unit}`,
    r.raw === undefined ? "—" : `${fmt(r.raw)} ${r.unit}`,
    r.ratio === undefined ? "—" : `${fmt(r.ratio)}×`,
    r.target?.text ?? "",
    r.target ? (r.target.pass ? "pass" : "MISS") : "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => pad(c, widths[i]!, i >= 2 && i <= 4)).join(" | ")} |`;
  const sep = `|${widths.map((w, i) => (i >= 2 && i <= 4 ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.scenario} / ${r.metric}: ${r.note}`);
  return [line(header), sep, ...body.map(line), "", ...notes].join("\n");
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  return String(value);
}

async function main(): Promise<void> {
  const only = option("only")?.split(",").map((s) => s.trim()) as ScenarioName[] | undefined;
  for (const name of only ?? []) if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario ${name}; known: ${SCENARIOS.join(", ")}`);
  const quick = option("quick") !== undefined;
  const cpuProf = option("cpu-prof") !== undefined;
  const config = {
    throughputReps: numberOption("throughput-reps", quick ? 1 : 5),
    fanoutCopies: numberOption("fanout-copies", quick ? 1 : 5),
    echoKeys: numberOption("echo-keys", quick ? 200 : 2000),
    memoryCounts: quick ? [1, 20] : [1, 20, 100],
    loadSessions: 20,
    loadSeconds: numberOption("load-seconds", quick ? 3 : 8),
    reconnectRuns: quick ? 5 : 30,
    reviewRuns: quick ? 3 : 7,
    missionsReps: numberOption("missions-reps", quick ? 3 : 5),
    reattachReps: numberOption("reattach-reps", quick ? 1 : 3),
    searchReps: numberOption("search-reps", quick ? 1 : 3),
    reattachDelayMs: option("reattach-delay-ms") === undefined ? 0 : numberOption("reattach-delay-ms", 0),
    floodMiB: 200,
    costsTranscriptMiB: quick ? 5 : 50,
    costsReps: quick ? 3 : 9,
    browserKeys: numberOption("browser-keys", quick ? 30 : 200),
    browserReps: numberOption("browser-reps", quick ? 4 : 12),
    browserFrameSeconds: numberOption("browser-frame-seconds", quick ? 3 : 6),
    browserThroughputReps: numberOption("browser-throughput-reps", quick ? 1 : 2),
    browserRestoreRuns: numberOption("browser-restore-runs", quick ? 4 : 15),
    renderers: renderersOption(),
    backgroundRates: backgroundRatesOption(),
  };

  const startedAt = new Date();
  const info = machine();
  log(`AI Manager bench — ${info.cpuModel}, ${info.cores} cores, ${info.ramGB} GB, Node ${info.node}, load ${info.loadAverageAtStart.join(" ")}`);
  if (option("skip-build") !== undefined && fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
    // The custom server and everything it runs (src/terminal, server/) load through tsx from the
    // sources; only the pages come from the build. Handy while another change breaks `next build`.
    log("--skip-build: using the existing .next build as it is");
  } else {
    const status = buildIfStale(root);
    if (status !== 0) throw new Error("the build failed; see above");
  }

  const resultsDir = path.join(root, "bench", "results");
  fs.mkdirSync(resultsDir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  const cpuProfDir = cpuProf ? path.join(resultsDir, `profiles-${stamp}`) : undefined;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ai-manager-bench-"));
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  process.once("SIGINT", () => {
    // Terminal hosts run detached from the bench (their own session): Ctrl+C does not reach them.
    void stopAllHosts().finally(() => {
      cleanup();
      process.exit(130);
    });
  });

  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  const timings: Record<string, number> = {};
  try {
    const floodFile = path.join(tmp, "flood.txt");
    generateFloodFile(floodFile, config.floodMiB * 1024 * 1024);
    let serverRoot: string;
    try {
      serverRoot = shadowRoot(root, path.join(tmp, "root"));
    } catch {
      // Someone rebuilt right then: build (if needed) and copy again, once.
      fs.rmSync(path.join(tmp, "root"), { recursive: true, force: true });
      if (buildIfStale(root) !== 0) throw new Error("the build failed; see above");
      serverRoot = shadowRoot(root, path.join(tmp, "root"));
    }
    const ctx = createContext(root, serverRoot, tmp, floodFile, cpuProfDir, log);
    const run: Record<ScenarioName, () => Promise<ScenarioResult>> = {
      throughput: () => throughputScenario(ctx, config.throughputReps),
      echo: () => echoScenario(ctx, config.echoKeys),
      fanout: () => fanoutScenario(ctx, config.fanoutCopies),
      memory: () => memoryScenario(ctx, config.memoryCounts),
      load: () => loadScenario(ctx, config.loadSessions, config.loadSeconds * 1000),
      reconnect: () => reconnectScenario(ctx, config.reconnectRuns),
      reattach: () => reattachScenario(ctx, config.reattachReps, config.reattachDelayMs),
      tokens: () => tokensScenario(ctx),
      review: () => reviewScenario(ctx, config.reviewRuns),
      missions: () => missionsScenario(ctx, config.missionsReps),
      search: () => searchScenario(ctx, config.searchReps),
      costs: () => costsScenario(ctx, config.costsTranscriptMiB, config.costsReps),
      "browser-keys": () => browserKeysScenario(ctx, config.browserKeys, config.renderers),
      "browser-missions": () =>
        browserMissionsScenario(ctx, { reps: config.browserReps, frameSeconds: config.browserFrameSeconds, renderers: config.renderers, backgroundRates: config.backgroundRates }),
      "browser-throughput": () => browserThroughputScenario(ctx, config.browserThroughputReps, config.renderers),
      "browser-restore": () => browserRestoreScenario(ctx, config.browserRestoreRuns, config.renderers),
    };
    for (const name of SCENARIOS) {
      if (only && !only.includes(name)) continue;
      log(`» ${name}`);
      const t0 = Date.now();
      try {
        const result = await run[name]();
        rows.push(...result.rows);
        details[name] = result.details;
      } catch (error) {
        errors[name] = (error as Error).stack ?? String(error);
        log(`  ${name} failed: ${(error as Error).message}`);
      }
      timings[name] = round((Date.now() - t0) / 1000, 1);
    }
  } finally {
    cleanup();
  }
  const leftovers = leftoverHosts();
  if (leftovers.length) {
    errors.hosts = `terminal hosts still running after the run: ${leftovers.join(", ")}`;
    log(`  ${errors.hosts}`);
  }

  const table = formatTable(rows);
  const profiles: Record<string, unknown> = {};
  let profileText = "";
  if (cpuProfDir && fs.existsSync(cpuProfDir)) {
    for (const dir of fs.readdirSync(cpuProfDir).sort()) {
      for (const file of fs.readdirSync(path.join(cpuProfDir, dir)).filter((f) => f.endsWith(".cpuprofile"))) {
        const full = path.join(cpuProfDir, dir, file);
        profiles[`${dir}/${file}`] = summarizeProfile(full, 15);
        profileText += `${formatSummary(full, 15)}\n\n`;
      }
    }
  }
  const output = {
    startedAt: startedAt.toISOString(),
    durationSeconds: round((Date.now() - startedAt.getTime()) / 1000, 1),
    machine: { ...info, loadAverageAtEnd: os.loadavg().map((v) => round(v, 2)) },
    config,
    rows,
    details,
    timings,
    ...(Object.keys(errors).length ? { errors } : {}),
    ...(cpuProfDir ? { profiles, profileDir: path.relative(root, cpuProfDir) } : {}),
  };
  const file = path.join(resultsDir, `${stamp}.json`);
  fs.writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
  process.stdout.write(`\n${table}\n\n`);
  if (profileText) process.stdout.write(`CPU profiles of the app servers and terminal hosts (top self time):\n${profileText}`);
  const misses = rows.filter((r) => r.target && !r.target.pass).length;
  process.stdout.write(
    `${rows.filter((r) => r.target).length - misses} targets met, ${misses} missed; ${output.durationSeconds} s; load average ${output.machine.loadAverageAtStart.join(" ")} → ${output.machine.loadAverageAtEnd.join(" ")}\nResults: ${path.relative(root, file)}\n`,
  );
  if (Object.keys(errors).length) {
    process.stdout.write(`Scenarios that could not run: ${Object.keys(errors).join(", ")}\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
