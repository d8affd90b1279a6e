import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClaudeLaunch } from "../../src/server/claude/claude-launch";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { readBuffer, startTask, waitForExit } from "../helpers/api-calls";
import { makeTask } from "../helpers/test-services";

const FAKE_CLAUDE = path.resolve(__dirname, "../fixtures/fake-claude.mjs");

/**
 * A Claude Code profile end to end, with a stand-in for the `claude` binary: the run gets its
 * settings and MCP config, the hooks reach CALLBACK_URL (SessionStart through the forwarder),
 * the MCP server from the config answers for this task, and the files go when the run ends.
 */
describe("Claude Code wiring", () => {
  let h: ApiHarness;
  let claude: string;

  beforeEach(async () => {
    h = await startApiHarness((dataDir, services) => ({
      prepareLaunch: createClaudeLaunch({ dataDir, internalToken: () => services().internalToken }),
    }));
    // The profile's command gets `--mcp-config … --settings …` first, like the real `claude`.
    claude = path.join(h.services.dataDir, "claude");
    fs.writeFileSync(claude, `#!/bin/sh\nAIM_FAKE_CLAUDE_DIR='${h.services.dataDir}' exec '${process.execPath}' '${FAKE_CLAUDE}' "$@"\n`, { mode: 0o755 });
  });

  afterEach(async () => {
    await h.close();
  });

  function outputLines(output: string): Map<string, string> {
    const values = new Map<string, string>();
    for (const line of output.split("\n")) {
      const match = /^([A-Z][A-Z-]*(?:-[A-Za-z]+)?)=(.*)$/.exec(line.trim());
      if (match) values.set(match[1]!, match[2]!);
    }
    return values;
  }

  it("passes settings and MCP config, records the session id, moves the task, and cleans up", async () => {
    const profile = h.services.profiles.create({ name: "Fake Claude", kind: "claude", command: claude, args: ["{prompt}"], promptDelivery: "args" });
    const task = makeTask(h.services, profile, "wired", "do the thing");
    const execution = await startTask(h, task.id);
    const runDir = path.join(h.services.dataDir, "runs", execution.id);
    expect(execution.commandLine).toContain(`--mcp-config ${path.join(runDir, "mcp-config.json")} --settings ${path.join(runDir, "claude-settings.json")}`);

    const data = await waitForExit(h, task.id, { clean: true, maxLines: 1000 });
    expect(data.exitCode, data.output).toBe(0);
    const seen = outputLines(data.output);
    expect(JSON.parse(seen.get("ARGS")!)).toEqual([
      "--mcp-config",
      path.join(runDir, "mcp-config.json"),
      "--settings",
      path.join(runDir, "claude-settings.json"),
      "do the thing",
    ]);
    expect(seen.get("MODES")).toBe("600,600,700");
    expect(seen.get("HTTP-HOOK-IS-CALLBACK-URL")).toBe("true");
    // SessionStart went through the command hook (http hooks are skipped there), silently.
    expect(JSON.parse(seen.get("COMMAND-HOOK-SessionStart")!)).toEqual({ code: 0, stdout: "" });
    for (const event of ["Notification", "UserPromptSubmit", "Stop"]) expect(seen.get(`HTTP-HOOK-${event}`)).toBe("200");
    // The MCP server from the config reached this app, with this task as the default.
    expect(seen.get("MCP-STATUS")).toContain(`Task ${task.id}: running`);
    expect(seen.get("MCP-STATUS")).toContain("(session fake-session-0001)");
    // The transcript the hooks reported was read: one response (written as two lines), priced as Sonnet 4.5.
    expect(seen.get("MCP-STATUS")).toContain("Usage: 1.2k tokens · $0.02 (in 100, out 1k, cache write 0, cache read 100; 1 response;");
    expect(seen.get("END")).toBe("ok");

    expect(h.services.executions.get(execution.id)).toMatchObject({ agentSessionId: "fake-session-0001", agentStatus: "review", agentMessage: "FAKE DONE" });
    expect(h.services.tasks.get(task.id)).toMatchObject({ status: "review", statusMessage: "FAKE DONE" });
    expect(fs.existsSync(runDir)).toBe(false);

    // Resume needs no typing: the recorded session id is used.
    const resumed = await h.services.terminals.resume(task.id);
    expect(resumed.commandLine).toMatch(/--settings \S+ --resume fake-session-0001$/);
    const again = await waitForExit(h, task.id, { clean: true });
    expect(again.output).toContain('"--resume","fake-session-0001"');
  });

  it("leaves other profiles' command lines alone", async () => {
    const profile = h.services.profiles.create({ name: "Plain", kind: "custom", command: "/bin/echo", args: ["{prompt}"], promptDelivery: "args" });
    const task = makeTask(h.services, profile, "plain", "hello");
    const execution = await startTask(h, task.id);
    expect(execution.commandLine).toBe("/bin/echo hello");
    await waitForExit(h, task.id);
    expect((await readBuffer(h, task.id, { clean: true })).body.data.output).toBe("hello");
    expect(fs.existsSync(path.join(h.services.dataDir, "runs", execution.id))).toBe(false);
  });
});
