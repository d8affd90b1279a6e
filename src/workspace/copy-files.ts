import fs from "node:fs";
import path from "node:path";
import { assertInside } from "./branch-name";

/**
 * Copies a repository's ready-to-run files (`.env`, local configs) into a new worktree. Entries are
 * repository-relative paths or simple globs (`*`, `?` within one step). Only what is missing in the
 * worktree is copied (tracked files are already checked out and never overwritten), symlinks are
 * not followed, and nothing outside the repository is read or outside the worktree written.
 */

/** Bounds one copy: a pattern like `*` at the root of a big repository must not copy gigabytes. */
const MAX_COPIED_FILES = 2_000;

export interface CopyResult {
  copied: string[];
  skipped: Array<{ path: string; reason: string }>;
}

function globToRegExp(step: string): RegExp {
  const escaped = step.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
  return new RegExp(`^${escaped}$`);
}

/** Repository-relative paths matching one pattern (files or directories; `.git` never). */
function expand(repoRoot: string, pattern: string): string[] {
  let current = [""];
  for (const step of pattern.split("/")) {
    const next: string[] = [];
    const hasGlob = /[*?]/.test(step);
    for (const rel of current) {
      const dir = path.join(repoRoot, rel);
      if (!hasGlob) {
        next.push(path.join(rel, step));
        continue;
      }
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      const re = globToRegExp(step);
      for (const name of names) if (re.test(name)) next.push(path.join(rel, name));
    }
    current = next;
  }
  return current.filter((rel) => rel !== "" && !rel.split(path.sep).includes(".git"));
}

export function copyIntoWorktree(repoRoot: string, worktreePath: string, patterns: readonly string[]): CopyResult {
  const result: CopyResult = { copied: [], skipped: [] };
  const realRoot = fs.realpathSync(repoRoot);
  const copyOne = (rel: string) => {
    if (result.copied.length >= MAX_COPIED_FILES) {
      result.skipped.push({ path: rel, reason: `more than ${MAX_COPIED_FILES} files` });
      return;
    }
    const source = path.join(repoRoot, rel);
    const target = path.join(worktreePath, rel);
    assertInside(worktreePath, target);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(source);
    } catch {
      return; // a plain path that does not exist: nothing to copy
    }
    if (stat.isSymbolicLink()) {
      result.skipped.push({ path: rel, reason: "symbolic link" });
      return;
    }
    // The source's real directory must still be inside the repository (no symlinked parent outside).
    const realSourceDir = fs.realpathSync(path.dirname(source));
    if (realSourceDir !== realRoot && !realSourceDir.startsWith(realRoot + path.sep)) {
      result.skipped.push({ path: rel, reason: "outside the repository" });
      return;
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(source)) if (name !== ".git") copyOne(path.join(rel, name));
      return;
    }
    if (!stat.isFile()) return;
    if (fs.existsSync(target)) {
      result.skipped.push({ path: rel, reason: "already in the worktree" });
      return;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(source, target, fs.constants.COPYFILE_EXCL);
    fs.chmodSync(target, stat.mode & 0o777);
    result.copied.push(rel);
  };
  const seen = new Set<string>();
  for (const pattern of patterns) {
    for (const rel of expand(repoRoot, pattern)) {
      if (seen.has(rel)) continue;
      seen.add(rel);
      copyOne(rel);
    }
  }
  return result;
}
