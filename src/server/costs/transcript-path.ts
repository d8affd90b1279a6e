import path from "node:path";
import { z } from "zod";

/**
 * A transcript path as a Claude Code hook reports it (`transcript_path`). It comes from a local
 * process that holds the run's callback secret, yet it names a file the server will open: only
 * an absolute, already-normal path to a `.jsonl` file is taken, and nothing read from it leaves
 * the server except token counts.
 */
export const MAX_TRANSCRIPT_PATH_CHARS = 4_096;

export const transcriptPathSchema = z
  .string({ error: "must be text" })
  .min(1, "must not be empty")
  .max(MAX_TRANSCRIPT_PATH_CHARS, `must be at most ${MAX_TRANSCRIPT_PATH_CHARS} characters`)
  .refine((value) => !value.includes("\0"), "must not contain NUL")
  .refine((value) => path.isAbsolute(value), "must be an absolute path")
  .refine((value) => path.normalize(value) === value, "must be a normal path (no `..`, `.` or `//`)")
  .refine((value) => value.endsWith(".jsonl") && path.basename(value).length > ".jsonl".length, "must name a .jsonl file");

/** Where Claude Code writes the transcripts of a session's subagents (Task tool), beside the session's own. */
export function subagentDirOf(transcriptPath: string): string {
  return path.join(transcriptPath.slice(0, -".jsonl".length), "subagents");
}

/** Subagent transcript file names as Claude Code writes them. */
export const SUBAGENT_FILE = /^agent-[A-Za-z0-9_-]{1,128}\.jsonl$/;
