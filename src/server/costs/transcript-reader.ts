import fs from "node:fs/promises";
import { constants } from "node:fs";

/**
 * Reads what was appended to a transcript since `offset`, as whole lines. Bounded work: at most
 * `maxBytes` of new text per call (the rest waits for the next), lines longer than `maxLineBytes`
 * are skipped without being held (usage lines are small; a tool result with an image is not),
 * and a last line without its newline — Claude is still writing it — is left for the next read.
 */
export interface AppendedRead {
  lines: string[];
  /** Where the next read starts: just after the last complete line consumed. */
  nextOffset: number;
  /** The file is shorter than `offset`: it was replaced or truncated. Nothing was read. */
  truncated: boolean;
  /** Lines skipped for their length. */
  skippedLines: number;
  size: number;
  /** The read stopped at maxBytes: more is already there for the next call. */
  more: boolean;
}

export interface ReadLimits {
  maxBytes: number;
  maxLineBytes: number;
}

/** 4 MiB a call keeps one refresh short; a busy run appends far less between two reads. */
export const DEFAULT_READ_LIMITS: ReadLimits = { maxBytes: 4 * 1024 * 1024, maxLineBytes: 1024 * 1024 };
const CHUNK_BYTES = 256 * 1024;
const NEWLINE = 0x0a;

/**
 * Undefined when the path is not a readable regular file (not there yet, a directory, a FIFO —
 * opened non-blocking so a FIFO cannot hang the server).
 */
export async function readAppendedLines(file: string, offset: number, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<AppendedRead | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return undefined;
    const size = stat.size;
    if (size < offset) return { lines: [], nextOffset: 0, truncated: true, skippedLines: 0, size, more: false };
    const lines: string[] = [];
    const chunk = Math.max(1, Math.min(CHUNK_BYTES, limits.maxBytes));
    const buffer = Buffer.allocUnsafe(chunk);
    let pos = offset;
    let committed = offset;
    let carry: Buffer[] = [];
    let carryBytes = 0;
    let skipping = false;
    let skippedLines = 0;
    // A line being skipped is followed to its end even past maxBytes: stopping inside it would re-read it next time.
    while (pos < size && (pos - offset < limits.maxBytes || skipping)) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(chunk, size - pos), pos);
      if (bytesRead === 0) break;
      let start = 0;
      for (;;) {
        const newline = buffer.indexOf(NEWLINE, start);
        if (newline === -1 || newline >= bytesRead) break;
        if (skipping) skippedLines += 1;
        else {
          const piece = buffer.subarray(start, newline);
          lines.push((carryBytes > 0 ? Buffer.concat([...carry, piece]) : piece).toString("utf8"));
        }
        skipping = false;
        carry = [];
        carryBytes = 0;
        start = newline + 1;
        committed = pos + start;
      }
      if (!skipping && start < bytesRead) {
        carryBytes += bytesRead - start;
        if (carryBytes > limits.maxLineBytes) {
          skipping = true;
          carry = [];
          carryBytes = 0;
        } else carry.push(Buffer.from(buffer.subarray(start, bytesRead)));
      }
      pos += bytesRead;
    }
    return { lines, nextOffset: committed, truncated: false, skippedLines, size, more: pos < size };
  } finally {
    await handle.close();
  }
}
