import fs from "node:fs";

/** The last event is in the file's last few lines; one event line is at most a flush chunk or so. */
const TAIL_BYTES = 256 * 1024;

/**
 * When a recording last received output: its start plus the time offset of its last complete
 * event (`[seconds, code, data]`). After a kill -9 this is when the run was last seen alive — the
 * asciicast writer flushes at most 500 ms behind the PTY — where the restart time could be minutes
 * later. Undefined when the file is missing or holds no event yet.
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
    for (let i = lines.length - 1; i >= 0; i--) {
      const offset = eventOffsetSeconds(lines[i]!);
      if (offset !== undefined) return new Date(recordingStartedAt.getTime() + Math.round(offset * 1000));
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

function eventOffsetSeconds(line: string): number | undefined {
  if (!line.startsWith("[")) return undefined;
  try {
    const event: unknown = JSON.parse(line);
    if (Array.isArray(event) && typeof event[0] === "number" && Number.isFinite(event[0]) && event[0] >= 0) return event[0];
  } catch {
    // a cut line
  }
  return undefined;
}
