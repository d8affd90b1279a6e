import type { OutputReadQuery, OutputReadResult } from "../../src/terminal/host/output-log";
import type { HostedSession } from "../../src/terminal/server/hosted-sessions";
import { cleanTerminalText } from "../../src/lib/terminal-text/ansi-clean";
import type { PatternMatcher } from "./pattern-matcher";
import type { WaitCondition } from "./terminal-schemas";

/**
 * "Wait instead of polling": one buffer read that holds until a condition is met or the time runs
 * out, and says which.
 *
 * - `exit`: the process has exited (at once if it already had).
 * - `idle`: no output for `idleMs`, counted from the later of the call and the last output — so
 *   a wait right after sending input gives the program `idleMs` to start printing. An exited
 *   process is idle for good: the wait ends at once with reason `exit` (satisfied).
 * - `pattern`: the regex (run by a PatternMatcher, off the main thread, with a time budget) matches the cleaned text (ANSI stripped, rewrites resolved) of the output
 *   that is new since the call — from `since` when given; from `origin` when given (a send-and-wait
 *   passes the position taken just before its write, so output that came before the wait began
 *   is seen, and the echo of the input itself is not taken for output); otherwise from where the
 *   output stood when the call arrived (the part of the unfinished line already printed, e.g. a
 *   shell prompt, is left out). A match may span up to OVERLAP_LINES lines. Lines the ring evicts before they
 *   are scanned are not seen. If the process exits without a match: reason `exit`, not satisfied.
 * - `prompt` (send-and-wait only, which knows the prompt the input was typed at): the prompt is
 *   back (see PromptDetector). If the process exits first: reason `exit`, not satisfied.
 * - Otherwise after `timeoutMs`: reason `timeout`, not satisfied.
 * A cancelled wait (the client disconnected) resolves to undefined and frees its listeners.
 */
export interface WaitSpec {
  condition: WaitCondition;
  idleMs: number;
  pattern?: RegExp;
  timeoutMs: number;
  since?: number;
  /** Where a pattern scan starts, when known before the wait (send-and-wait); wins over `since`. */
  origin?: ScanOrigin;
}

/**
 * A pattern scan's starting point: line `from`, minus the raw text that line already had
 * (`prefix`, e.g. the prompt), minus the terminal's echo of what was typed there (`echo`: the
 * input's first line, compared with the cleaned text, so a pattern naming the command's own
 * marker is not matched by the command line itself).
 */
export interface ScanOrigin {
  from: number;
  prefix: string;
  echo?: string;
}

export interface WaitOutcome {
  condition: WaitCondition;
  satisfied: boolean;
  reason: "idle" | "exit" | "pattern" | "prompt" | "timeout";
  waitedMs: number;
  /** The matched text (pattern waits), at most MAX_MATCH_CHARS. */
  match?: string;
}

/** Lines scanned per step, so one check never cleans an unbounded amount of text at once. */
const CHUNK_LINES = 500;
/** Completed lines scanned again on the next check, so a match spanning a few lines is still found. */
const OVERLAP_LINES = 20;
const MAX_MATCH_CHARS = 200;

export function waitForTerminal(session: HostedSession, spec: WaitSpec, signal: AbortSignal, matcher: PatternMatcher): Promise<WaitOutcome | undefined> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const cleanups: Array<() => void> = [];
    let settled = false;
    const settle = (reason: WaitOutcome["reason"] | "cancelled", satisfied: boolean, match?: string) => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      if (reason === "cancelled") return resolve(undefined);
      const outcome: WaitOutcome = { condition: spec.condition, satisfied, reason, waitedMs: Date.now() - startedAt };
      if (match !== undefined) outcome.match = match.slice(0, MAX_MATCH_CHARS);
      resolve(outcome);
    };

    /** A pattern that could not be matched in time ends the wait with its error (a 400). */
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      reject(error);
    };

    if (signal.aborted) return settle("cancelled", false);
    const onAbort = () => settle("cancelled", false);
    signal.addEventListener("abort", onAbort, { once: true });
    cleanups.push(() => signal.removeEventListener("abort", onAbort));
    const timeout = setTimeout(() => settle("timeout", false), spec.timeoutMs);
    cleanups.push(() => clearTimeout(timeout));

    switch (spec.condition) {
      case "exit": {
        if (!session.running) return settle("exit", true);
        cleanups.push(session.onExit(() => settle("exit", true)));
        return;
      }
      case "idle": {
        if (!session.running) return settle("exit", true);
        const quiet = setTimeout(() => settle("idle", true), spec.idleMs);
        cleanups.push(() => clearTimeout(quiet));
        // refresh() restarts the timer with its full duration: idle is measured from the last output.
        cleanups.push(session.onOutput(() => quiet.refresh()));
        cleanups.push(session.onExit(() => settle("exit", true)));
        return;
      }
      case "pattern": {
        const scanner = new PatternScanner((query) => session.readLog(query), spec.pattern!, matcher, spec.origin ?? spec.since);
        return checkOnOutput(async () => {
          const match = await scanner.check();
          return match === null ? null : { reason: "pattern", match };
        });
      }
      case "prompt": {
        const detector = new PromptDetector((query) => session.readLog(query), spec.origin!);
        return checkOnOutput(async () => ((await detector.check()) ? { reason: "prompt" } : null));
      }
    }

    /**
     * Runs an asynchronous check now and after each burst of output. One check at a time; output
     * or an exit during a check asks for one more afterwards. The wait ends with `exit` (not
     * satisfied) only after a check that began once the process had exited (the tail of the
     * output is in the log before exit listeners run) found nothing.
     */
    function checkOnOutput(check: () => Promise<{ reason: "pattern" | "prompt"; match?: string } | null>): void {
      let checking = false;
      let again = false;
      const run = () => {
        if (settled) return;
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        const exitedBefore = !session.running;
        check().then(
          (found) => {
            checking = false;
            if (settled) return;
            if (found !== null) return settle(found.reason, true, found.match);
            if (again) {
              again = false;
              return run();
            }
            if (exitedBefore) settle("exit", false);
          },
          (error: unknown) => {
            checking = false;
            fail(error);
          },
        );
      };
      run();
      // Output listeners run inside the session's flush; check afterwards, once per burst.
      let scheduled = false;
      cleanups.push(
        session.onOutput(() => {
          if (scheduled) return;
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            run();
          });
        }),
      );
      // The tail of the output is in the log before exit listeners run: one last look.
      cleanups.push(session.onExit(() => run()));
    }
  });
}

/**
 * "The shell is back at its prompt": after at least one new line since the input was typed, the
 * unfinished last line shows the prompt the input was typed at (`origin.prefix`) — the same text,
 * or, when the prompt ends in a marker and a blank (`$ `, `# `, `> `, `>>> `, `❯ `), a line ending
 * the same way (a prompt showing the working directory changes after `cd`). Works for shells and
 * REPLs alike without knowing which one runs.
 */
export class PromptDetector {
  private readonly prompt: string;

  constructor(
    private readonly read: LogReader,
    private readonly origin: ScanOrigin,
  ) {
    this.prompt = visibleText(origin.prefix);
  }

  /** The prompt the wait looks for, as text (empty: there was none to look for). */
  get promptText(): string {
    return this.prompt;
  }

  async check(): Promise<boolean> {
    if (this.prompt.trim() === "") return false;
    const last = await this.read({ mode: "tail", tailLines: 1 });
    // A capped line comes with a marker line before it: too long to be a prompt anyway.
    if (last.totalLines <= this.origin.from || !last.endsWithPartialLine || last.output.includes("\n")) return false;
    return samePrompt(this.prompt, visibleText(last.output));
  }
}

/** Cleaned text with its trailing blanks kept (cleaning trims them; a sentinel after them keeps them). */
export function visibleText(raw: string): string {
  const SENTINEL = "\uE000";
  const text = cleanTerminalText(`${raw}${SENTINEL}`);
  return text.endsWith(SENTINEL) ? text.slice(0, -1) : text;
}

function samePrompt(before: string, now: string): boolean {
  if (now === before) return true;
  // A marker and a blank at the end ("$ ", "> "): the part before it may have changed (cwd, branch).
  return /\S\s$/.test(before) && now.slice(-2) === before.slice(-2);
}

/** Reads the session's output log (in the terminal host). */
export type LogReader = (query: OutputReadQuery) => Promise<OutputReadResult>;

/** Scans the log incrementally: completed lines are final, so each check reads little more than what is new. */
export class PatternScanner {
  /** Where the wait began, and the raw text the unfinished line already had then (it is not "new"). */
  private origin: Promise<ScanOrigin>;
  private next = 0;

  constructor(
    private readonly read: LogReader,
    private readonly regex: RegExp,
    private readonly matcher: PatternMatcher,
    start?: number | ScanOrigin,
  ) {
    this.origin =
      typeof start === "object"
        ? Promise.resolve(start)
        : start !== undefined
          ? Promise.resolve({ from: start, prefix: "" })
          : currentPosition(read);
    // Reported by check(); a wait cancelled before its first check must not leave it unhandled.
    this.origin.catch(() => undefined);
  }

  /** The first match in the text not yet ruled out, or null. Rejects when the pattern is too slow. */
  async check(): Promise<string | null> {
    const { from, prefix, echo } = await this.origin;
    for (;;) {
      // Lines before the log's first line were evicted: the read starts at its first line.
      const read = await this.read({ mode: "full", since: Math.max(this.next, from), maxLines: CHUNK_LINES });
      const start = Math.max(this.next, from, read.firstLine);
      if (read.stats.linesShown === 0) return null;
      let raw = read.output;
      if (start === from && prefix && raw.startsWith(prefix)) raw = raw.slice(prefix.length);
      let text = cleanTerminalText(raw);
      if (start === from && echo) text = withoutEcho(text, echo);
      const match = text === "" ? null : await this.matcher.match(this.regex.source, this.regex.flags, text);
      if (match !== null) return match;
      const completedEnd = Math.min(read.nextReadFrom, read.totalLines);
      this.next = Math.max(this.next, completedEnd - OVERLAP_LINES);
      if (!read.hasMore) return null;
    }
  }
}

/**
 * Where the output stands now: the number of the unfinished line (or of the next line) and the raw
 * text that unfinished line already has (e.g. the prompt an input is about to be typed at).
 */
export async function currentPosition(read: LogReader): Promise<ScanOrigin> {
  // One read (one round trip to the terminal host): the last line, which is the unfinished one if any.
  const last = await read({ mode: "tail", tailLines: 1 });
  // A capped unfinished line renders after a marker line: then nothing is cut (rare, harmless).
  const prefix = last.endsWithPartialLine && !last.output.includes("\n") ? last.output : "";
  return { from: last.totalLines, prefix };
}

/** The cleaned text without the echo of the typed line at its start; nothing while the echo is still arriving. */
function withoutEcho(text: string, echo: string): string {
  if (text.startsWith(echo)) return text.slice(echo.length);
  return echo.startsWith(text) ? "" : text;
}
