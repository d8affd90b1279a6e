import { Worker } from "node:worker_threads";
import { AppError } from "../../src/lib/errors";

/**
 * Runs the regexes that agents send with `waitFor=pattern` off the main thread. JavaScript's
 * engine backtracks: `(a+)+$` against 28 `a`s and a `b` held the event loop for 5.4 s, and every
 * terminal and page of the server with it. Here a match runs in a worker thread; one that is not
 * done within MATCH_BUDGET_MS is cut off (the worker is terminated, which interrupts a
 * backtracking match) and the wait answers 400. The server keeps answering meanwhile.
 *
 * A linear-time engine was tried first and rejected: re2-wasm has a fixed 16 MiB heap that it
 * never frees (the process aborts after ~20 000 patterns), and V8's `l` flag matched 60× slower
 * than the worker on ordinary output and refuses `\d+` with the `u` flag.
 */

/** Far beyond a sane pattern on one scan (≤ 500 lines); a backtracking one runs for seconds or forever. */
export const MATCH_BUDGET_MS = 2_000;
/** Compiled patterns the worker keeps, so a wait's repeated checks do not recompile. */
const WORKER_CACHE_SIZE = 64;

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const cache = new Map();
parentPort.on("message", ({ id, source, flags, text }) => {
  const key = flags + "/" + source;
  let regex = cache.get(key);
  if (!regex) {
    regex = new RegExp(source, flags);
    cache.set(key, regex);
    if (cache.size > ${WORKER_CACHE_SIZE}) cache.delete(cache.keys().next().value);
  }
  const match = regex.exec(text);
  parentPort.postMessage({ id, match: match === null ? null : match[0] });
});
`;

interface Job {
  id: number;
  source: string;
  flags: string;
  text: string;
  resolve(match: string | null): void;
  reject(error: unknown): void;
}

export class PatternMatcher {
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private current: { job: Job; timer: NodeJS.Timeout | undefined } | undefined;
  /** The current worker has started (its start-up is not charged to a match's budget). */
  private workerOnline = false;
  private nextId = 1;
  private disposed = false;

  constructor(private readonly budgetMs = MATCH_BUDGET_MS) {}

  /** The first match of `source`/`flags` in `text` (its text), or null. Rejects with a 400 AppError past the budget. */
  match(source: string, flags: string, text: string): Promise<string | null> {
    if (this.disposed) return Promise.reject(new AppError("unavailable:shutdown", "The server is shutting down."));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, source, flags, text, resolve, reject });
      this.pump();
    });
  }

  dispose(): void {
    this.disposed = true;
    const error = new AppError("unavailable:shutdown", "The server is shutting down.");
    if (this.current) {
      clearTimeout(this.current.timer);
      this.current.job.reject(error);
      this.current = undefined;
    }
    for (const job of this.queue.splice(0)) job.reject(error);
    void this.worker?.terminate();
    this.worker = undefined;
  }

  /** One job at a time, so each budget measures that pattern alone. */
  private pump(): void {
    if (this.current || this.queue.length === 0 || this.disposed) return;
    const job = this.queue.shift()!;
    const worker = this.ensureWorker();
    const current: { job: Job; timer: NodeJS.Timeout | undefined } = { job, timer: undefined };
    this.current = current;
    worker.postMessage({ id: job.id, source: job.source, flags: job.flags, text: job.text });
    // The budget is the match's own: a worker still starting up (slow on a busy machine) does not count.
    const startBudget = () => {
      if (this.current === current) current.timer = setTimeout(() => this.cutOff(job), this.budgetMs);
    };
    if (this.workerOnline) startBudget();
    else worker.once("online", startBudget);
  }

  private cutOff(job: Job): void {
    if (this.current?.job !== job) return;
    this.current = undefined;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    job.reject(
      new AppError(
        "bad_request:pattern",
        `The pattern took longer than ${this.budgetMs / 1000} s to match the output: it backtracks catastrophically (nested quantifiers such as (a+)+ or overlapping alternatives such as (a|a)*). Simplify it, e.g. anchor a plain word.`,
      ),
    );
    this.pump();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    worker.unref();
    this.workerOnline = false;
    worker.once("online", () => {
      if (this.worker === worker) this.workerOnline = true;
    });
    worker.on("message", (message: { id: number; match: string | null }) => {
      const current = this.current;
      if (!current || current.job.id !== message.id) return;
      clearTimeout(current.timer);
      this.current = undefined;
      current.job.resolve(message.match);
      this.pump();
    });
    worker.on("error", (error) => {
      // A pattern the schema accepted cannot throw here; anything else fails the job, not the server.
      if (this.worker === worker) this.worker = undefined;
      const current = this.current;
      if (current) {
        clearTimeout(current.timer);
        this.current = undefined;
        current.job.reject(error);
      }
      this.pump();
    });
    this.worker = worker;
    return worker;
  }
}
