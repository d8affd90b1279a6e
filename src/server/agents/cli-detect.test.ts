import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentCliDetector, detectAgentClis } from "./cli-detect";

describe("agent CLI detection", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-detect-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function fakeBin(name: string, script: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return file;
  }

  it("finds a CLI on PATH and reads its version; the others are absent", async () => {
    const codex = fakeBin("codex", 'if [ "$1" = "--version" ]; then echo "codex-cli 9.8.7"; else echo "unexpected $*" >&2; exit 3; fi');
    const found = await detectAgentClis({ PATH: dir });
    expect(found.find((cli) => cli.kind === "codex")).toEqual({ kind: "codex", path: codex, version: "codex-cli 9.8.7" });
    for (const kind of ["claude", "gemini", "opencode", "aider"]) {
      expect(found.find((cli) => cli.kind === kind)).toEqual({ kind, path: null, version: null });
    }
  });

  it("reports a binary that fails without output, and never runs a shell string", async () => {
    fakeBin("gemini", "exit 1");
    fakeBin("aider", 'echo "aider 0.86.1; touch should-not-exist"');
    const found = await detectAgentClis({ PATH: dir });
    expect(found.find((cli) => cli.kind === "gemini")).toMatchObject({ path: path.join(dir, "gemini"), version: null, error: expect.stringContaining("failed") });
    expect(found.find((cli) => cli.kind === "aider")?.version).toBe("aider 0.86.1; touch should-not-exist");
    expect(fs.existsSync(path.join(os.tmpdir(), "should-not-exist"))).toBe(false);
  });

  it("asks Gemini CLI for its version without it starting a second process of itself", async () => {
    fakeBin("gemini", 'echo "0.61.0 no-relaunch=${GEMINI_CLI_NO_RELAUNCH:-unset}"');
    const found = await detectAgentClis({ PATH: dir });
    expect(found.find((cli) => cli.kind === "gemini")?.version).toBe("0.61.0 no-relaunch=true");
  });

  it("answers from its cache, and sees an installed binary on the next look", async () => {
    let now = 1_000;
    const detector = new AgentCliDetector({ PATH: dir }, () => now);
    expect((await detector.current()).find((cli) => cli.kind === "opencode")?.path).toBeNull();
    fakeBin("opencode", "echo 1.18.33");
    now += 1;
    // The binary appeared: the cached answer is served and a refresh starts.
    expect((await detector.current()).find((cli) => cli.kind === "opencode")?.path).toBeNull();
    const refreshed = await detector.refresh();
    expect(refreshed.find((cli) => cli.kind === "opencode")).toMatchObject({ version: "1.18.33" });
    expect((await detector.current()).find((cli) => cli.kind === "opencode")?.version).toBe("1.18.33");
  });
});
