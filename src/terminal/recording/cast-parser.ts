/**
 * Parses asciicast v2 recordings (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header
 * line, then one JSON array per line — `[seconds, "o", data]` output and `[seconds, "r",
 * "COLSxROWS"]` resizes (other event types are skipped). Pure and incremental: the browser feeds
 * it the response body chunk by chunk, so a 100 MB recording is never held whole as one string.
 * The one parser for both sides: the browser's player and every server-side reader
 * (`recording-reader.ts`, `recording-tail.ts`) use it, so a recording reads the same everywhere.
 * Keep it free of DOM and node imports.
 *
 * **Event times never go backwards, and no event is dropped for its time.** `asciicast-writer.ts`
 * stamps each event with `Date.now() - startedAt`, a wall-clock difference: a clock stepped back
 * (NTP, a manual change, a VM resumed) writes an event earlier than the one before it, or with a
 * negative time when the step reaches back past the recording's start. Such an event is kept, its
 * time raised to the previous event's (`CastClock`): every byte is still replayed and returned,
 * in file order, and a player never sees time run backwards.
 */

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix seconds of the recording's start, when given. */
  timestamp?: number;
  title?: string;
}

export type CastEvent =
  | { type: "output"; time: number; data: string }
  | { type: "resize"; time: number; cols: number; rows: number };

export type CastItem = { type: "header"; header: CastHeader } | CastEvent;

export class CastFormatError extends Error {
  override readonly name = "CastFormatError";
}

/** Terminal sizes beyond these are not plausible; such a resize is treated as a bad line. */
const MAX_COLS = 1000;
const MAX_ROWS = 500;

export function parseCastHeader(line: string): CastHeader {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new CastFormatError("The recording does not start with a JSON header line.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CastFormatError("The recording's first line is not an asciicast header.");
  }
  const header = value as Record<string, unknown>;
  if (header.version !== 2) throw new CastFormatError(`Unsupported asciicast version: ${String(header.version)} (expected 2).`);
  const width = dimension(header.width, MAX_COLS);
  const height = dimension(header.height, MAX_ROWS);
  if (width === undefined || height === undefined) throw new CastFormatError("The recording's header has no valid width and height.");
  const parsed: CastHeader = { version: 2, width, height };
  if (typeof header.timestamp === "number" && Number.isFinite(header.timestamp)) parsed.timestamp = header.timestamp;
  if (typeof header.title === "string") parsed.title = header.title;
  return parsed;
}

/**
 * One event line: the event, `"skip"` for a valid event of another type, `"invalid"` otherwise.
 * The time is as written, possibly negative or earlier than the previous event's: `CastClock`
 * (applied by `CastParser`) settles that.
 */
export function parseCastEvent(line: string): CastEvent | "skip" | "invalid" {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "invalid";
  }
  if (!Array.isArray(value) || value.length < 3) return "invalid";
  const [time, code, data] = value as unknown[];
  if (typeof time !== "number" || !Number.isFinite(time) || typeof code !== "string" || typeof data !== "string") {
    return "invalid";
  }
  if (code === "o") return { type: "output", time, data };
  if (code === "r") {
    const match = /^(\d{1,4})x(\d{1,4})$/.exec(data);
    const cols = dimension(Number(match?.[1]), MAX_COLS);
    const rows = dimension(Number(match?.[2]), MAX_ROWS);
    return cols !== undefined && rows !== undefined ? { type: "resize", time, cols, rows } : "invalid";
  }
  return "skip";
}

function dimension(value: unknown, max: number): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= max ? value : undefined;
}

/**
 * The rule for event times, in one place: an event's time is at least the previous event's (and
 * at least 0). An event written with an earlier time (a wall-clock step back, see the file
 * comment) is kept and placed at the previous event's time.
 */
export class CastClock {
  private last = 0;
  /** Events whose time was raised. */
  adjusted = 0;

  place(time: number): number {
    if (time >= this.last) {
      this.last = time;
      return time;
    }
    this.adjusted += 1;
    return this.last;
  }
}

export interface CastParserStats {
  events: number;
  /** Events written with a time before the previous event's: kept, at the previous time (`CastClock`). */
  timeStepsBack: number;
  /** Lines that were not valid events (skipped; the rest still plays). */
  invalidLines: number;
  /** The input ended inside a line (a recording still being written, or cut by a crash). */
  truncatedTail: boolean;
}

/**
 * Incremental parser: `push` text as it arrives, `end` when the input is complete. Items come
 * back in order; the first is always the header (a bad header throws CastFormatError).
 */
export class CastParser {
  private partial = "";
  private sawHeader = false;
  private readonly clock = new CastClock();
  readonly stats: CastParserStats = { events: 0, timeStepsBack: 0, invalidLines: 0, truncatedTail: false };

  push(text: string): CastItem[] {
    const items: CastItem[] = [];
    let start = 0;
    let newline = text.indexOf("\n");
    while (newline !== -1) {
      const piece = text.slice(start, newline);
      const line = this.partial.length > 0 ? this.partial + piece : piece;
      this.partial = "";
      this.take(line, items);
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    this.partial += text.slice(start);
    return items;
  }

  end(): CastItem[] {
    const items: CastItem[] = [];
    const rest = this.partial;
    this.partial = "";
    if (rest.trim().length > 0) {
      const before = this.stats.invalidLines;
      this.take(rest, items);
      // A last line without its newline that does not parse was cut mid-write, not corrupt.
      if (this.stats.invalidLines > before) {
        this.stats.invalidLines = before;
        this.stats.truncatedTail = true;
      }
    }
    if (!this.sawHeader) throw new CastFormatError("The recording is empty.");
    return items;
  }

  private take(rawLine: string, items: CastItem[]): void {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (line.trim().length === 0) return;
    if (!this.sawHeader) {
      items.push({ type: "header", header: parseCastHeader(line) });
      this.sawHeader = true;
      return;
    }
    const event = parseCastEvent(line);
    if (event === "invalid") this.stats.invalidLines += 1;
    else if (event !== "skip") {
      this.stats.events += 1;
      event.time = this.clock.place(event.time);
      this.stats.timeStepsBack = this.clock.adjusted;
      items.push(event);
    }
  }
}

/** Whole-text convenience: the header, the events in order, and the parser's counts. */
export function parseCast(text: string): { header: CastHeader; events: CastEvent[]; stats: CastParserStats } {
  const parser = new CastParser();
  const items = [...parser.push(text), ...parser.end()];
  const [first, ...rest] = items;
  if (first?.type !== "header") throw new CastFormatError("The recording is empty.");
  return { header: first.header, events: rest as CastEvent[], stats: parser.stats };
}
