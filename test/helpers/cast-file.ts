import fs from "node:fs";

/**
 * Reads a recording the strict way a checker would: the header must be JSON, every event line
 * must be a JSON `[time, type, data]` — except the very last line, which a kill -9 may have cut
 * in the middle of a write (reported, not fatal).
 */
export interface CastFile {
  header: { version: number; width: number; height: number; timestamp: number };
  /** All `o` events' data, in order. */
  output: string;
  events: Array<[number, string, string]>;
  /** The last line did not parse (a write cut by the kill). */
  halfWrittenLastLine: boolean;
  /** Lines other than the last that did not parse: must be empty. */
  badLines: number[];
}

export function readCastFile(file: string): CastFile {
  const text = fs.readFileSync(file, "utf8");
  const lines = text.split("\n");
  // A complete file ends with "\n": the final element is then empty.
  const last = lines.length - 1;
  const header = JSON.parse(lines[0]!) as CastFile["header"];
  const events: CastFile["events"] = [];
  const badLines: number[] = [];
  let halfWrittenLastLine = false;
  let output = "";
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "" && i === last) continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      if (i === last) halfWrittenLastLine = true;
      else badLines.push(i);
      continue;
    }
    if (!Array.isArray(event) || typeof event[0] !== "number" || typeof event[1] !== "string" || typeof event[2] !== "string") {
      badLines.push(i);
      continue;
    }
    events.push(event as [number, string, string]);
    if (event[1] === "o") output += event[2];
  }
  return { header, output, events, badLines, halfWrittenLastLine };
}

/** Complete lines of the form `<tag> <n> <epoch-ms>…` in `text` (a trailing partial line is left out). */
export function numberedLines(text: string, tag: string): Array<{ n: number; at: number }> {
  const complete = text.slice(0, text.lastIndexOf("\n") + 1);
  const out: Array<{ n: number; at: number }> = [];
  const pattern = new RegExp(`^${tag} (\\d+) (\\d+)`);
  for (const raw of complete.split("\n")) {
    const match = pattern.exec(raw.replace(/\r$/, ""));
    if (match) out.push({ n: Number(match[1]), at: Number(match[2]) });
  }
  return out;
}

/** The first place where `lines` is not 1, 2, 3, …, or -1 when it is a gap-free prefix. */
export function firstGap(lines: ReadonlyArray<{ n: number }>): number {
  for (let i = 0; i < lines.length; i++) if (lines[i]!.n !== i + 1) return i;
  return -1;
}
