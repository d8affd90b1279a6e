import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliProfile, Task } from "../db/schema";
import { createClaudeLaunch, HOOK_FORWARDER, MCP_ENTRY } from "./claude-launch";

const CALLBACK = "http://127.0.0.1:4321/api/callback/exec-1/s3cret";

function context(kind: CliProfile["kind"], executionId = "exec-1") {
  return {
    task: { id: "task-1" } as Task,
    profile: { kind } as CliProfile,
    executionId,
    callbackUrl: CALLBACK,
    args: ["fix the bug"],
  };
}

describe("createClaudeLaunch", () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-claude-"));
  });

  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("writes private settings and MCP config for a claude profile and puts their flags first", () => {
    const prepare = createClaudeLaunch({ dataDir, internalToken: () => "tok-123", node: "/opt/node/bin/node" });
    const prepared = prepare(context("claude"));
    const dir = path.join(dataDir, "runs", "exec-1");
    const settingsFile = path.join(dir, "claude-settings.json");
    const mcpFile = path.join(dir, "mcp-config.json");
    expect(prepared.args).toEqual(["--mcp-config", mcpFile, "--settings", settingsFile, "fix the bug"]);
    expect(prepared.env).toEqual({});
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(settingsFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(mcpFile).mode & 0o777).toBe(0o600);

    const settings = JSON.parse(fs.readFileSync(settingsFile, "utf8"));
    const http = { type: "http", url: CALLBACK, timeout: 10 };
    expect(settings).toEqual({
      hooks: {
        SessionStart: [{ hooks: [{ type: "command", command: `'/opt/node/bin/node' '${HOOK_FORWARDER}'`, timeout: 10 }, http] }],
        UserPromptSubmit: [{ hooks: [http] }],
        Notification: [{ hooks: [http] }],
        Stop: [{ hooks: [http] }],
      },
    });
    expect(JSON.parse(fs.readFileSync(mcpFile, "utf8"))).toEqual({
      mcpServers: {
        "ai-manager": {
          command: "/opt/node/bin/node",
          args: [MCP_ENTRY],
          env: { AI_MANAGER_URL: "http://127.0.0.1:4321", AI_MANAGER_INTERNAL_TOKEN: "tok-123", AI_MANAGER_TASK_ID: "task-1" },
        },
      },
    });
    expect(path.isAbsolute(MCP_ENTRY) && fs.existsSync(MCP_ENTRY)).toBe(true);
    expect(fs.existsSync(HOOK_FORWARDER)).toBe(true);

    prepared.cleanup?.();
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("leaves other profiles alone", () => {
    const prepare = createClaudeLaunch({ dataDir, internalToken: () => "tok" });
    for (const kind of ["shell", "custom"] as const) {
      expect(prepare(context(kind))).toEqual({ args: ["fix the bug"], env: {} });
    }
    expect(fs.existsSync(path.join(dataDir, "runs"))).toBe(false);
  });

  it("cleanup keeps other per-run files; start-up sweeps leftovers of a previous process", () => {
    const prepare = createClaudeLaunch({ dataDir, internalToken: () => "tok" });
    const first = prepare(context("claude", "exec-a"));
    const other = path.join(dataDir, "runs", "exec-a", "notes.txt");
    fs.writeFileSync(other, "keep me");
    first.cleanup?.();
    expect(fs.readdirSync(path.join(dataDir, "runs", "exec-a"))).toEqual(["notes.txt"]);

    prepare(context("claude", "exec-b"));
    createClaudeLaunch({ dataDir, internalToken: () => "tok" });
    expect(fs.existsSync(path.join(dataDir, "runs", "exec-b"))).toBe(false);
    expect(fs.existsSync(other)).toBe(true);
  });
});
