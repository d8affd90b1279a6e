import fs from "node:fs";
import { OutputLog } from "../host/output-log";
import { ScreenMirror } from "../host/screen-mirror";
import { CastParser, type CastItem } from "./cast-parser";

/**
 * Reads an asciicast v2 recording back, streaming: what is on disk is never held whole in memory.
 * Replays rebuild the same bounded structures a live session has (the line ring, the screen
 * mirror), so history answers with live semantics.
 */

/** Read size: a flood's event lines are up to ~32 KiB, so a chunk holds a few of them. */
const READ_CHUNK_BYTES = 64 * 1024;

/**
 * The header, then every event in order, parsed by `cast-parser.ts` (the browser's parser): a line
 * cut by a crash or otherwise unreadable is skipped, times never go backwards (see `CastClock`).
 * Throws `CastFormatError` when the file has no asciicast v2 header.
 */
export async function* readCast(file: string): AsyncGenerator<CastItem> {
  const parser = new CastParser();
  // The stream decodes UTF-8 across chunk boundaries.
  for await (const chunk of fs.createReadStream(file, { encoding: "utf8", highWaterMark: READ_CHUNK_BYTES })) {
    yield* parser.push(chunk as string);
  }
  yield* parser.end();
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
    if (item.type === "header") {
      cols = item.header.width;
      rows = item.header.height;
    } else if (item.type === "output") {
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
      if (item.type === "header") {
        mirror = new ScreenMirror({ cols: item.header.width, rows: item.header.height, scrollback: scrollbackLines });
      } else if (mirror) {
        if (item.type === "output") {
          // Respect the mirror's flow control: wait for it to catch up instead of queueing a whole file.
          if (!mirror.write(item.data)) await new Promise<void>((resolve) => mirror!.whenIdle(resolve));
        } else mirror.resize(item.cols, item.rows);
      }
    }
    // Unreachable: readCast throws CastFormatError before any event when there is no header.
    if (!mirror) throw new Error("Empty recording");
    const ready = mirror;
    await new Promise<void>((resolve) => ready.whenIdle(resolve));
    return ready;
  } catch (error) {
    mirror?.dispose();
    throw error;
  }
}
