import path from "node:path";
import { AppError } from "../lib/errors";

/** Longest repository-relative path accepted from a caller (git itself allows ~4 KB on Linux). */
const MAX_PATH_LENGTH = 4096;

/**
 * Checks a path that a caller (browser, agent) names inside a worktree: relative, normalised,
 * no `..` segment, no NUL, no `.git` directory, and still inside the worktree once resolved.
 * Returns it with forward slashes, as git prints it. Callers still pass it after `--`, with
 * LITERAL_PATHSPECS so that `*` or `:(glob)` in a name is not a pattern.
 */
export function checkWorktreePath(worktreePath: string, raw: string): string {
  if (typeof raw !== "string" || raw.length === 0) throw badPath("is empty");
  if (raw.length > MAX_PATH_LENGTH) throw badPath(`is longer than ${MAX_PATH_LENGTH} characters`);
  if (raw.includes("\0")) throw badPath("holds a NUL character");
  const slashed = raw.replace(/\\/g, "/");
  if (slashed.startsWith("/") || path.isAbsolute(raw) || /^[A-Za-z]:/.test(slashed)) throw badPath("must be relative to the repository root");
  const segments = slashed.split("/");
  if (segments.some((segment) => segment === "..")) throw badPath("must not contain `..`");
  const clean = segments.filter((segment) => segment !== "" && segment !== ".");
  if (clean.length === 0) throw badPath("names no file");
  if (clean[0]!.toLowerCase() === ".git") throw badPath("must not point into .git");
  const root = path.resolve(worktreePath);
  const resolved = path.resolve(root, ...clean);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) throw badPath("must stay inside the worktree");
  return clean.join("/");
}

function badPath(why: string): AppError {
  return new AppError("bad_request:path", `path: ${why}`);
}

/** A full ref name for a local branch, so that a name can never be read as an option. */
export function branchRef(branch: string): string {
  if (!branch || branch.includes("\0")) {
    throw new AppError("bad_request:branch", `Not a local branch name: ${JSON.stringify(branch)}`);
  }
  return `refs/heads/${branch}`;
}

/** Env for git commands that take paths from callers: a path is a name, never a pattern. */
export const LITERAL_PATHSPECS = { GIT_LITERAL_PATHSPECS: "1" } as const;
