import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Real git repositories in temporary directories, for workspace tests. */

const IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"];

/** Runs git synchronously in `cwd` (test set-up only; the app goes through src/workspace/git.ts). */
export function gitSync(cwd: string, ...args: string[]): string {
  return execFileSync("git", [...IDENTITY, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" },
    stdio: ["ignore", "pipe", "pipe"],
  }).replace(/\n$/, "");
}

export interface TempRepo {
  root: string;
  /** Writes a file (creating directories) relative to the root. */
  write(rel: string, content: string): void;
  commitAll(message: string): string;
  dispose(): void;
}

/** A repository on `main` with one commit (README.md, src/index.txt) and `.env*` git-ignored. */
export function createTempRepo(name = "repo"): TempRepo {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), "aim-repo-"));
  const root = fs.realpathSync(path.join(parent)) + path.sep + name;
  fs.mkdirSync(root);
  gitSync(root, "init", "--quiet", "-b", "main");
  const repo: TempRepo = {
    root,
    write(rel, content) {
      const file = path.join(root, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    },
    commitAll(message) {
      gitSync(root, "add", "-A");
      gitSync(root, "commit", "--quiet", "-m", message);
      return gitSync(root, "rev-parse", "HEAD");
    },
    dispose() {
      fs.rmSync(parent, { recursive: true, force: true });
    },
  };
  repo.write("README.md", "# test repo\n");
  repo.write("src/index.txt", "one\n");
  repo.write(".gitignore", ".env*\nnode_modules/\n");
  repo.commitAll("initial commit");
  return repo;
}
