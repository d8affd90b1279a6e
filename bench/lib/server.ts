import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import WebSocket from "ws";
import { openDatabase } from "../../src/server/db/open-database";
import { ProfileService } from "../../src/server/profiles/profile-service";
import { SettingsService } from "../../src/server/settings/settings-service";
import { sleep } from "./stats";

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
export function prepareDataDir(root: string, dataDir: string, settings: Record<string, number>): void {
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
  /** Write a V8 CPU profile of the server to this directory (node --cpu-prof). */
  cpuProfDir?: string;
}

export interface ApiAnswer<T> {
  status: number;
  body: { success: boolean; data: T; error?: { code: string; message: string } };
}

export class BenchServer {
  private inspector: WebSocket | undefined;
  private inspectorSeq = 0;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  private constructor(
    readonly child: ChildProcess,
    readonly origin: string,
    readonly token: string,
    private readonly inspectorUrl: string | undefined,
    private readonly log: () => string,
  ) {}

  get pid(): number {
    return this.child.pid!;
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
      PORT: "0",
      HOST: "127.0.0.1",
      AI_MANAGER_DATA_DIR: options.dataDir,
      AI_MANAGER_AUTH: "none",
      LOG_LEVEL: "warn",
      NEXT_TELEMETRY_DISABLED: "1",
    });
    // The inspector (Node's own, no app hook) lets the bench force a full GC before reading RSS.
    const nodeArgs = ["--inspect=127.0.0.1:0"];
    if (options.cpuProfDir) nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`);
    // Diagnostics: extra Node flags for the server (e.g. --trace-gc), its stdout appended to a file.
    if (process.env.BENCH_SERVER_NODE_ARGS) nodeArgs.push(...process.env.BENCH_SERVER_NODE_ARGS.split(/\s+/).filter(Boolean));
    const stdoutFile = process.env.BENCH_SERVER_STDOUT;
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
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${log}`)), START_TIMEOUT_MS);
      child.stdout!.on("data", (chunk: Buffer) => {
        if (stdoutFile) fs.appendFileSync(stdoutFile, chunk);
        stdout += chunk.toString("utf8");
        const match = READY_LINE.exec(stdout);
        if (match?.[1]) {
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
    const server = new BenchServer(child, origin, token, inspectorUrl, () => log);
    return server;
  }

  output(): string {
    return this.log();
  }

  /** One internal API call (JSON in, the envelope out). */
  api<T = any>(method: string, route: string, body?: unknown): Promise<ApiAnswer<T>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
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
      req.on("error", reject);
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

  /** A full, blocking garbage collection in the server (through the inspector). */
  async gc(): Promise<void> {
    await this.inspect("HeapProfiler.collectGarbage");
    await sleep(100);
    await this.inspect("HeapProfiler.collectGarbage");
  }

  private async inspect(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    if (!this.inspectorUrl) throw new Error("the server's inspector is not listening");
    if (!this.inspector) {
      const ws = new WebSocket(this.inspectorUrl);
      await new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
      this.inspector = ws;
    }
    const id = ++this.inspectorSeq;
    const ws = this.inspector;
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

  /** SIGTERM, as a person stopping the app would; the server exits within its own 9 s deadline. */
  async stop(): Promise<void> {
    this.inspector?.close();
    this.agent.destroy();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
