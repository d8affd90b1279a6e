import { lstat, open } from "node:fs/promises";
import path from "node:path";
import { AppError } from "../lib/errors";
import { git, gitText } from "./git";
import { branchRef, checkWorktreePath, LITERAL_PATHSPECS } from "./paths";
import type { ChangedFile, ChangesSummary, FileChangeKind, FileDiff, TaskWorkspace } from "./types";

/**
 * What a task changed: the worktree (committed, staged, unstaged and untracked, not ignored)
 * against the merge base of the base branch and the task's branch — what a merge would bring,
 * plus what is not committed yet. Read-only: nothing here writes to the repository.
 */

/** Diff options every read uses, whatever the person's git config says (prefixes, external diff, textconv). */
const DIFF_OPTIONS = ["--no-ext-diff", "--no-textconv", "--no-color", "--src-prefix=a/", "--dst-prefix=b/", "-M"] as const;
/** git's own heuristic: a NUL in the first 8000 bytes makes a file binary. */
const BINARY_SNIFF_BYTES = 8000;
/** Untracked files bigger than this are counted without reading them whole. */
const READ_CHUNK_BYTES = 1024 * 1024;
/** Untracked files read at once while counting their lines. */
const UNTRACKED_READERS = 8;
export const DEFAULT_DIFF_MAX_LINES = 2000;
export const MAX_DIFF_MAX_LINES = 100_000;

export interface BaseInfo {
  mergeBase: string;
  baseSha: string;
  headSha: string;
}

/** The commits the comparison is made from: the base branch, the worktree's HEAD, their merge base. */
export async function baseInfo(ws: TaskWorkspace): Promise<BaseInfo> {
  const cwd = ws.worktreePath;
  const baseSha = await resolveCommit(cwd, branchRef(ws.baseBranch), `the base branch ${ws.baseBranch}`);
  const headSha = await resolveCommit(cwd, "HEAD", `the worktree's HEAD (${ws.worktreePath})`);
  const result = await git(["merge-base", baseSha, headSha], { cwd, okExitCodes: [0, 1] });
  if (result.exitCode !== 0) {
    throw new AppError("conflict:no_merge_base", `${ws.branch} and ${ws.baseBranch} share no history: there is no merge base to compare against.`);
  }
  return { mergeBase: result.stdout.trim(), baseSha, headSha };
}

async function resolveCommit(cwd: string, rev: string, what: string): Promise<string> {
  const result = await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`], { cwd, okExitCodes: [0, 1] });
  if (result.exitCode !== 0) throw new AppError("not_found:branch", `Cannot find ${what}.`);
  return result.stdout.trim();
}

export async function listChanges(ws: TaskWorkspace): Promise<ChangesSummary> {
  const cwd = ws.worktreePath;
  const { mergeBase, baseSha, headSha } = await baseInfo(ws);
  const [counts, statuses, numstat, committedPaths, uncommittedPaths, untracked] = await Promise.all([
    gitText(["rev-list", "--count", "--left-right", `${baseSha}...${headSha}`], { cwd }),
    git(["diff", ...DIFF_OPTIONS, "--name-status", "-z", mergeBase], { cwd }),
    git(["diff", ...DIFF_OPTIONS, "--numstat", "-z", mergeBase], { cwd }),
    git(["diff", ...DIFF_OPTIONS, "--name-only", "-z", mergeBase, headSha], { cwd }),
    git(["diff", ...DIFF_OPTIONS, "--name-only", "-z", "HEAD"], { cwd }),
    untrackedFiles(cwd),
  ]);
  const [behind, ahead] = counts.split(/\s+/).map(Number);
  const committed = new Set(splitZ(committedPaths.stdout));
  const uncommitted = new Set(splitZ(uncommittedPaths.stdout));
  const lineCounts = parseNumstat(numstat.stdout);

  const byPath = new Map<string, ChangedFile>();
  for (const entry of parseNameStatus(statuses.stdout)) {
    const count = lineCounts.get(entry.path);
    const binary = count ? count.added === null : false;
    byPath.set(entry.path, {
      path: entry.path,
      oldPath: entry.oldPath,
      kind: entry.kind,
      added: count ? count.added : 0,
      removed: count ? count.removed : 0,
      binary,
      committed: committed.has(entry.path) || (entry.oldPath !== null && committed.has(entry.oldPath)),
      uncommitted: uncommitted.has(entry.path) || (entry.oldPath !== null && uncommitted.has(entry.oldPath)),
      untracked: false,
    });
  }
  const untrackedStats = await mapPool(untracked, UNTRACKED_READERS, (file) => countUntracked(path.join(cwd, file)));
  for (const [index, file] of untracked.entries()) {
    const stats = untrackedStats[index]!;
    const known = byPath.get(file);
    if (known) {
      // Removed from the index (`git rm --cached`) yet still on disk: the file is there, untracked.
      known.kind = "modified";
      known.untracked = true;
      known.uncommitted = true;
      continue;
    }
    byPath.set(file, {
      path: file,
      oldPath: null,
      kind: "added",
      added: stats.binary ? null : stats.lines,
      removed: stats.binary ? null : 0,
      binary: stats.binary,
      committed: false,
      uncommitted: false,
      untracked: true,
    });
  }
  const files = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    baseBranch: ws.baseBranch,
    branch: ws.branch,
    mergeBase,
    commitsAhead: ahead ?? 0,
    commitsBehind: behind ?? 0,
    files,
    totals: {
      files: files.length,
      added: files.reduce((sum, file) => sum + (file.added ?? 0), 0),
      removed: files.reduce((sum, file) => sum + (file.removed ?? 0), 0),
    },
    computedAt: Date.now(),
  };
}

export interface FileDiffOptions {
  /** Lines of diff text returned at most (default 2000). */
  maxLines?: number;
}

/** One file's unified diff from the merge base to the working tree; untracked files as new files. */
export async function fileDiff(ws: TaskWorkspace, rawPath: string, options: FileDiffOptions = {}): Promise<FileDiff> {
  const cwd = ws.worktreePath;
  const file = checkWorktreePath(cwd, rawPath);
  const maxLines = Math.max(1, Math.min(options.maxLines ?? DEFAULT_DIFF_MAX_LINES, MAX_DIFF_MAX_LINES));
  const { mergeBase } = await baseInfo(ws);

  let text: string;
  const untracked = await untrackedFiles(cwd, file);
  if (untracked.includes(file)) {
    // `--no-index` answers 1 when the files differ: that is the diff, not a failure.
    const result = await git(["diff", "--no-index", ...DIFF_OPTIONS, "--", "/dev/null", file], { cwd, okExitCodes: [0, 1] });
    text = result.stdout;
  } else {
    // A renamed file is shown as a rename: both of its paths go in the pathspec.
    const statuses = await git(["diff", ...DIFF_OPTIONS, "--name-status", "-z", mergeBase], { cwd });
    const entry = parseNameStatus(statuses.stdout).find((candidate) => candidate.path === file || candidate.oldPath === file);
    // Not a changed file (unchanged, or a directory: a pathspec would take in all it holds).
    if (!entry) return cutDiff(file, "", maxLines);
    const paths = entry.oldPath ? [entry.oldPath, entry.path] : [file];
    const result = await git(["diff", ...DIFF_OPTIONS, mergeBase, "--", ...paths], { cwd, env: LITERAL_PATHSPECS });
    text = result.stdout;
  }
  return cutDiff(file, text, maxLines);
}

/** Binary files are named, not dumped; text is cut to `maxLines` lines. */
export function cutDiff(file: string, text: string, maxLines: number): FileDiff {
  const lines = text.length === 0 ? [] : text.replace(/\n$/, "").split("\n");
  const binary = !lines.some((line) => line.startsWith("@@")) && lines.some((line) => /^Binary files .* differ$/.test(line));
  if (binary) return { path: file, binary: true, diff: "", totalLines: 0, truncated: false };
  const truncated = lines.length > maxLines;
  const shown = truncated ? lines.slice(0, maxLines) : lines;
  return { path: file, binary: false, diff: shown.length > 0 ? `${shown.join("\n")}\n` : "", totalLines: lines.length, truncated };
}

/** Untracked, not ignored files of the worktree (or only `only`, when given). */
async function untrackedFiles(cwd: string, only?: string): Promise<string[]> {
  const args = ["ls-files", "--others", "--exclude-standard", "-z"];
  if (only !== undefined) args.push("--", only);
  const result = await git(args, { cwd, env: LITERAL_PATHSPECS });
  return splitZ(result.stdout);
}

interface NameStatusEntry {
  path: string;
  oldPath: string | null;
  kind: FileChangeKind;
}

const KIND_BY_LETTER: Record<string, FileChangeKind> = {
  A: "added",
  M: "modified",
  D: "deleted",
  R: "renamed",
  C: "copied",
  T: "type_changed",
  U: "modified",
  X: "modified",
};

/** `git diff --name-status -z`: `M\0path\0` or `R100\0old\0new\0`. */
export function parseNameStatus(out: string): NameStatusEntry[] {
  const fields = out.split("\0");
  const entries: NameStatusEntry[] = [];
  for (let i = 0; i < fields.length; ) {
    const status = fields[i++];
    if (!status) continue;
    const letter = status[0]!;
    if (letter === "R" || letter === "C") {
      const oldPath = fields[i++]!;
      const newPath = fields[i++]!;
      entries.push({ path: newPath, oldPath, kind: KIND_BY_LETTER[letter]! });
    } else {
      entries.push({ path: fields[i++]!, oldPath: null, kind: KIND_BY_LETTER[letter] ?? "modified" });
    }
  }
  return entries;
}

/** `git diff --numstat -z`: `a\tr\tpath\0` or, for renames, `a\tr\t\0old\0new\0`; `-\t-` for binary. */
export function parseNumstat(out: string): Map<string, { added: number | null; removed: number | null }> {
  const fields = out.split("\0");
  const counts = new Map<string, { added: number | null; removed: number | null }>();
  for (let i = 0; i < fields.length; ) {
    const head = fields[i++];
    if (!head) continue;
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(head);
    if (!match) continue;
    let file = match[3]!;
    if (file === "") {
      i++; // the old path
      file = fields[i++] ?? "";
    }
    const added = match[1] === "-" ? null : Number(match[1]);
    const removed = match[2] === "-" ? null : Number(match[2]);
    counts.set(file, { added, removed });
  }
  return counts;
}

function splitZ(out: string): string[] {
  return out.split("\0").filter((field) => field.length > 0);
}

/** `work` over `items`, at most `limit` at a time; results in the items' order. */
async function mapPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Lines of an untracked file (a last line without newline counts), or binary like git decides it.
 * A symlink is one line, its target's name, as git shows it: the target is never read.
 */
async function countUntracked(file: string): Promise<{ lines: number; binary: boolean }> {
  try {
    const link = await lstat(file);
    if (link.isSymbolicLink()) return { lines: 1, binary: false };
    if (!link.isFile()) return { lines: 0, binary: false };
  } catch {
    return { lines: 0, binary: false }; // gone since it was listed
  }
  let handle;
  try {
    handle = await open(file, "r");
  } catch {
    return { lines: 0, binary: false }; // gone since it was listed, or a dangling symlink
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { lines: 0, binary: false };
    const buffer = Buffer.alloc(READ_CHUNK_BYTES);
    let lines = 0;
    let position = 0;
    let last = -1;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      if (position < BINARY_SNIFF_BYTES && chunk.subarray(0, BINARY_SNIFF_BYTES - position).includes(0)) return { lines: 0, binary: true };
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      last = chunk[bytesRead - 1]!;
      position += bytesRead;
    }
    if (position > 0 && last !== 10) lines++;
    return { lines, binary: false };
  } finally {
    await handle.close();
  }
}
