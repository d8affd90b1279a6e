import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliProfile, Task } from "../db/schema";
import { createAgentLaunch } from "./agent-launch";
import { GEMINI_HOOK_TIMEOUT_MS } from "./agent-config";

const CALLBACK = "http://127.0.0.1:4321/api/callback/exec-1/s3cret";
const TOKEN = "tok-secret-123";

function context(kind: CliProfile["kind"], args: string[] = ["--", "fix it"]) {
  return { task: { id: "task-1" } as Task, profile: { kind } as CliProfile, executionId: "exec-1", callbackUrl: CALLBACK, args };
}

describe("createAgentLaunch", () => {
  let dataDir: string;
  const options = () => ({ dataDir, internalToken: () => TOKEN, node: "/opt/node/bin/node", mcpEntry: "/app/bin/mcp.mjs", hookForwarder: "/app/bin/hook.mjs" });

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-agents-"));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("gives Codex its notify program and the MCP server by -c, with the token only named, never on the command line", () => {
    const prepared = createAgentLaunch(options())(context("codex"));
    expect(prepared.args).toEqual([
      "-c",
      'notify=["/opt/node/bin/node", "/app/bin/hook.mjs"]',
      "-c",
      'mcp_servers.ai-manager.command="/opt/node/bin/node"',
      "-c",
      'mcp_servers.ai-manager.args=["/app/bin/mcp.mjs"]',
      "-c",
      'mcp_servers.ai-manager.env_vars=["AI_MANAGER_URL", "AI_MANAGER_INTERNAL_TOKEN", "AI_MANAGER_TASK_ID"]',
      "--",
      "fix it",
    ]);
    expect(prepared.args.join(" ")).not.toContain(TOKEN);
    expect(prepared.args.join(" ")).not.toContain("s3cret");
    expect(fs.existsSync(path.join(dataDir, "runs"))).toBe(false);
  });

  it("writes Gemini CLI's private system settings: hooks to CALLBACK_URL and the MCP server", () => {
    const prepared = createAgentLaunch(options())(context("gemini", ["--prompt-interactive=fix it"]));
    const file = path.join(dataDir, "runs", "exec-1", "gemini-settings.json");
    expect(prepared.args).toEqual(["--prompt-interactive=fix it"]);
    expect(prepared.env).toEqual({ GEMINI_CLI_SYSTEM_SETTINGS_PATH: file });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const settings = JSON.parse(fs.readFileSync(file, "utf8"));
    const hook = { type: "command", command: "'/opt/node/bin/node' '/app/bin/hook.mjs'", timeout: GEMINI_HOOK_TIMEOUT_MS, env: { CALLBACK_URL: CALLBACK } };
    expect(settings.hooks).toEqual({ SessionStart: [{ hooks: [hook] }], BeforeAgent: [{ hooks: [hook] }], AfterAgent: [{ hooks: [hook] }], Notification: [{ hooks: [hook] }] });
    expect(settings.mcpServers["ai-manager"]).toEqual({
      command: "/opt/node/bin/node",
      args: ["/app/bin/mcp.mjs"],
      env: { AI_MANAGER_URL: "http://127.0.0.1:4321", AI_MANAGER_INTERNAL_TOKEN: TOKEN, AI_MANAGER_TASK_ID: "task-1" },
    });
    prepared.cleanup?.();
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  it("writes opencode's private config with the MCP server", () => {
    const prepared = createAgentLaunch(options())(context("opencode", ["--prompt=fix it"]));
    const file = path.join(dataDir, "runs", "exec-1", "opencode.json");
    expect(prepared).toMatchObject({ args: ["--prompt=fix it"], env: { OPENCODE_CONFIG: file } });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).mcp["ai-manager"]).toEqual({
      type: "local",
      command: ["/opt/node/bin/node", "/app/bin/mcp.mjs"],
      environment: { AI_MANAGER_URL: "http://127.0.0.1:4321", AI_MANAGER_INTERNAL_TOKEN: TOKEN, AI_MANAGER_TASK_ID: "task-1" },
      enabled: true,
    });
    prepared.cleanup?.();
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  it("hands claude profiles to Claude's wiring and runs aider, shells and custom commands as they are", () => {
    const seen: string[] = [];
    const launch = createAgentLaunch({ ...options(), claude: (ctx) => (seen.push(ctx.profile.kind), { args: ["--claude", ...ctx.args], env: {} }) });
    expect(launch(context("claude", ["go"])).args).toEqual(["--claude", "go"]);
    expect(seen).toEqual(["claude"]);
    for (const kind of ["aider", "shell", "custom"] as const) expect(launch(context(kind, ["x"]))).toEqual({ args: ["x"], env: {} });
  });
});
