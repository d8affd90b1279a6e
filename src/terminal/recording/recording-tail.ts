import fs from "node:fs";
import { CastClock, parseCastEvent } from "./cast-parser";

/** The last event is in the file's last few lines; one event line is at most a flush chunk or so. */
const TAIL_BYTES = 256 * 1024;

/**
 * When a recording last received output: its start plus the time offset of its last complete
 * event (`[seconds, code, data]`). After a kill -9 this is when the run was last seen alive — the
 * asciicast writer flushes at most 500 ms behind the PTY — where the restart time could be minutes
 * later. Undefined when the file is missing or holds no event yet.
 *
 * Lines are read by `cast-parser.ts` with its time rule (`CastClock`: a time never goes back), so
 * this is the time a player shows at the recording's end — as far as the window tells: a clock
 * step back larger than the window's span is not seen (the caller caps the result at now).
 */
export function lastRecordedEventAt(file: string, recordingStartedAt: Date): Date | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    fs.readSync(fd, buffer, 0, buffer.length, start);
    const lines = buffer.toString("utf8").split("\n");
    // The first line may be cut by the window, the last by the crash: both fail to parse and are skipped.
    const clock = new CastClock();
    let last: number | undefined;
    for (const line of lines) {
      const event = line.startsWith("[") ? parseCastEvent(line) : "invalid";
      if (typeof event === "object") last = clock.place(event.time);
    }
    return last === undefined ? undefined : new Date(recordingStartedAt.getTime() + Math.round(last * 1000));
  } finally {
    fs.closeSync(fd);
  }
}
