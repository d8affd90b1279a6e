import fs from "node:fs";
import readline from "node:readline";
import { OutputLog } from "../server/output-log";
import { ScreenMirror } from "../server/screen-mirror";

/**
 * Reads an asciicast v2 recording back, streaming: what is on disk is never held whole in memory.
 * Replays rebuild the same bounded structures a live session has (the line ring, the screen
 * mirror), so history answers with live semantics.
 */

export interface CastHeader {
  version: number;
  width: number;
  height: number;
  timestamp?: number;
  title?: string;
}

export type CastEvent = { time: number; type: "o"; data: string } | { time: number; type: "r"; cols: number; rows: number };

export async function* readCast(file: string): AsyncGenerator<CastHeader | CastEvent> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  let first = true;
  for await (const line of lines) {
    if (line.length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // A crash can leave a half-written last line: everything before it is still good.
      continue;
    }
    if (first) {
      first = false;
      const h = value as Partial<CastHeader>;
      if (typeof h !== "object" || h === null || h.version !== 2) throw new Error("Not an asciicast v2 recording");
      yield { version: 2, width: Number(h.width) || 80, height: Number(h.height) || 24, timestamp: h.timestamp, title: h.title };
      continue;
    }
    if (!Array.isArray(value) || value.length < 3 || typeof value[0] !== "number" || typeof value[2] !== "string") continue;
    if (value[1] === "o") yield { time: value[0], type: "o", data: value[2] };
    else if (value[1] === "r") {
      const m = /^(\d+)x(\d+)$/.exec(value[2]);
      if (m) yield { time: value[0], type: "r", cols: Number(m[1]), rows: Number(m[2]) };
    }
  }
}

function isHeader(item: CastHeader | CastEvent): item is CastHeader {
  return (item as CastHeader).version !== undefined;
}

export interface ReplayedLog {
  log: OutputLog;
  cols: number;
  rows: number;
  durationSeconds: number;
}

export async function replayLog(file: string, scrollbackLines: number): Promise<ReplayedLog> {
  const log = new OutputLog({ maxLines: scrollbackLines });
  let cols = 80;
  let rows = 24;
  let duration = 0;
  for await (const item of readCast(file)) {
    if (isHeader(item)) {
      cols = item.width;
      rows = item.height;
    } else if (item.type === "o") {
      log.append(item.data);
      duration = item.time;
    } else {
      cols = item.cols;
      rows = item.rows;
    }
  }
  return { log, cols, rows, durationSeconds: duration };
}

/** Rebuilds the final screen. Resolves once the mirror has parsed everything; dispose it after use. */
export async function replayScreen(file: string, scrollbackLines: number): Promise<ScreenMirror> {
  let mirror: ScreenMirror | undefined;
  try {
    for await (const item of readCast(file)) {
      if (isHeader(item)) {
        mirror = new ScreenMirror({ cols: item.width, rows: item.height, scrollback: scrollbackLines });
      } else if (mirror) {
        if (item.type === "o") {
          // Respect the mirror's flow control: wait for it to catch up instead of queueing a whole file.
          if (!mirror.write(item.data)) await new Promise<void>((resolve) => mirror!.whenIdle(resolve));
        } else mirror.resize(item.cols, item.rows);
      }
    }
    if (!mirror) throw new Error("Empty recording");
    const ready = mirror;
    await new Promise<void>((resolve) => ready.whenIdle(resolve));
    return ready;
  } catch (error) {
    mirror?.dispose();
    throw error;
  }
}
