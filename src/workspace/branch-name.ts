import { createHash } from "node:crypto";
import path from "node:path";
import { AppError } from "../lib/errors";
import { gitTest } from "./git";

/**
 * Names derived from task titles and repository paths: branch names and worktree directories.
 * A title is user text (`-x`, `..`, `--upload-pack=x`, spaces, unicode, control characters): it is
 * reduced to `[a-z0-9-]`, so nothing it holds can become an option, a path step or a ref oddity.
 */

/** The slug part of a branch name is cut to this many characters (the id follows it). */
export const MAX_SLUG_CHARS = 40;
/** Characters of the task id in branch names and worktree directories. */
export const SHORT_ID_CHARS = 8;

/** A title as `[a-z0-9-]`: accents folded, anything else a single `-`, no leading/trailing `-`. */
export function slugify(title: string, maxChars = MAX_SLUG_CHARS): string {
  const folded = title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const slug = folded
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxChars)
    .replace(/-+$/g, "");
  return slug || "task";
}

/** The first characters of a task id, letters and digits only (ids are UUIDs; tests may use others). */
export function shortId(taskId: string): string {
  const clean = taskId.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (clean.length >= SHORT_ID_CHARS) return clean.slice(0, SHORT_ID_CHARS);
  // A short or odd id still gives a fixed-length, safe name.
  return createHash("sha256").update(taskId).digest("hex").slice(0, SHORT_ID_CHARS);
}

/** `ai/<slug>-<8-char id>`: always a valid branch name by construction (checked again with git). */
export function taskBranchName(title: string, taskId: string): string {
  return `ai/${slugify(title)}-${shortId(taskId)}`;
}

/** Where a repository's worktrees live: `<dataDir>/worktrees/<repo basename>-<hash of its root>`. */
export function repoWorktreesDir(dataDir: string, repoRoot: string): string {
  const hash = createHash("sha256").update(repoRoot).digest("hex").slice(0, 10);
  return path.join(path.resolve(dataDir), "worktrees", `${slugify(path.basename(repoRoot), 40)}-${hash}`);
}

/** A task's worktree directory; guaranteed to be inside `<dataDir>/worktrees`. */
export function taskWorktreePath(dataDir: string, repoRoot: string, taskId: string): string {
  const dir = path.join(repoWorktreesDir(dataDir, repoRoot), shortId(taskId));
  assertInside(path.join(path.resolve(dataDir), "worktrees"), dir);
  return dir;
}

/** Throws unless `child` is strictly inside `parent` (both resolved). */
export function assertInside(parent: string, child: string): void {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new AppError("internal:workspace_path", `Refusing a path outside ${parent}: ${child}`);
  }
}

/**
 * A branch name a person typed (a base branch): refused before git sees it when it could be read
 * as an option, then checked with `git check-ref-format --branch`.
 */
export async function validateBranchName(name: string, cwd: string, field = "baseBranch"): Promise<string> {
  const trimmed = name.trim();
  const fail = (why: string) => new AppError("bad_request:branch", `${field}: ${why}`, { [field]: why });
  if (trimmed === "") throw fail("must not be empty");
  if (trimmed.startsWith("-")) throw fail(`"${trimmed}" is not a branch name (it starts with "-")`);
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw fail("must not contain control characters");
  // `check-ref-format --branch` expands `@{-1}` to the previous branch: a name, not a shorthand, is wanted.
  if (trimmed.includes("@{")) throw fail(`"${trimmed}" is not a branch name`);
  const ok = await gitTest(["check-ref-format", "--branch", trimmed], { cwd, noExitCodes: [1, 128] });
  if (!ok) throw fail(`"${trimmed}" is not a valid branch name`);
  return trimmed;
}
