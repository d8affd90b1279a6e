import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import WebSocket from "ws";
import { openDatabase } from "../../src/server/db/open-database";
import { isAlive } from "../../src/terminal/host/process-tree";
import { hostFiles, readHostInfo, type HostInfoFile } from "../../src/terminal/host/host-files";
import { ProfileService } from "../../src/server/profiles/profile-service";
import { SettingsService } from "../../src/server/settings/settings-service";
import type { Settings } from "../../src/lib/settings-definitions";
import { nowMs, sleep } from "./stats";

/** The profile every bench task runs: `/bin/sh -c <prompt>`, so a task's prompt is its command line. */
export const BENCH_PROFILE = "Bench sh";
/**
 * An interactive `bash --norc --noprofile` that gets the task's prompt typed as its first command
 * (as the Shell profile types it into `$SHELL`, without the machine's start-up files): Ctrl+C
 * stops what the prompt started and the shell takes the next command.
 */
export const BENCH_BASH_PROFILE = "Bench bash";
const START_TIMEOUT_MS = 90_000;
const READY_LINE = /AI Manager is running at (http:\/\/\S+)/;
const INSPECTOR_LINE = /Debugger listening on (ws:\/\/\S+)/;

/**
 * A throwaway data directory prepared before the server starts: migrations applied, the default
 * profiles plus the bench profiles, and the concurrency limit raised (the internal API has no
 * settings route; the Settings page writes the same table through the same service).
 */
export function prepareDataDir(root: string, dataDir: string, settings: Partial<Settings>): void {
  const database = openDatabase(dataDir, path.join(root, "drizzle"));
  try {
    const profiles = new ProfileService(database.db);
    profiles.seedDefaults();
    if (!profiles.list().some((p) => p.name === BENCH_PROFILE)) {
      profiles.create({ name: BENCH_PROFILE, kind: "custom", command: "/bin/sh", args: ["-c", "{prompt}"], promptDelivery: "args" });
    }
    if (!profiles.list().some((p) => p.name === BENCH_BASH_PROFILE)) {
      profiles.create({ name: BENCH_BASH_PROFILE, kind: "custom", command: "/bin/bash", args: ["--norc", "--noprofile"], promptDelivery: "type" });
    }
    new SettingsService(database.db).update(settings);
  } finally {
    database.close();
  }
}

export interface BenchServerOptions {
  root: string;
  dataDir: string;
  /**
   * Write V8 CPU profiles to this directory: the server's (node --cpu-prof) and its terminal host's
   * main thread (through the host's inspector, from start until stop or kill).
   */
  cpuProfDir?: string;
  /** Listen on this port (a restarted server takes its predecessor's, as people's does); default any free one. */
  port?: number;
  /** The server's LOG_LEVEL (default warn: quiet, like a bench should be). */
  logLevel?: string;
}

/** The terminal host a server is connected to: its pid (from its pid file) and its inspector. */
export interface BenchHost {
  pid: number;
  startedAt: string;
  inspector: Inspector | undefined;
}

export interface ApiAnswer<T> {
  status: number;
  body: { success: boolean; data: T; error?: { code: string; message: string } };
}

export class BenchServer {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  private constructor(
    readonly child: ChildProcess,
    readonly origin: string,
    readonly token: string,
    readonly dataDir: string,
    readonly host: BenchHost,
    private readonly inspector: Inspector | undefined,
    private readonly log: () => string,
    /** Where the host's profile goes when this server stops; undefined when not profiling. */
    private readonly hostProfDir: string | undefined,
    /** nowMs() just before the spawn, and when the server printed its URL (it is listening). */
    readonly spawnedAt: number,
    readonly readyAt: number,
    /** The same two moments in epoch ms, to compare with the server's log times. */
    readonly spawnedAtEpochMs: number,
    readonly readyAtEpochMs: number,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  /**
   * The processes that do the app's work: the app server and its terminal host (which runs every
   * session's PTY reading, log, mirror, recording and viewer hub). CPU and RSS are their sum.
   */
  get pids(): [number, number] {
    return [this.pid, this.host.pid];
  }

  get port(): number {
    return Number(new URL(this.origin).port);
  }

  /** `node scripts/start.mjs` on a free port, as e2e/fixtures/app-process.ts starts it. */
  static async start(options: BenchServerOptions): Promise<BenchServer> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_OPTIONS;
    Object.assign(env, {
      AI_MANAGER_SKIP_BUILD: "1",
      PORT: String(options.port ?? 0),
      HOST: "127.0.0.1",
      AI_MANAGER_DATA_DIR: options.dataDir,
      AI_MANAGER_AUTH: "none",
      LOG_LEVEL: options.logLevel ?? "warn",
      NEXT_TELEMETRY_DISABLED: "1",
    });
    // The inspector (Node's own, no app hook) lets the bench force a full GC before reading RSS.
    // It goes in NODE_OPTIONS so that the terminal host, which the server spawns with its own
    // environment, gets one too (sessions do not: the app strips NODE_OPTIONS from their env).
    env.NODE_OPTIONS = "--inspect=127.0.0.1:0";
    // Node refuses --cpu-prof in NODE_OPTIONS: the host is profiled through its inspector instead.
    const nodeArgs: string[] = [];
    if (options.cpuProfDir) nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`);
    // Diagnostics: extra Node flags for the server only (e.g. --trace-gc), its stdout appended to a file.
    nodeArgs.push(...(process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean));
    const stdoutFile = process.env.BENCH_SERVER_STDOUT;
    const spawnedAt = nowMs();
    const spawnedAtEpochMs = Date.now();
    const child = spawn(process.execPath, [...nodeArgs, path.join(options.root, "scripts", "start.mjs")], {
      cwd: options.root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    let stdout = "";
    let inspectorUrl: string | undefined;
    child.stderr!.on("data", (chunk: Buffer) => {
      log = (log + chunk.toString("utf8")).slice(-100_000);
      inspectorUrl ??= INSPECTOR_LINE.exec(log)?.[1];
    });
    let readyAt = 0;
    let readyAtEpochMs = 0;
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${log}`)), START_TIMEOUT_MS);
      child.stdout!.on("data", (chunk: Buffer) => {
        if (stdoutFile) fs.appendFileSync(stdoutFile, chunk);
        stdout += chunk.toString("utf8");
        const match = READY_LINE.exec(stdout);
        if (match?.[1]) {
          readyAt ||= nowMs();
          readyAtEpochMs ||= Date.now();
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited before it was ready (${code ?? signal}):\n${log}`));
      });
    });
    const token = fs.readFileSync(path.join(options.dataDir, "internal-token"), "utf8").trim();
    const host = readHost(options.dataDir);
    const inspector = inspectorUrl ? new Inspector(inspectorUrl) : undefined;
    if (options.cpuProfDir) {
      if (!host.inspector) throw new Error("--cpu-prof: the terminal host's inspector is not listening");
      await host.inspector.call("Profiler.enable");
      await host.inspector.call("Profiler.start");
    }
    return new BenchServer(child, origin, token, options.dataDir, host, inspector, () => log, options.cpuProfDir, spawnedAt, readyAt, spawnedAtEpochMs, readyAtEpochMs);
  }

  output(): string {
    return this.log();
  }

  /**
   * Waits out the work the server starts in the background: detecting the agent CLIs runs each
   * one's `--version` (1–2 CPU seconds on 2 cores), which would otherwise run beside a scenario's
   * first measurement. The Settings page awaits that detection.
   */
  async settled(): Promise<void> {
    const res = await fetch(`${this.origin}/settings`);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`GET /settings answered ${res.status} while waiting for the server to settle`);
  }

  /** One internal API call (JSON in, the envelope out). */
  api<T = any>(method: string, route: string, body?: unknown, retried = false): Promise<ApiAnswer<T>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<ApiAnswer<T>>((resolve, reject) => {
      const req = http.request(
        `${this.origin}${route}`,
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(payload ? { "content-type": "application/json", "content-length": String(payload.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            try {
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
            } catch {
              reject(new Error(`${method} ${route}: ${res.statusCode} ${text.slice(0, 300)}`));
            }
          });
        },
      );
      req.on("error", (error: NodeJS.ErrnoException) => {
        // The server closes keep-alive sockets idle for 5 s; one picked from the pool at that very
        // moment fails before the request reached it. Node's documented remedy: send it again, once.
        if (!retried && req.reusedSocket && error.code === "ECONNRESET") resolve(this.api<T>(method, route, body, true));
        else reject(error);
      });
      req.end(payload);
    });
  }

  async ok<T = any>(method: string, route: string, body?: unknown): Promise<T> {
    const answer = await this.api<T>(method, route, body);
    if (!answer.body.success) throw new Error(`${method} ${route}: ${answer.status} ${JSON.stringify(answer.body.error)}`);
    return answer.body.data;
  }

  /**
   * Creates a task on the bench profile whose command line is `script` and starts it (with
   * BENCH_BASH_PROFILE, `script` is typed into an interactive bash instead).
   */
  async startTask(title: string, cwd: string, script: string, size?: { cols: number; rows: number }, profile = BENCH_PROFILE): Promise<string> {
    const task = await this.ok<{ id: string }>("POST", "/api/internal/tasks", { title, cwd, prompt: script, profile });
    await this.ok("POST", `/api/internal/terminal/${task.id}/start`, size ?? {});
    return task.id;
  }

  /** Waits until the task's process exited (the buffer route's waitFor=exit). */
  async waitExit(taskId: string, timeoutMs = 50_000): Promise<void> {
    for (;;) {
      const data = await this.ok<{ running: boolean }>("GET", `/api/internal/terminal/${taskId}/buffer?mode=tail&tailLines=1&waitFor=exit&timeoutMs=${timeoutMs}`);
      if (!data.running) return;
    }
  }

  async stopTask(taskId: string): Promise<void> {
    const answer = await this.api("POST", `/api/internal/terminal/${taskId}/stop`, { signal: "SIGKILL" });
    if (answer.status !== 200 && answer.status !== 409) throw new Error(`stop ${taskId}: ${answer.status}`);
  }

  /** A full, blocking garbage collection in the server and in its terminal host (through their inspectors). */
  async gc(): Promise<void> {
    if (!this.inspector) throw new Error("the server's inspector is not listening");
    if (!this.host.inspector) throw new Error("the terminal host's inspector is not listening");
    await Promise.all([this.inspector.gc(), this.host.inspector.gc()]);
  }

  /** The host's main-thread profile since this server started (its reader thread is not in it). */
  private async saveHostProfile(): Promise<void> {
    if (!this.hostProfDir || !this.host.inspector || !isAlive(this.host.pid)) return;
    const { profile } = (await this.host.inspector.call("Profiler.stop")) as { profile: unknown };
    fs.mkdirSync(this.hostProfDir, { recursive: true });
    fs.writeFileSync(path.join(this.hostProfDir, `terminal-host-${this.host.pid}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
  }

  /** kill -9: the server dies without a word to its host, whose sessions keep running. */
  async kill(): Promise<void> {
    await this.saveHostProfile();
    this.inspector?.close();
    this.host.inspector?.close();
    this.agent.destroy();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGKILL");
    await exited;
  }

  /** SIGTERM, as a person stopping the app would; the server exits within its own 9 s deadline. */
  async stop(): Promise<void> {
    await this.saveHostProfile();
    this.inspector?.close();
    this.host.inspector?.close();
    this.agent.destroy();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * What the app server found or started: the host's pid from its pid file (written before it
 * listens, so before the server printed its URL) and its inspector's address from its log file
 * (Node prints "Debugger listening on …" to stderr, which the launcher points at the log).
 */
function readHost(dataDir: string): BenchHost {
  const files = hostFiles(dataDir);
  const info = readHostInfo(dataDir);
  if (!info) throw new Error(`the server started no terminal host: no ${files.info}`);
  let log = "";
  try {
    log = fs.readFileSync(files.log, "utf8");
  } catch {
    // No log yet: no inspector; gc() says so if it is needed.
  }
  // The log is appended to by every host of the data dir: the last announcement is this host's.
  const urls = [...log.matchAll(new RegExp(INSPECTOR_LINE.source, "g"))].map((m) => m[1]!);
  const url = urls.at(-1);
  return { pid: info.pid, startedAt: info.startedAt, inspector: url ? new Inspector(url) : undefined };
}

/** A connection to a Node process's inspector (Chrome DevTools Protocol), opened on first use. */
export class Inspector {
  private ws: WebSocket | undefined;
  private seq = 0;

  constructor(readonly url: string) {}

  /** A full, blocking garbage collection, twice (the second frees what the first's finalizers released). */
  async gc(): Promise<void> {
    await this.call("HeapProfiler.collectGarbage");
    await sleep(100);
    await this.call("HeapProfiler.collectGarbage");
  }

  async call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    if (!this.ws) {
      const ws = new WebSocket(this.url);
      await new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
      this.ws = ws;
    }
    const id = ++this.seq;
    const ws = this.ws;
    return new Promise((resolve, reject) => {
      const onMessage = (raw: WebSocket.RawData) => {
        const message = JSON.parse(raw.toString()) as { id?: number; result?: unknown; error?: { message: string } };
        if (message.id !== id) return;
        ws.off("message", onMessage);
        if (message.error) reject(new Error(message.error.message));
        else resolve(message.result);
      };
      ws.on("message", onMessage);
      ws.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.ws?.close();
    this.ws = undefined;
  }
}
