import fs from "node:fs";
import { parentPort } from "node:worker_threads";
import { CastParser } from "../../terminal/recording/cast-parser";
import { LineSearch } from "./line-search";
import type { SearchSpec } from "./search-types";

/**
 * The search worker: streams a recording (never whole in memory) and matches its lines, then any
 * lines the app server sends from the live log. It runs in a worker thread so that a user's
 * regex that backtracks for seconds stalls only this thread; the pool (`search-pool.ts`)
 * terminates it when it stops reporting progress. One job at a time.
 */

/** What the pool asks. */
export type WorkerRequest =
  | {
      type: "start";
      id: number;
      spec: SearchSpec;
      maxLineChars: number;
      /** Stop searching (gracefully, with what was found) at this Date.now(). */
      deadline: number;
      /**
       * `whole`: the file is the run's whole output (its unfinished last line is a line).
       * `prefix`: a live run's recording; completed lines only, up to a cut marker; the live log follows.
       */
      file?: { path: string; mode: "whole" | "prefix" };
    }
  /** Lines from the live log, numbered from `firstLine` (a gap before it is skipped). `last`: the job ends. */
  | { type: "lines"; id: number; firstLine: number; lines: string[]; last: boolean };

/** What the worker answers. */
export type WorkerReply =
  | { type: "ready" }
  | { type: "progress"; id: number }
  /** The recording prefix is searched: send lines from `lines` on. */
  | { type: "prefixDone"; id: number; lines: number }
  | { type: "done"; id: number; result: ReturnType<LineSearch["result"]>; complete: boolean }
  | { type: "failed"; id: number; code: "not_found" | "unreadable"; message: string };

/** How often a busy worker says it is alive (the pool's stall budget is far longer). */
const PROGRESS_MS = 200;
const READ_CHUNK_BYTES = 256 * 1024;
/** How asciicast-writer.ts marks where it stopped recording (the run went on). */
const CUT_MARKER_PREFIX = "\r\n\x1b[0m[AI Manager: the recording was cut here";

const port = parentPort!;

interface Job {
  id: number;
  search: LineSearch;
  deadline: number;
  timedOut: boolean;
  lastProgress: number;
}

let job: Job | undefined;

function alive(current: Job): boolean {
  const now = Date.now();
  if (now - current.lastProgress >= PROGRESS_MS) {
    current.lastProgress = now;
    port.postMessage({ type: "progress", id: current.id } satisfies WorkerReply);
  }
  if (now >= current.deadline) current.timedOut = true;
  return !current.timedOut;
}

async function scanFile(current: Job, path: string, mode: "whole" | "prefix"): Promise<void> {
  const parser = new CastParser();
  const stream = fs.createReadStream(path, { encoding: "utf8", highWaterMark: READ_CHUNK_BYTES });
  try {
    for await (const chunk of stream) {
      for (const item of parser.push(chunk as string)) {
        if (item.type !== "output") continue;
        if (mode === "prefix" && item.data.startsWith(CUT_MARKER_PREFIX)) return;
        current.search.pushOutput(item.data);
      }
      if (!alive(current)) return;
    }
    for (const item of parser.end()) {
      if (item.type === "output" && !(mode === "prefix" && item.data.startsWith(CUT_MARKER_PREFIX))) current.search.pushOutput(item.data);
    }
  } finally {
    stream.destroy();
  }
}

function finish(current: Job): void {
  job = undefined;
  port.postMessage({ type: "done", id: current.id, result: current.search.result(), complete: !current.timedOut } satisfies WorkerReply);
}

async function start(request: Extract<WorkerRequest, { type: "start" }>): Promise<void> {
  const current: Job = {
    id: request.id,
    search: new LineSearch(request.spec, request.maxLineChars),
    deadline: request.deadline,
    timedOut: false,
    lastProgress: Date.now(),
  };
  job = current;
  if (request.file) {
    try {
      await scanFile(current, request.file.path, request.file.mode);
    } catch (error) {
      job = undefined;
      const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
      port.postMessage({
        type: "failed",
        id: current.id,
        code: missing ? "not_found" : "unreadable",
        message: missing ? "The run's recording is not on disk." : `The run's recording is not readable: ${(error as Error).message}`,
      } satisfies WorkerReply);
      return;
    }
    if (request.file.mode === "whole" || current.timedOut) {
      current.search.endOutput();
      finish(current);
      return;
    }
    // The unfinished line of a live run comes from the live log, with everything after it.
    current.search.dropPartial();
  }
  port.postMessage({ type: "prefixDone", id: current.id, lines: current.search.lines } satisfies WorkerReply);
}

function lines(request: Extract<WorkerRequest, { type: "lines" }>): void {
  const current = job;
  if (!current || current.id !== request.id) return;
  current.search.skipTo(request.firstLine);
  for (const line of request.lines) {
    if (!alive(current)) break;
    current.search.pushLine(line);
  }
  if (request.last || current.timedOut) finish(current);
  else port.postMessage({ type: "progress", id: current.id } satisfies WorkerReply);
}

port.on("message", (request: WorkerRequest) => {
  if (request.type === "start") void start(request);
  else lines(request);
});
port.postMessage({ type: "ready" } satisfies WorkerReply);
