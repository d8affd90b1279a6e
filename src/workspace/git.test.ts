import os from "node:os";
import { describe, expect, it } from "vitest";
import { git } from "./git";

describe("git", () => {
  it("answers with git's exit status when git exits without reading its input (no uncaught EPIPE)", async () => {
    // More than a pipe holds: the write is still under way when `git --version` exits without
    // reading, as a commit refused by its pre-commit hook does with its message.
    const result = await git(["--version"], { cwd: os.tmpdir(), input: "x".repeat(4 * 1024 * 1024) });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^git version /);
  });
});
