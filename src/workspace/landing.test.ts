import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLandingRepo, runGit, type LandingRepo } from "../../test/helpers/landing-repo";
import { commitAll, merge, openPullRequest, push, shellQuote } from "./landing";

describe("commitAll", () => {
  let repo: LandingRepo;
  beforeEach(() => {
    repo = createLandingRepo();
  });
  afterEach(() => repo.cleanup());

  it("stages tracked, untracked (not ignored) and deleted files and commits them", async () => {
    repo.write("task", "README.md", "changed\n");
    repo.write("task", "new dir/file.txt", "new\n");
    repo.write("task", "trace.log", "ignored\n");
    const result = await commitAll(repo.ws, "-starts with a dash\n\nbody");
    expect(result.sha).toBe(repo.task("rev-parse", "HEAD"));
    expect(result.files.sort()).toEqual(["README.md", "new dir/file.txt"]);
    expect(repo.task("log", "-1", "--format=%B").trimEnd()).toBe("-starts with a dash\n\nbody");
    expect(repo.task("status", "--porcelain")).toBe("");
    expect(repo.task("status", "--porcelain", "--ignored")).toContain("trace.log");
  });

  it("refuses an empty message and nothing to commit", async () => {
    repo.write("task", "README.md", "changed\n");
    await expect(commitAll(repo.ws, "  \n ")).rejects.toMatchObject({ code: "bad_request:message" });
    await commitAll(repo.ws, "one");
    await expect(commitAll(repo.ws, "two")).rejects.toMatchObject({ code: "conflict:nothing_to_commit" });
  });
});

describe("merge", () => {
  let repo: LandingRepo;
  beforeEach(() => {
    repo = createLandingRepo();
  });
  afterEach(() => repo.cleanup());

  it("fast-forwards the base to the branch, working tree included", async () => {
    repo.write("task", "feature.txt", "feature\n");
    const tip = repo.commit("task", "feature");
    const result = await merge(repo.ws, "fast-forward");
    expect(result).toEqual({ ok: true, sha: tip, strategy: "fast-forward" });
    expect(repo.base("rev-parse", "main")).toBe(tip);
    expect(repo.read("base", "feature.txt")).toBe("feature\n");
    expect(repo.base("status", "--porcelain")).toBe("");
  });

  it("makes a merge commit with the given message, even when a fast-forward was possible", async () => {
    repo.write("task", "feature.txt", "feature\n");
    const tip = repo.commit("task", "feature");
    const before = repo.base("rev-parse", "main");
    const result = await merge(repo.ws, "merge", { message: "Land the feature" });
    expect(result).toMatchObject({ ok: true, strategy: "merge" });
    const sha = (result as { sha: string }).sha;
    expect(repo.base("rev-parse", "main")).toBe(sha);
    expect(repo.base("log", "-1", "--format=%P", sha)).toBe(`${before} ${tip}`);
    expect(repo.base("log", "-1", "--format=%s", sha)).toBe("Land the feature");
    expect(repo.read("base", "feature.txt")).toBe("feature\n");
  });

  it("merges a diverged branch with a merge commit and a default message", async () => {
    repo.write("task", "feature.txt", "feature\n");
    repo.commit("task", "feature");
    repo.write("base", "other.txt", "other\n");
    repo.commit("base", "other");
    const result = await merge(repo.ws, "merge");
    expect(result.ok).toBe(true);
    expect(repo.base("log", "-1", "--format=%s")).toBe(`Merge branch '${repo.ws.branch}' into main`);
    expect(repo.read("base", "feature.txt")).toBe("feature\n");
    expect(repo.read("base", "other.txt")).toBe("other\n");
  });

  it("squashes the branch into one commit on the base (one parent, the commits' subjects in the message)", async () => {
    repo.write("task", "a.txt", "a\n");
    repo.commit("task", "first");
    repo.write("task", "b.txt", "b\n");
    repo.commit("task", "second");
    const before = repo.base("rev-parse", "main");
    const result = await merge(repo.ws, "squash");
    expect(result).toMatchObject({ ok: true, strategy: "squash" });
    expect(repo.base("log", "-1", "--format=%P")).toBe(before);
    const message = repo.base("log", "-1", "--format=%B");
    expect(message).toContain(`Squashed branch '${repo.ws.branch}' into main`);
    expect(message).toContain("* first");
    expect(message).toContain("* second");
    expect(repo.read("base", "b.txt")).toBe("b\n");
    expect(repo.base("status", "--porcelain")).toBe("");
    // A second squash has nothing left to bring.
    const again = await merge(repo.ws, "squash");
    expect(again).toMatchObject({ ok: false, reason: "nothing_to_merge" });
    expect(repo.base("status", "--porcelain")).toBe("");
  });

  it("refuses a conflict, lists the conflicting files and leaves the base exactly as it was", async () => {
    repo.write("task", "README.md", "task version\n");
    repo.write("task", "shared.txt", "task\n");
    repo.write("task", "clean.txt", "no conflict\n");
    repo.commit("task", "task edits");
    repo.write("base", "README.md", "base version\n");
    repo.write("base", "shared.txt", "base\n");
    repo.commit("base", "base edits");
    // Untracked and ignored files in the base must survive too.
    repo.write("base", "scratch.txt", "mine\n");
    repo.write("base", "run.log", "log\n");
    repo.base("branch", "other-branch");
    const before = repo.snapshot();

    for (const strategy of ["merge", "squash"] as const) {
      const result = await merge(repo.ws, strategy);
      expect(result).toMatchObject({ ok: false, reason: "conflict" });
      expect((result as { files: string[] }).files.sort()).toEqual(["README.md", "shared.txt"]);
      expect(repo.snapshot()).toEqual(before);
    }
    const ff = await merge(repo.ws, "fast-forward");
    expect(ff).toMatchObject({ ok: false, reason: "not_fast_forward" });
    expect(repo.snapshot()).toEqual(before);
  });

  it("refuses when the base checkout has uncommitted changes (named) and touches nothing", async () => {
    repo.write("task", "feature.txt", "feature\n");
    repo.commit("task", "feature");
    repo.write("base", "README.md", "edited in the base\n");
    repo.write("base", "staged.txt", "staged\n");
    repo.base("add", "staged.txt");
    const before = repo.snapshot();
    for (const strategy of ["fast-forward", "merge", "squash"] as const) {
      const result = await merge(repo.ws, strategy);
      expect(result).toMatchObject({ ok: false, reason: "base_dirty" });
      expect((result as { files: string[] }).files.sort()).toEqual(["README.md", "staged.txt"]);
      expect(repo.snapshot()).toEqual(before);
    }
  });

  it("when git itself refuses (an untracked file in the base would be overwritten), the base is left as it was", async () => {
    repo.write("task", "feature.txt", "from the task\n");
    repo.commit("task", "feature");
    repo.write("base", "feature.txt", "untracked in the base\n");
    const before = repo.snapshot();
    for (const strategy of ["fast-forward", "merge", "squash"] as const) {
      const result = await merge(repo.ws, strategy);
      expect(result).toMatchObject({ ok: false, reason: "base_dirty", files: ["feature.txt"] });
      expect(repo.snapshot()).toEqual(before);
      expect(repo.read("base", "feature.txt")).toBe("untracked in the base\n");
    }
  });

  it("when a hook stops the merge or the squash commit half-way, the base is put back: status, index, refs, no merge state", async () => {
    repo.write("task", "feature.txt", "feature\n");
    repo.write("task", "README.md", "# repo\n\nchanged by the task\n");
    repo.commit("task", "feature");
    repo.write("base", "other.txt", "other\n");
    repo.commit("base", "other"); // diverged: a real merge, not a fast-forward
    repo.write("base", "scratch.txt", "untracked, mine\n");
    const hooks = path.join(repo.dir, "hooks");
    mkdirSync(hooks);
    repo.base("config", "core.hooksPath", hooks);
    for (const hook of ["pre-merge-commit", "pre-commit"]) {
      writeFileSync(path.join(hooks, hook), "#!/bin/sh\necho 'hook says no' >&2\nexit 1\n", { mode: 0o755 });
    }
    const before = repo.snapshot();
    for (const strategy of ["merge", "squash"] as const) {
      await expect(merge(repo.ws, strategy)).rejects.toMatchObject({ code: "conflict:merge_failed", message: expect.stringContaining("hook says no") });
      const after = repo.snapshot();
      expect({ ...after, indexFile: "" }).toEqual({ ...before, indexFile: "" });
      expect(repo.read("base", "README.md")).toBe("# repo\n\nline 3\n");
      expect(repo.read("base", "scratch.txt")).toBe("untracked, mine\n");
    }
  });

  it("refuses when the base checkout is on another branch", async () => {
    repo.write("task", "feature.txt", "feature\n");
    repo.commit("task", "feature");
    repo.base("checkout", "-q", "-b", "elsewhere");
    const before = repo.snapshot();
    const result = await merge(repo.ws, "fast-forward");
    expect(result).toMatchObject({ ok: false, reason: "base_dirty" });
    expect((result as { message: string }).message).toContain("elsewhere");
    expect(repo.snapshot()).toEqual(before);
  });

  it("refuses while the task's worktree has uncommitted or untracked files", async () => {
    repo.write("task", "feature.txt", "feature\n");
    repo.commit("task", "feature");
    repo.write("task", "later.txt", "not committed\n");
    const before = repo.snapshot();
    const result = await merge(repo.ws, "squash");
    expect(result).toMatchObject({ ok: false, reason: "uncommitted", files: ["later.txt"] });
    expect((result as { message: string }).message).toMatch(/commit/i);
    expect(repo.snapshot()).toEqual(before);
  });

  it("says nothing_to_merge for a branch without new commits", async () => {
    const before = repo.snapshot();
    expect(await merge(repo.ws, "merge")).toMatchObject({ ok: false, reason: "nothing_to_merge" });
    expect(repo.snapshot()).toEqual(before);
  });

  it("handles unicode branch names", async () => {
    const odd = createLandingRepo({ branch: "ai/fix-ümlaut-1a2b" });
    try {
      odd.write("task", "f.txt", "f\n");
      const tip = odd.commit("task", "f");
      expect(await merge(odd.ws, "fast-forward")).toEqual({ ok: true, sha: tip, strategy: "fast-forward" });
    } finally {
      odd.cleanup();
    }
  });
});

describe("push", () => {
  let repo: LandingRepo;
  beforeEach(() => {
    repo = createLandingRepo();
  });
  afterEach(() => repo.cleanup());

  it("pushes the task branch to origin (a local bare repository) and sets its upstream", async () => {
    const bare = repo.addBareRemote();
    repo.write("task", "feature.txt", "feature\n");
    const tip = repo.commit("task", "feature");
    const result = await push(repo.ws);
    expect(result).toMatchObject({ remote: "origin", branch: repo.ws.branch });
    expect(runGit(bare, ["rev-parse", `refs/heads/${repo.ws.branch}`])).toBe(tip);
    expect(repo.task("rev-parse", "--abbrev-ref", "@{upstream}")).toBe(`origin/${repo.ws.branch}`);
  });

  it("uses the only remote when there is no origin, and a named one when asked", async () => {
    const upstream = repo.addBareRemote("upstream");
    repo.write("task", "feature.txt", "feature\n");
    const tip = repo.commit("task", "feature");
    expect((await push(repo.ws)).remote).toBe("upstream");
    expect(runGit(upstream, ["rev-parse", `refs/heads/${repo.ws.branch}`])).toBe(tip);
    await expect(push(repo.ws, { remote: "--mirror" })).rejects.toMatchObject({ code: "bad_request:remote" });
  });

  it("fails clearly when the repository has no remote", async () => {
    await expect(push(repo.ws)).rejects.toMatchObject({ code: "conflict:no_remote", message: expect.stringContaining("no remote") });
  });
});

describe("openPullRequest", () => {
  let repo: LandingRepo;
  let emptyBin: string;
  beforeEach(() => {
    repo = createLandingRepo();
    emptyBin = mkdtempSync(path.join(os.tmpdir(), "no-gh-"));
  });
  afterEach(() => {
    repo.cleanup();
    rmSync(emptyBin, { recursive: true, force: true });
  });

  it("gives the exact command to run when gh is not on PATH", async () => {
    const result = await openPullRequest(repo.ws, { title: "Fix it's bug", body: "Line 1\n$HOME `x`" }, { searchPath: emptyBin });
    expect(result.kind).toBe("manual");
    if (result.kind !== "manual") return;
    expect(result.reason).toMatch(/not installed/);
    expect(result.command).toBe(
      `cd ${shellQuote(repo.ws.worktreePath)} && gh pr create --head ${repo.ws.branch} --base main --title 'Fix it'\\''s bug' --body 'Line 1\n$HOME \`x\`'`,
    );
  });

  it("creates the pull request through gh (argument array) when gh is signed in", async () => {
    const log = path.join(emptyBin, "calls");
    writeFileSync(
      path.join(emptyBin, "gh"),
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done >> '${log}'\nprintf '\\036' >> '${log}'\n` +
        `if [ "$1" = auth ]; then exit 0; fi\necho 'Creating pull request'\necho 'https://github.com/o/r/pull/7'\n`,
      { mode: 0o755 },
    );
    const result = await openPullRequest(repo.ws, { title: "-t $(id) 'x'", body: "--body\n`y`" }, { searchPath: emptyBin });
    expect(result).toEqual({ kind: "created", url: "https://github.com/o/r/pull/7" });
    const calls = readFileSync(log, "utf8").split("\u001e").filter(Boolean).map((line) => line.split("\0").slice(0, -1));
    expect(calls).toEqual([
      ["auth", "status"],
      ["pr", "create", "--head", repo.ws.branch, "--base", "main", "--title", "-t $(id) 'x'", "--body", "--body\n`y`"],
    ]);
  });

  it("falls back to the manual command when gh is not signed in", async () => {
    writeFileSync(path.join(emptyBin, "gh"), "#!/bin/sh\necho 'You are not logged into any GitHub hosts.' >&2\nexit 1\n", { mode: 0o755 });
    const result = await openPullRequest(repo.ws, { title: "t", body: "" }, { searchPath: emptyBin });
    expect(result).toMatchObject({ kind: "manual", reason: expect.stringContaining("not logged into any GitHub hosts") });
    expect((result as { command: string }).command).toContain("gh pr create --head");
  });

  it("shell-quotes words so a shell reads them back unchanged", () => {
    expect(shellQuote("plain-word_1.2/x")).toBe("plain-word_1.2/x");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    const words = ["it's", "$HOME", "`id`", "a\nb", "-x", "*", "é ü"];
    const echoed = execFileSync("sh", ["-c", `printf '%s\\0' ${words.map(shellQuote).join(" ")}`], { encoding: "utf8" });
    expect(echoed.split("\0").slice(0, -1)).toEqual(words);
  });

  it("refuses an empty title", async () => {
    await expect(openPullRequest(repo.ws, { title: " ", body: "" }, { searchPath: emptyBin })).rejects.toMatchObject({ code: "bad_request:title" });
  });
});
