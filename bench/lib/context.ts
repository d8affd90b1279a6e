import fs from "node:fs";
import path from "node:path";
import { BenchServer, prepareDataDir } from "./server";

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
  /** Scratch directory: the generated flood file and the tasks' working directory. */
  tmp: string;
  /** The generated 200 MiB text file every flood `cat`s. */
  floodFile: string;
  floodFileBytes: number;
  /** Directory for CPU profiles of the server, when profiling was asked for. */
  cpuProfDir: string | undefined;
  log(message: string): void;
  /**
   * Runs `fn` against a fresh server (new data dir, settings applied before start), then stops it
   * and removes its data dir (recordings of floods are big).
   */
  withServer<T>(label: string, settings: Record<string, number>, fn: (server: BenchServer) => Promise<T>): Promise<T>;
}

/** Settings every bench server gets: room for the 100-session memory run. */
export const BASE_SETTINGS = { "system.maxConcurrentExecutions": 150 };

let serverCount = 0;

export function createContext(root: string, tmp: string, floodFile: string, cpuProfDir: string | undefined, log: (m: string) => void): BenchContext {
  return {
    root,
    tmp,
    floodFile,
    floodFileBytes: fs.statSync(floodFile).size,
    cpuProfDir,
    log,
    async withServer(label, settings, fn) {
      const dataDir = path.join(tmp, `data-${++serverCount}-${label}`);
      prepareDataDir(root, dataDir, { ...BASE_SETTINGS, ...settings });
      const profDir = cpuProfDir ? path.join(cpuProfDir, `${String(serverCount).padStart(2, "0")}-${label}`) : undefined;
      const server = await BenchServer.start({ root, dataDir, cpuProfDir: profDir });
      try {
        return await fn(server);
      } catch (error) {
        log(`server output (${label}):\n${server.output().slice(-3000)}`);
        throw error;
      } finally {
        await server.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
