import { symlinkSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLandingRepo, type LandingRepo } from "../../test/helpers/landing-repo";
import { cutDiff, fileDiff, listChanges, parseNameStatus, parseNumstat } from "./changes";

describe("listChanges", () => {
  let repo: LandingRepo;
  beforeEach(() => {
    repo = createLandingRepo();
  });
  afterEach(() => repo.cleanup());

  it("is empty for a fresh worktree", async () => {
    const summary = await listChanges(repo.ws);
    expect(summary).toMatchObject({ baseBranch: "main", branch: repo.ws.branch, commitsAhead: 0, commitsBehind: 0, files: [] });
    expect(summary.mergeBase).toBe(repo.base("rev-parse", "HEAD"));
    expect(summary.totals).toEqual({ files: 0, added: 0, removed: 0 });
  });

  it("merges committed, staged, unstaged and untracked changes into one entry per path", async () => {
    repo.write("task", "src/committed.ts", "a\nb\nc\n");
    repo.write("task", "README.md", "# repo\n\nline 3 changed\nline 4\n");
    repo.commit("task", "work");
    // committed and then changed again, uncommitted
    repo.write("task", "README.md", "# repo\n\nline 3 changed again\nline 4\nline 5\n");
    repo.write("task", "staged.txt", "one\ntwo\n");
    repo.task("add", "staged.txt");
    repo.write("task", "dir with space/new é.txt", "x\ny\nno newline at end");
    repo.write("task", "debug.log", "ignored\n");
    // the base moves on: one commit behind
    repo.write("base", "other.txt", "base work\n");
    repo.commit("base", "base work");

    const summary = await listChanges(repo.ws);
    expect(summary.commitsAhead).toBe(1);
    expect(summary.commitsBehind).toBe(1);
    const byPath = Object.fromEntries(summary.files.map((file) => [file.path, file]));
    expect(Object.keys(byPath).sort()).toEqual(["README.md", "dir with space/new é.txt", "src/committed.ts", "staged.txt"]);
    expect(byPath["src/committed.ts"]).toMatchObject({ kind: "added", added: 3, removed: 0, committed: true, uncommitted: false, untracked: false, binary: false });
    expect(byPath["README.md"]).toMatchObject({ kind: "modified", added: 3, removed: 1, committed: true, uncommitted: true, untracked: false });
    expect(byPath["staged.txt"]).toMatchObject({ kind: "added", added: 2, removed: 0, committed: false, uncommitted: true, untracked: false });
    expect(byPath["dir with space/new é.txt"]).toMatchObject({ kind: "added", added: 3, removed: 0, untracked: true, committed: false });
    // The base's own commit is not a change of the task.
    expect(byPath["other.txt"]).toBeUndefined();
    expect(summary.totals).toEqual({ files: 4, added: 11, removed: 1 });
  });

  it("detects renames and deletions, and names binary files with null counts", async () => {
    repo.write("base", "old-name.txt", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
    repo.write("base", "gone.txt", "bye\n");
    repo.commit("base", "more files");
    repo.task("merge", "-q", "--ff-only", "main");
    repo.task("mv", "old-name.txt", "new-name.txt");
    repo.task("rm", "-q", "gone.txt");
    repo.write("task", "image.bin", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02, 0x00]));
    repo.commit("task", "rename, delete, binary");
    repo.write("task", "untracked.bin", Buffer.from([1, 0, 2, 0, 3]));

    const summary = await listChanges(repo.ws);
    const byPath = Object.fromEntries(summary.files.map((file) => [file.path, file]));
    expect(byPath["new-name.txt"]).toMatchObject({ kind: "renamed", oldPath: "old-name.txt", added: 0, removed: 0, committed: true });
    expect(byPath["old-name.txt"]).toBeUndefined();
    expect(byPath["gone.txt"]).toMatchObject({ kind: "deleted", added: 0, removed: 1 });
    expect(byPath["image.bin"]).toMatchObject({ kind: "added", binary: true, added: null, removed: null });
    expect(byPath["untracked.bin"]).toMatchObject({ kind: "added", binary: true, added: null, removed: null, untracked: true });
  });

  it("counts an untracked symlink as its target's name, never reading the target", async () => {
    symlinkSync("/etc/passwd", path.join(repo.ws.worktreePath, "link"));
    const summary = await listChanges(repo.ws);
    expect(summary.files).toEqual([expect.objectContaining({ path: "link", added: 1, untracked: true })]);
    const diff = await fileDiff(repo.ws, "link");
    expect(diff.diff).toContain("+/etc/passwd");
    expect(diff.diff).not.toContain("root:");
  });

  it("fails clearly when the base branch does not exist", async () => {
    await expect(listChanges({ ...repo.ws, baseBranch: "no-such-branch" })).rejects.toMatchObject({ code: "not_found:branch" });
  });
});

describe("fileDiff", () => {
  let repo: LandingRepo;
  beforeEach(() => {
    repo = createLandingRepo();
  });
  afterEach(() => repo.cleanup());

  it("diffs a tracked file from the merge base to the working tree (committed and uncommitted)", async () => {
    repo.write("task", "README.md", "# repo\n\nline 3 committed\n");
    repo.commit("task", "edit");
    repo.write("task", "README.md", "# repo\n\nline 3 uncommitted\n");
    const diff = await fileDiff(repo.ws, "README.md");
    expect(diff).toMatchObject({ path: "README.md", binary: false, truncated: false });
    expect(diff.diff).toContain("diff --git a/README.md b/README.md");
    expect(diff.diff).toContain("-line 3\n+line 3 uncommitted\n");
    expect(diff.totalLines).toBe(diff.diff.split("\n").length - 1);
  });

  it("shows an untracked file as a new file, and cuts long diffs to maxLines", async () => {
    const body = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
    repo.write("task", "notes/new file.md", body);
    const full = await fileDiff(repo.ws, "notes/new file.md");
    expect(full.diff).toContain("new file mode");
    expect(full.diff).toContain("+line 50\n");
    expect(full.truncated).toBe(false);
    const cut = await fileDiff(repo.ws, "./notes//new file.md", { maxLines: 10 });
    expect(cut).toMatchObject({ path: "notes/new file.md", truncated: true, totalLines: full.totalLines });
    expect(cut.diff.split("\n")).toHaveLength(11);
  });

  it("shows a rename as a rename, and names binary files without dumping them", async () => {
    repo.task("mv", "README.md", "READ-ME.md");
    repo.write("task", "blob.bin", Buffer.from([0, 1, 2, 3, 0, 255]));
    repo.commit("task", "rename and binary");
    const renamed = await fileDiff(repo.ws, "READ-ME.md");
    expect(renamed.diff).toContain("rename from README.md");
    expect(renamed.diff).toContain("rename to READ-ME.md");
    expect(await fileDiff(repo.ws, "blob.bin")).toEqual({ path: "blob.bin", binary: true, diff: "", totalLines: 0, truncated: false });
  });

  it("treats glob characters in a path literally", async () => {
    repo.write("task", "a*.txt", "star\n");
    repo.write("task", "ab.txt", "b\n");
    repo.commit("task", "globs");
    const diff = await fileDiff(repo.ws, "a*.txt");
    expect(diff.diff).toContain("+star");
    expect(diff.diff).not.toContain("ab.txt");
  });

  it("refuses paths outside the worktree, absolute paths and .git", async () => {
    for (const bad of ["../repo/README.md", "a/../../x", "/etc/passwd", "", ".git/config", "x\0y", "C:\\x", "..\\..\\x"]) {
      await expect(fileDiff(repo.ws, bad), bad).rejects.toMatchObject({ code: "bad_request:path" });
    }
  });

  it("gives no diff for a directory (only for one file)", async () => {
    repo.write("task", "dir/a.txt", "a\n");
    repo.write("task", "dir/b.txt", "b\n");
    repo.commit("task", "two files");
    expect(await fileDiff(repo.ws, "dir")).toMatchObject({ diff: "", totalLines: 0 });
    expect((await fileDiff(repo.ws, "dir/a.txt")).diff).not.toContain("b.txt");
  });

  it("answers an empty diff for a file without changes", async () => {
    expect(await fileDiff(repo.ws, "README.md")).toEqual({ path: "README.md", binary: false, diff: "", totalLines: 0, truncated: false });
  });
});

describe("parsers", () => {
  it("read -z name-status and numstat, renames included", () => {
    expect(parseNameStatus("M\0a\0R087\0old\0new\0D\0gone\0")).toEqual([
      { path: "a", oldPath: null, kind: "modified" },
      { path: "new", oldPath: "old", kind: "renamed" },
      { path: "gone", oldPath: null, kind: "deleted" },
    ]);
    const counts = parseNumstat("1\t2\ta\0-\t-\tbin\0" + "3\t0\t\0old\0new\0");
    expect(Object.fromEntries(counts)).toEqual({ a: { added: 1, removed: 2 }, bin: { added: null, removed: null }, new: { added: 3, removed: 0 } });
  });

  it("cutDiff keeps the first lines and counts all", () => {
    expect(cutDiff("f", "a\nb\nc\n", 2)).toEqual({ path: "f", binary: false, diff: "a\nb\n", totalLines: 3, truncated: true });
    expect(cutDiff("f", "diff --git a/f b/f\nBinary files a/f and b/f differ\n", 10).binary).toBe(true);
  });
});
