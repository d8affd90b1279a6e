import { Worker } from "node:worker_threads";
import { AppError } from "../../lib/errors";
import type { LineSearchResult } from "./line-search";
import type { SearchSpec } from "./search-types";
import type { WorkerReply, WorkerRequest } from "./search-worker";

/**
 * Runs output searches in worker threads (`search-worker.ts`). A busy worker reports progress
 * every 200 ms; one silent for STALL_BUDGET_MS is stuck in one match — a regex that backtracks
 * catastrophically, e.g. `(a+)+$` — and is terminated (which interrupts the match), and the
 * search answers 400. The server's event loop never runs a user's regex, so it keeps answering.
 * The same reasoning, and the rejected alternatives (re2-wasm, V8's linear engine), are in
 * `server/internal-api/pattern-matcher.ts`.
 */

/** Far beyond any sane pattern on one 256 KiB read of output; a backtracking one runs for seconds or forever. */
export const STALL_BUDGET_MS = 2_000;
/** Searches running at once: the machine's cores are shared with the PTYs and the server. */
export const SEARCH_WORKERS = 2;
/** Searches waiting for a worker; beyond this a search is refused (429) rather than queued for minutes. */
export const MAX_QUEUED_SEARCHES = 32;

export interface SearchJob {
  spec: SearchSpec;
  maxLineChars: number;
  /** Date.now() at which the worker stops and answers with what it found (`complete: false`). */
  deadline: number;
  file?: { path: string; mode: "whole" | "prefix" };
  /**
   * After a `prefix` file (or without a file): the live log's lines from `fromLine` on, in pages.
   * A page may start after `fromLine` (lines gone from the log), which the result reports.
   */
  live?: (fromLine: number) => AsyncIterable<{ firstLine: number; lines: string[] }>;
}

export interface SearchOutcome {
  result: LineSearchResult;
  complete: boolean;
  /** The line the live part was asked to start at (the recording's completed lines). */
  prefixLines: number | undefined;
}

interface Slot {
  worker: Worker | undefined;
  ready: Promise<Worker> | undefined;
  busy: boolean;
}

export class SearchPool {
  private readonly slots: Slot[];
  private readonly queue: Array<() => void> = [];
  private nextId = 1;
  private disposed = false;

  constructor(
    private readonly stallBudgetMs = STALL_BUDGET_MS,
    workers = SEARCH_WORKERS,
  ) {
    this.slots = Array.from({ length: workers }, () => ({ worker: undefined, ready: undefined, busy: false }));
  }

  async run(job: SearchJob): Promise<SearchOutcome> {
    const slot = await this.acquire();
    try {
      return await this.execute(slot, job);
    } finally {
      slot.busy = false;
      this.queue.shift()?.();
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const slot of this.slots) this.kill(slot);
    this.queue.splice(0);
  }

  private acquire(): Promise<Slot> {
    if (this.disposed) return Promise.reject(new AppError("unavailable:shutdown", "The server is shutting down."));
    const take = (): Slot | undefined => {
      const free = this.slots.find((slot) => !slot.busy);
      if (free) free.busy = true;
      return free;
    };
    const slot = take();
    if (slot) return Promise.resolve(slot);
    if (this.queue.length >= MAX_QUEUED_SEARCHES) {
      return Promise.reject(new AppError("limit:search", `${MAX_QUEUED_SEARCHES} searches are already waiting; try again when they are done.`));
    }
    return new Promise((resolve, reject) =>
      this.queue.push(() => {
        if (this.disposed) return reject(new AppError("unavailable:shutdown", "The server is shutting down."));
        resolve(take()!);
      }),
    );
  }

  private async execute(slot: Slot, job: SearchJob): Promise<SearchOutcome> {
    const worker = await this.workerOf(slot);
    const id = this.nextId++;
    const inbox = new Inbox(worker, id, this.stallBudgetMs, () => {
      this.kill(slot);
      return stalled(job.spec, this.stallBudgetMs);
    });
    try {
      const post = (request: WorkerRequest) => worker.postMessage(request);
      post({ type: "start", id, spec: job.spec, maxLineChars: job.maxLineChars, deadline: job.deadline, ...(job.file ? { file: job.file } : {}) });
      let reply = await inbox.next();
      let prefixLines: number | undefined;
      if (reply.type === "prefixDone") {
        prefixLines = reply.lines;
        if (job.live) {
          inbox.pause(); // fetching from the terminal host is not the worker's time
          for await (const page of job.live(reply.lines)) {
            post({ type: "lines", id, firstLine: page.firstLine, lines: page.lines, last: false });
            reply = await inbox.next(true);
            if (reply.type !== "progress") break;
            inbox.pause();
          }
        }
        if (reply.type === "prefixDone" || reply.type === "progress") {
          post({ type: "lines", id, firstLine: 0, lines: [], last: true });
          reply = await inbox.next();
        }
      }
      if (reply.type === "failed") {
        throw new AppError(reply.code === "not_found" ? "not_found:recording" : "internal:recording", reply.message);
      }
      if (reply.type !== "done") throw new Error(`search worker answered ${reply.type} out of turn`);
      return { result: reply.result, complete: reply.complete, prefixLines };
    } finally {
      inbox.close();
    }
  }

  private workerOf(slot: Slot): Promise<Worker> {
    if (slot.ready) return slot.ready;
    const worker = new Worker(new URL("./search-worker-boot.mjs", import.meta.url), {
      execArgv: [],
      workerData: { entry: new URL("./search-worker.ts", import.meta.url).href },
    });
    worker.unref();
    // A worker that dies between jobs (out of memory, a bug) is replaced at the next job.
    worker.once("exit", () => {
      if (slot.worker === worker) {
        slot.worker = undefined;
        slot.ready = undefined;
      }
    });
    slot.worker = worker;
    slot.ready = new Promise((resolve, reject) => {
      const onMessage = (message: WorkerReply) => {
        if (message.type !== "ready") return;
        worker.off("message", onMessage);
        worker.off("error", onError);
        resolve(worker);
      };
      const onError = (error: Error) => {
        worker.off("message", onMessage);
        if (slot.worker === worker) this.kill(slot);
        reject(error);
      };
      worker.on("message", onMessage);
      worker.once("error", onError);
    });
    return slot.ready;
  }

  private kill(slot: Slot): void {
    const worker = slot.worker;
    slot.worker = undefined;
    slot.ready = undefined;
    void worker?.terminate();
  }
}

/**
 * One job's replies, in order. While armed, a reply must come within the stall budget, else the
 * worker is cut off; progress replies re-arm it and are swallowed unless they answer a page.
 */
class Inbox {
  private readonly replies: WorkerReply[] = [];
  private waiter: { resolve(reply: WorkerReply): void; reject(error: unknown): void } | undefined;
  private failure: unknown;
  private timer: NodeJS.Timeout | undefined;
  /** A progress reply answers the page just sent (else it only shows the worker is alive). */
  private acceptProgress = false;
  private readonly onMessage = (message: WorkerReply) => {
    if (message.type === "ready" || message.id !== this.id) return;
    this.arm();
    if (message.type === "progress" && !this.acceptProgress) return;
    this.deliver(message);
  };
  private readonly onGone = (error?: unknown) => {
    this.fail(error instanceof Error ? error : new Error("the search worker exited"));
  };

  constructor(
    private readonly worker: Worker,
    private readonly id: number,
    private readonly budgetMs: number,
    private readonly onStall: () => AppError,
  ) {
    worker.on("message", this.onMessage);
    worker.on("error", this.onGone);
    worker.on("exit", this.onGone);
  }

  /** The next reply that matters (`acceptProgress`: a page's acknowledgement); arms the budget while waiting. */
  next(acceptProgress = false): Promise<WorkerReply> {
    this.acceptProgress = acceptProgress;
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    this.arm();
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  pause(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.pause();
    this.worker.off("message", this.onMessage);
    this.worker.off("error", this.onGone);
    this.worker.off("exit", this.onGone);
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fail(this.onStall()), this.budgetMs);
  }

  private deliver(reply: WorkerReply): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) {
      this.pause();
      waiter.resolve(reply);
    } else this.replies.push(reply);
  }

  private fail(error: unknown): void {
    this.pause();
    this.failure ??= error;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.failure);
  }
}

function stalled(spec: SearchSpec, budgetMs: number): AppError {
  const seconds = budgetMs / 1000;
  if (spec.regex) {
    return new AppError(
      "bad_request:pattern",
      `q: the regular expression took longer than ${seconds} s on one part of the output: it backtracks catastrophically (nested quantifiers such as (a+)+ or overlapping alternatives such as (a|a)*). Simplify it, or search plain text (regex=false).`,
    );
  }
  return new AppError("unavailable:search", `The search made no progress for ${seconds} s (the machine is overloaded); try again.`);
}
