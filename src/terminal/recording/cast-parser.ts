/**
 * Parses asciicast v2 recordings (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header
 * line, then one JSON array per line — `[seconds, "o", data]` output and `[seconds, "r",
 * "COLSxROWS"]` resizes (other event types are skipped). Pure and incremental: the browser feeds
 * it the response body chunk by chunk, so a 100 MB recording is never held whole as one string.
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

/** One event line: the event, `"skip"` for a valid event of another type, `"invalid"` otherwise. */
export function parseCastEvent(line: string): CastEvent | "skip" | "invalid" {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "invalid";
  }
  if (!Array.isArray(value) || value.length < 3) return "invalid";
  const [time, code, data] = value as unknown[];
  if (typeof time !== "number" || !Number.isFinite(time) || time < 0 || typeof code !== "string" || typeof data !== "string") {
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

export interface CastParserStats {
  events: number;
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
  readonly stats: CastParserStats = { events: 0, invalidLines: 0, truncatedTail: false };

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
