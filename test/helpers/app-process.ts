import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readHostInfo } from "../../src/terminal/host/host-files";
import { stopHost, type StopReport } from "../../src/terminal/server/host-control";

/**
 * The real server as a child process (`node scripts/start.mjs`, the production build, PORT=0) on a
 * throwaway data dir, for the system suites in test/system. Unlike the api harness this is the
 * whole app: Next, the UI cookie, WebSockets, signals and the process's own exit.
 *
 * Every instance is tracked; `killAllAppProcesses()` (called by each suite's afterAll) SIGKILLs
 * any server still alive, so a failed test never leaves one behind.
 */

const ROOT = path.resolve(__dirname, "../..");
/** A cold start on a busy 2-core machine loads Next and opens SQLite. */
const START_TIMEOUT_MS = 60_000;
/** The server's own shutdown deadline is 9 s; past this something is wrong: SIGKILL it. */
const STOP_TIMEOUT_MS = 15_000;
const READY_LINE = /AI Manager is running at (https?:\/\/\S+)/;
const LOGIN_LINE = /Sign in by opening: (https?:\/\/\S+)/;
/** The tail of each stream kept for assertions and failure messages. */
const MAX_LOG_CHARS = 4_000_000;

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AppStartOptions {
  /** Reuse this data dir (e.g. one left by a killed server); default: a fresh temp dir. */
  dataDir?: string;
  /** HOST for the server (default 127.0.0.1). Requests still go to 127.0.0.1. */
  host?: string;
  auth?: "token" | "none";
  /** LOG_LEVEL (default warn). */
  logLevel?: string;
  env?: Record<string, string>;
}

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined. */
  body: T;
}

export interface AppProcess {
  readonly dataDir: string;
  /** `http://127.0.0.1:<port>`: where requests go, whatever HOST is. Changes on restart. */
  readonly baseURL: string;
  readonly port: number;
  /** The origin the server printed (`http://0.0.0.0:<port>` with HOST=0.0.0.0). */
  readonly printedOrigin: string;
  readonly loginURL: string | undefined;
  readonly accessToken: string | undefined;
  /** `<dataDir>/internal-token`. */
  readonly internalToken: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** What the current process wrote to stdout / stderr. */
  stdout(): string;
  stderr(): string;
  /** Everything every process on this data dir wrote to stderr, across restarts. */
  allStderr(): string;
  allStdout(): string;
  readonly running: boolean;
  /** Resolves when the current process exits. */
  readonly exited: Promise<ExitResult>;
  /** Sends `signal` (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<ExitResult>;
  /** SIGTERM, SIGKILL after STOP_TIMEOUT_MS; resolves with the exit. */
  stop(): Promise<ExitResult>;
  /** Stops it if it runs, then starts a new server on the same data dir with the same options. */
  restart(): Promise<void>;
  /** The `aim_session=…` cookie pair obtained through the login URL. */
  sessionCookie(): Promise<string>;
  /** A request to the internal API with the bearer token; objects are sent as JSON. */
  api<T = any>(method: string, pathAndQuery: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult<T>>;
  /** `npm run stop` for this data dir: every session, the host and the server end. */
  stopAll(): Promise<StopReport>;
  /** The terminal host's pid, if one runs for this data dir. */
  hostPid(): number | undefined;
  /** Stops the server (SIGKILL if needed), then the terminal host, and deletes the data dir. */
  dispose(): Promise<void>;
}

const live = new Set<ChildProcess>();
/** Data dirs whose terminal host may still run (it outlives the server by design). */
const hostDirs = new Set<string>();

/** The pid in `<dataDir>/terminal-host.json`, if a host wrote one. */
export function hostPidOf(dataDir: string): number | undefined {
  return readHostInfo(dataDir)?.pid;
}

/** SIGKILLs every server child still running, and SIGTERMs their terminal hosts (for afterAll hooks). */
export function killAllAppProcesses(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
  for (const dir of hostDirs) {
    const pid = hostPidOf(dir);
    if (pid) {
      try {
        // SIGTERM: the host stops its sessions (with their process trees) before it exits.
        process.kill(pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
  }
  hostDirs.clear();
}

/** The environment a test server runs with (also for servers that scripts such as `npm run restart` start). */
export function serverEnv(dataDir: string, options: AppStartOptions = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The test runner's own hooks and settings must not leak into the server.
  delete env.NODE_OPTIONS;
  delete env.AI_MANAGER_INTERNAL_TOKEN;
  delete env.AI_MANAGER_ACCESS_TOKEN;
  for (const key of Object.keys(env)) if (key.startsWith("VITEST") || key.startsWith("PW_")) delete env[key];
  return {
    ...env,
    NODE_ENV: "production",
    AI_MANAGER_SKIP_BUILD: "1",
    PORT: "0",
    HOST: options.host ?? "127.0.0.1",
    AI_MANAGER_DATA_DIR: dataDir,
    AI_MANAGER_AUTH: options.auth ?? "token",
    LOG_LEVEL: options.logLevel ?? "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    ...options.env,
  };
}

interface Running {
  child: ChildProcess;
  port: number;
  baseURL: string;
  printedOrigin: string;
  loginURL: string | undefined;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<ExitResult>;
}

function launch(dataDir: string, options: AppStartOptions, logs: { out: string[]; err: string[] }): Promise<Running> {
  const child = spawn(process.execPath, [path.join(ROOT, "scripts", "start.mjs")], {
    cwd: ROOT,
    env: serverEnv(dataDir, options),
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let out = "";
  let err = "";
  const index = logs.out.length;
  logs.out.push("");
  logs.err.push("");
  child.stdout!.on("data", (chunk: Buffer) => {
    out = (out + chunk.toString("utf8")).slice(-MAX_LOG_CHARS);
    logs.out[index] = out;
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    err = (err + chunk.toString("utf8")).slice(-MAX_LOG_CHARS);
    logs.err[index] = err;
  });
  const exited = new Promise<ExitResult>((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  return new Promise<Running>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`The server did not print its URL within ${START_TIMEOUT_MS} ms.\nstdout:\n${out}\nstderr:\n${err}`));
    }, START_TIMEOUT_MS);
    const authOff = (options.auth ?? "token") === "none";
    const onData = () => {
      const ready = READY_LINE.exec(out);
      const login = LOGIN_LINE.exec(out);
      if (!ready?.[1] || (!authOff && !login?.[1])) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      const printedOrigin = ready[1];
      const port = Number(new URL(printedOrigin).port);
      resolve({
        child,
        port,
        baseURL: `http://127.0.0.1:${port}`,
        printedOrigin,
        loginURL: login?.[1],
        stdout: () => out,
        stderr: () => err,
        exited,
      });
    };
    child.stdout!.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`The server exited before it was ready (code ${code}, signal ${signal}).\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
}

/** Ends the data dir's terminal host, if any, and removes the dir. */
async function discardDataDir(dataDir: string): Promise<void> {
  await stopHost(dataDir).catch(() => undefined);
  hostDirs.delete(dataDir);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** Starts the real server and resolves once it printed its URL (and login URL). */
export async function startApp(options: AppStartOptions = {}): Promise<AppProcess> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "aim-system-"));
  hostDirs.add(dataDir);
  const logs = { out: [] as string[], err: [] as string[] };
  let current: Running;
  try {
    current = await launch(dataDir, options, logs);
  } catch (error) {
    // A server refused at start-up (what several tests expect) leaves nothing to dispose of: the
    // data dir it was given is removed here, unless the test brought its own.
    if (!options.dataDir) await discardDataDir(dataDir);
    throw error;
  }
  let cookie: string | undefined;

  const isRunning = () => current.child.exitCode === null && current.child.signalCode === null;

  const kill = async (signal: NodeJS.Signals = "SIGKILL"): Promise<ExitResult> => {
    if (isRunning()) current.child.kill(signal);
    return current.exited;
  };

  const stop = async (): Promise<ExitResult> => {
    if (!isRunning()) return current.exited;
    current.child.kill("SIGTERM");
    const timer = setTimeout(() => current.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    const result = await current.exited;
    clearTimeout(timer);
    return result;
  };

  const app: AppProcess = {
    dataDir,
    get baseURL() {
      return current.baseURL;
    },
    get port() {
      return current.port;
    },
    get printedOrigin() {
      return current.printedOrigin;
    },
    get loginURL() {
      return current.loginURL;
    },
    get accessToken() {
      return current.loginURL ? (new URL(current.loginURL).searchParams.get("token") ?? undefined) : undefined;
    },
    get internalToken() {
      return fs.readFileSync(path.join(dataDir, "internal-token"), "utf8").trim();
    },
    get child() {
      return current.child;
    },
    get pid() {
      return current.child.pid!;
    },
    stdout: () => current.stdout(),
    stderr: () => current.stderr(),
    allStderr: () => logs.err.join("\n"),
    allStdout: () => logs.out.join("\n"),
    get running() {
      return isRunning();
    },
    get exited() {
      return current.exited;
    },
    kill,
    stop,
    async restart() {
      await stop();
      current = await launch(dataDir, options, logs);
    },
    async sessionCookie() {
      if (cookie) return cookie;
      if (!current.loginURL) throw new Error("The server runs with AI_MANAGER_AUTH=none: there is no login URL");
      const res = await fetch(current.loginURL, { redirect: "manual" });
      const setCookie = res.headers.get("set-cookie") ?? "";
      const match = /(aim_session=[^;]+)/.exec(setCookie);
      if (res.status !== 303 || !match) throw new Error(`Login failed: ${res.status} ${setCookie}`);
      cookie = match[1]!;
      return cookie;
    },
    async api(method, pathAndQuery, body, headers = {}) {
      const init: RequestInit = { method, headers: { authorization: `Bearer ${app.internalToken}`, ...headers } };
      if (body !== undefined) {
        init.body = typeof body === "string" || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] ??= "application/json";
      }
      const res = await fetch(`${current.baseURL}${pathAndQuery}`, init);
      return readResult(res);
    },
    stopAll: () => stopHost(dataDir),
    hostPid: () => hostPidOf(dataDir),
    async dispose() {
      await stop();
      await discardDataDir(dataDir);
    },
  };
  return app;
}

export async function readResult(res: Response): Promise<HttpResult> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** Polls a condition (async allowed) until it is truthy; rejects after `timeoutMs`. No fixed sleeps. */
export async function until<T>(check: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
