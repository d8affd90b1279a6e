import fs from "node:fs";
import path from "node:path";
import { isAlive } from "../../src/terminal/host/process-tree";
import { stopHost, type StopReport } from "../../src/terminal/server/host-control";
import { BenchServer, prepareDataDir } from "./server";
import type { Settings } from "../../src/lib/settings-definitions";

/** One line of the results table. */
export interface Row {
  scenario: string;
  metric: string;
  unit: string;
  /** The app's figure (through the real server). */
  app: number;
  /** The same work through raw node-pty in a bare Node process; absent where there is none. */
  raw?: number;
  /** app ÷ raw (for latencies and memory, > 1 means the app costs more). */
  ratio?: number;
  target?: { text: string; pass: boolean };
  note?: string;
}

export interface ScenarioResult {
  rows: Row[];
  /** Every sample and side figure, for the JSON file. */
  details: Record<string, unknown>;
}

export interface BenchContext {
  root: string;
  /** Where the servers start from: the repository with its own copy of the build (see shadowRoot). */
  serverRoot: string;
  /** Scratch directory: the generated flood file and the tasks' working directory. */
  tmp: string;
  /** The generated 200 MiB text file every flood `cat`s. */
  floodFile: string;
  floodFileBytes: number;
  /** Directory for CPU profiles of the server, when profiling was asked for. */
  cpuProfDir: string | undefined;
  log(message: string): void;
  /**
   * Runs `fn` against a fresh server (new data dir, settings applied before start), then stops it,
   * stops its terminal host (every session with it) and removes its data dir (recordings of
   * floods are big).
   */
  withServer<T>(label: string, settings: Partial<Settings>, fn: (server: BenchServer, control: ServerControl) => Promise<T>): Promise<T>;
}

export interface ServerControl {
  /**
   * kill -9 of the current server, then a new one on the same data dir and port (it reattaches
   * to the terminal host, which kept the sessions). `withServer` stops whichever runs at the end.
   */
  killAndRestart(options?: { logLevel?: string }): Promise<BenchServer>;
}

/** Data dirs whose terminal host may still run (stopped by withServer, or by stopAllHosts on Ctrl+C). */
const liveDataDirs = new Set<string>();
/** Every terminal host pid the bench saw, to check at the end that none is left. */
const seenHostPids = new Set<number>();

/** Stops the terminal host of every data dir still in use (Ctrl+C of the bench). */
export async function stopAllHosts(): Promise<void> {
  await Promise.allSettled([...liveDataDirs].map((dir) => stopHost(dir)));
}

/** Terminal hosts the bench started that still run (there should be none after a run). */
export function leftoverHosts(): number[] {
  return [...seenHostPids].filter(isAlive);
}

/** Settings every bench server gets: room for the 100-session memory run. */
export const BASE_SETTINGS = { "system.maxConcurrentExecutions": 150 };

let serverCount = 0;

export function createContext(
  root: string,
  serverRoot: string,
  tmp: string,
  floodFile: string,
  cpuProfDir: string | undefined,
  log: (m: string) => void,
): BenchContext {
  return {
    root,
    serverRoot,
    tmp,
    floodFile,
    floodFileBytes: fs.statSync(floodFile).size,
    cpuProfDir,
    log,
    async withServer(label, settings, fn) {
      const dataDir = path.join(tmp, `data-${++serverCount}-${label}`);
      prepareDataDir(root, dataDir, { ...BASE_SETTINGS, ...settings });
      const profDir = cpuProfDir ? path.join(cpuProfDir, `${String(serverCount).padStart(2, "0")}-${label}`) : undefined;
      liveDataDirs.add(dataDir);
      let server: BenchServer | undefined;
      let hostPid: number | undefined;
      try {
        server = await BenchServer.start({ root: serverRoot, dataDir, cpuProfDir: profDir });
        await server.settled();
        hostPid = server.host.pid;
        seenHostPids.add(hostPid);
        const control: ServerControl = {
          async killAndRestart(options) {
            const old = server!;
            await old.kill();
            server = undefined;
            server = await BenchServer.start({ root: serverRoot, dataDir, cpuProfDir: profDir, port: old.port, logLevel: options?.logLevel });
            hostPid = server.host.pid;
            seenHostPids.add(hostPid);
            return server;
          },
        };
        return await fn(server, control);
      } catch (error) {
        if (server) log(`server output (${label}):\n${server.output().slice(-3000)}`);
        throw error;
      } finally {
        await server?.stop();
        // The server's SIGTERM leaves the sessions running in the host (as people's does): the
        // host, and every session in it, is stopped here, as `npm run stop` would.
        let report: StopReport | undefined;
        try {
          report = await stopHost(dataDir);
        } catch (error) {
          log(`  could not stop the terminal host of ${label}: ${(error as Error).message}; killing it`);
          // Last resort, so no host outlives the bench; its sessions get SIGHUP when their terminals close.
          if (hostPid !== undefined && isAlive(hostPid)) process.kill(hostPid, "SIGKILL");
        }
        if (report && !report.hostFound) log(`  ${label}: no terminal host answered at the end (pid ${report.hostPid ?? "?"})`);
        liveDataDirs.delete(dataDir);
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A stand-in for the repository that the bench servers start from: every entry is a symlink to
 * the real one except `.next`, which is a private copy of the build (without its cache, ~15 MB).
 * A `next build` started meanwhile (it empties `.next` first) cannot pull the build out from
 * under a running bench. The server's own code still loads from the real sources.
 */
export function shadowRoot(root: string, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const name of fs.readdirSync(root)) {
    if (name !== ".next") fs.symlinkSync(path.join(root, name), path.join(dir, name));
  }
  const cache = path.join(root, ".next", "cache");
  fs.cpSync(path.join(root, ".next"), path.join(dir, ".next"), { recursive: true, filter: (src) => src !== cache && !src.startsWith(cache + path.sep) });
  if (!fs.existsSync(path.join(dir, ".next", "BUILD_ID"))) throw new Error("the build disappeared while it was being copied (another `next build` running?)");
  return dir;
}
