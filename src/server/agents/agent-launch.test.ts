import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliProfile, Task } from "../db/schema";
import { createAgentLaunch } from "./agent-launch";
import { GEMINI_HOOK_TIMEOUT_MS, geminiSkipsSystemSettings } from "./agent-config";

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
    const prepared = createAgentLaunch({ ...options(), geminiSkips: () => undefined })(context("gemini", ["--prompt-interactive=fix it"]));
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

  it("starts Gemini CLI without the file where Gemini would skip it (a path not owned by root)", () => {
    const warnings: unknown[] = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(args), error: () => undefined } as never;
    const prepared = createAgentLaunch({ ...options(), logger, geminiSkips: (file) => `${file} is not owned by root` })(context("gemini", ["-m", "x"]));
    expect(prepared.args).toEqual(["-m", "x"]);
    expect(prepared.env).toEqual({});
    expect(fs.existsSync(path.join(dataDir, "runs", "exec-1", "gemini-settings.json"))).toBe(false);
    expect(warnings).toHaveLength(1);
    prepared.cleanup?.();
  });

  it("applies Gemini's own rule: root-owned and not group/other-writable, up to /", () => {
    const tree: Record<string, { uid: number; mode: number }> = {
      "/": { uid: 0, mode: 0o40755 },
      "/srv": { uid: 0, mode: 0o40755 },
      "/srv/data": { uid: 0, mode: 0o40700 },
      "/srv/data/s.json": { uid: 0, mode: 0o100600 },
      "/tmp": { uid: 0, mode: 0o41777 },
      "/tmp/s.json": { uid: 0, mode: 0o100600 },
      "/home": { uid: 0, mode: 0o40755 },
      "/home/me": { uid: 1000, mode: 0o40755 },
      "/home/me/s.json": { uid: 1000, mode: 0o100600 },
    };
    const stat = (p: string) => {
      const info = tree[p];
      if (!info) throw new Error("ENOENT");
      return info;
    };
    expect(geminiSkipsSystemSettings("/srv/data/s.json", stat)).toBeUndefined();
    expect(geminiSkipsSystemSettings("/tmp/s.json", stat)).toBe("/tmp is writable by group or others");
    expect(geminiSkipsSystemSettings("/home/me/s.json", stat)).toBe("/home/me/s.json is not owned by root");
  });

  it("writes opencode's private config with the MCP server", () => {
    const prepared = createAgentLaunch(options())(context("opencode", ["--prompt=fix it"]));
    const file = path.join(dataDir, "runs", "exec-1", "opencode.json");
    const tmp = path.join(dataDir, "runs", "exec-1", "tmp");
    expect(prepared).toMatchObject({ args: ["--prompt=fix it"], env: { OPENCODE_CONFIG: file, TMPDIR: tmp } });
    expect(fs.statSync(tmp).mode & 0o777).toBe(0o700);
    // What opencode unpacks there at every start goes with the run's files.
    fs.writeFileSync(path.join(tmp, ".9affccf9f2fbef9f-00000000.so"), "library");
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

  it("leaves opencode the TMPDIR its profile sets", () => {
    const ctx = { ...context("opencode", []), profile: { kind: "opencode", env: { TMPDIR: "/scratch/tmp" } } as unknown as CliProfile };
    const prepared = createAgentLaunch(options())(ctx);
    expect(prepared.env).not.toHaveProperty("TMPDIR");
    expect(fs.existsSync(path.join(dataDir, "runs", "exec-1", "tmp"))).toBe(false);
    prepared.cleanup?.();
  });

  it("hands claude profiles to Claude's wiring and runs aider, shells and custom commands as they are", () => {
    const seen: string[] = [];
    const launch = createAgentLaunch({ ...options(), claude: (ctx) => (seen.push(ctx.profile.kind), { args: ["--claude", ...ctx.args], env: {} }) });
    expect(launch(context("claude", ["go"])).args).toEqual(["--claude", "go"]);
    expect(seen).toEqual(["claude"]);
    for (const kind of ["aider", "shell", "custom"] as const) expect(launch(context(kind, ["x"]))).toEqual({ args: ["x"], env: {} });
  });
});
