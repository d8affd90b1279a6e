import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { copyIntoWorktree } from "./copy-files";

let dir: string;
let repo: string;
let worktree: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-copy-"));
  repo = path.join(dir, "repo");
  worktree = path.join(dir, "wt");
  fs.mkdirSync(path.join(repo, "config"), { recursive: true });
  fs.mkdirSync(worktree);
  fs.writeFileSync(path.join(repo, ".env"), "A=1\n");
  fs.writeFileSync(path.join(repo, ".env.local"), "B=2\n", { mode: 0o600 });
  fs.writeFileSync(path.join(repo, "config", "local.json"), "{}\n");
  fs.writeFileSync(path.join(repo, "config", "other.txt"), "x\n");
  fs.writeFileSync(path.join(dir, "outside-secret"), "secret\n");
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("copying ready-to-run files into a new worktree", () => {
  it("copies globs within one step and named directories, keeping modes", () => {
    const result = copyIntoWorktree(repo, worktree, [".env*", "config/*.json"]);
    expect(result.copied.sort()).toEqual([".env", ".env.local", path.join("config", "local.json")]);
    expect(fs.statSync(path.join(worktree, ".env.local")).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(worktree, "config", "other.txt"))).toBe(false);
    expect(copyIntoWorktree(repo, path.join(dir, "wt2"), ["config"]).copied.sort()).toEqual([path.join("config", "local.json"), path.join("config", "other.txt")]);
  });

  it("never overwrites what the worktree has, never follows symlinks, never reads outside the repository", () => {
    fs.writeFileSync(path.join(worktree, ".env"), "tracked\n");
    fs.symlinkSync(path.join(dir, "outside-secret"), path.join(repo, ".env.link"));
    fs.symlinkSync(dir, path.join(repo, "up"));
    const result = copyIntoWorktree(repo, worktree, [".env*", "up/outside-secret", "missing-file"]);
    expect(fs.readFileSync(path.join(worktree, ".env"), "utf8")).toBe("tracked\n");
    expect(fs.existsSync(path.join(worktree, ".env.link"))).toBe(false);
    expect(fs.existsSync(path.join(worktree, "up"))).toBe(false);
    expect(result.skipped.map((s) => s.reason).sort()).toEqual(["already in the worktree", "outside the repository", "symbolic link"]);
  });
});
