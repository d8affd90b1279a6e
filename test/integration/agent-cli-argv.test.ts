import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_CLIS, type BuiltinAgentKind } from "../../src/lib/agent-clis";
import { geminiSkipsSystemSettings } from "../../src/server/agents/agent-config";
import { createAgentLaunch } from "../../src/server/agents/agent-launch";
import type { Task } from "../../src/server/db/schema";
import { RUN_TMP_DIR, RUNS_DIR } from "../../src/server/claude/run-files";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { waitFor } from "../helpers/test-services";


const run = promisify(execFile);
const BIN = path.resolve(__dirname, "../../node_modules/.bin");
/**
 * For the calls that are no run: Gemini CLI starts itself a second time for a larger heap unless
 * told not to (~1.7 s of CPU each). The app's own `--version` check sets it too; runs do not.
 */
const GEMINI_ONE_PROCESS = { GEMINI_CLI_NO_RELAUNCH: "true" };
const REPORTS = path.resolve(__dirname, "../../test-reports");

/**
 * Every command line the built-in Codex, Gemini CLI and opencode profiles build, run through the
 * real CLI (devDependencies, installed from npm) in a real PTY by the app itself — with the run's
 * -c overrides, settings files and environment — in a throwaway HOME, so no account and no config
 * of this machine is used. A parser that refused an option would print its error and exit; the
 * assertions wait for the screen each CLI shows only after parsing (sign-in, authentication,
 * its TUI) and that no "unknown option" error appeared.
 */
const PARSER_ERRORS = /unexpected argument|Unknown argument|Unknown arguments|unrecognized|Not enough arguments|invalid value/i;

/**
 * A directory for the runs' files where Gemini reads a settings file: under the repository when its
 * path qualifies, else (a checkout in the shared temp dir, as a CI clone) a root-only directory
 * under /run when the tests run as root. Undefined when neither can be had: then the app starts
 * Gemini without its settings, and the MCP test checks that instead.
 */
function geminiReadableRunsDir(): string {
  fs.mkdirSync(REPORTS, { recursive: true, mode: 0o755 });
  const inRepo = fs.mkdtempSync(path.join(REPORTS, "agent-cli-runs-"));
  if (!geminiSkipsSystemSettings(inRepo) || process.getuid?.() !== 0) return inRepo;
  const rootOnly = path.join("/run", "ai-manager-tests");
  try {
    fs.mkdirSync(rootOnly, { recursive: true, mode: 0o755 });
    const dir = fs.mkdtempSync(path.join(rootOnly, "agent-cli-runs-"));
    if (geminiSkipsSystemSettings(dir)) {
      fs.rmSync(dir, { recursive: true, force: true });
      return inRepo;
    }
    fs.rmSync(inRepo, { recursive: true, force: true });
    return dir;
  } catch {
    return inRepo;
  }
}

describe("agent CLI command lines against the real CLIs", () => {
  let h: ApiHarness;
  let home: string;
  let cwd: string;

  /**
   * Gemini reads the run's settings only from a root-owned path no group or other may write
   * (agent-config.ts); the shared temp dir is not one, so runs' files go under the repository.
   */
  let runsDir: string;

  beforeAll(async () => {
    runsDir = geminiReadableRunsDir();
    h = await startApiHarness((_dataDir, services) => ({ prepareLaunch: createAgentLaunch({ dataDir: runsDir, internalToken: () => services().internalToken }) }));
    home = fs.mkdtempSync(path.join(os.tmpdir(), "aim-cli-home-"));
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), "aim-cli-cwd-"));
    fs.mkdirSync(path.join(home, ".codex"));
    fs.mkdirSync(path.join(home, "tmp"));
    // Gemini asks whether to trust a folder before anything else; off here, its next screen is sign-in.
    fs.mkdirSync(path.join(home, ".gemini"));
    fs.writeFileSync(path.join(home, ".gemini", "settings.json"), JSON.stringify({ security: { folderTrust: { enabled: false } } }));
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(cwd, { recursive: true, force: true });
    fs.rmSync(runsDir, { recursive: true, force: true });
  });

  /** Only this test's HOME: nothing of the machine's config is read or written. */
  function isolatedEnv(): Record<string, string> {
    return {
      HOME: home,
      CODEX_HOME: path.join(home, ".codex"),
      XDG_CONFIG_HOME: path.join(home, ".config"),
      XDG_DATA_HOME: path.join(home, ".local", "share"),
      XDG_CACHE_HOME: path.join(home, ".cache"),
      XDG_STATE_HOME: path.join(home, ".local", "state"),
      // opencode (a Bun binary) unpacks a 13 MB libopentui.so into the temp dir at every start and
      // never removes it: here it lands in this HOME, removed with it.
      TMPDIR: path.join(home, "tmp"),
    };
  }

  /** `dir`: where the task runs (default the shared `cwd`). */
  function taskFor(kind: BuiltinAgentKind, prompt: string, dir = cwd): Task {
    const builtin = h.services.profiles.ensureBuiltin(kind);
    // The app gives opencode's runs a TMPDIR of their own (checked below); a profile's would win.
    const { TMPDIR: _ownTmp, ...withoutTmp } = isolatedEnv();
    const profile = h.services.profiles.update(builtin.id, {
      name: builtin.name,
      kind,
      command: path.join(BIN, AGENT_CLIS[kind].binary),
      args: builtin.args,
      env: kind === "opencode" ? withoutTmp : isolatedEnv(),
      promptDelivery: builtin.promptDelivery,
    });
    return h.services.tasks.create({ title: `${kind} argv`, cwd: dir, prompt, profileId: profile.id });
  }

  /** Waits until the screen shows `expected`; fails at once with the screen if the CLI exits first. */
  async function screenOf(taskId: string, expected: RegExp): Promise<string> {
    let text = "";
    const deadline = Date.now() + 150_000;
    for (;;) {
      const session = h.services.sessions.get(taskId);
      if (!session) throw new Error("no session");
      const snap = await session.snapshot("full");
      text = snap.lines.join("\n");
      if (expected.test(text)) return text;
      if (!session.running) {
        throw new Error(`exited before showing ${expected}: exit ${JSON.stringify(session.exit)}\n${text}`);
      }
      if (Date.now() > deadline) throw new Error(`never showed ${expected}:\n${text}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function launch(taskId: string, resume?: { sessionId?: string }): Promise<string> {
    const execution = resume ? await h.services.terminals.resume(taskId, resume.sessionId) : await h.services.terminals.start(taskId);
    return execution.commandLine as string;
  }

  async function stop(taskId: string): Promise<void> {
    const session = h.services.sessions.get(taskId);
    if (session?.running) await session.stop({ signal: "SIGKILL" });
  }

  /**
   * A directory of its own for a task that resumes "the CLI's latest session here": where another
   * task ran the same CLI, the app refuses that resume (it would be the other task's session).
   */
  function ownDir(name: string): string {
    const dir = path.join(cwd, name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  it("codex: --help and --version answer", async () => {
    const help = await run(path.join(BIN, "codex"), ["--help"], { env: { ...process.env, ...isolatedEnv() } });
    expect(help.stdout).toMatch(/Usage: codex \[OPTIONS\] \[PROMPT\]/);
    expect((await run(path.join(BIN, "codex"), ["--version"], { env: { ...process.env, ...isolatedEnv() } })).stdout).toMatch(/^codex-cli \d+\.\d+\.\d+/);
  });

  it("codex: the prompt (even one starting with -), notify and MCP overrides parse; it stops at sign-in", async () => {
    const task = taskFor("codex", "--explain this repository");
    const commandLine = await launch(task.id);
    expect(commandLine).toContain("-c 'notify=[");
    expect(commandLine).not.toContain(h.services.internalToken);
    const screen = await screenOf(task.id, /Sign in with ChatGPT/);
    expect(screen).not.toMatch(PARSER_ERRORS);
    await stop(task.id);
  }, 180_000);

  it("codex: resume --last and resume <id> parse (subcommand after the root -c overrides)", async () => {
    const task = taskFor("codex", "first", ownDir("codex-resume"));
    for (const sessionId of [undefined, "0199a213-81c0-7800-8aa1-bbab2a035a53"]) {
      const commandLine = await launch(task.id, { sessionId });
      expect(commandLine).toMatch(sessionId ? / resume 0199a213/ : / resume --last$/);
      expect(await screenOf(task.id, /Sign in with ChatGPT/)).not.toMatch(PARSER_ERRORS);
      await stop(task.id);
    }
  }, 240_000);

  it("codex: its own config parser reads the MCP server with the token passed by name only", async () => {
    const prepare = createAgentLaunch({ dataDir: h.services.dataDir, internalToken: () => "never-shown" });
    const ctx = { task: { id: "t" } as Task, profile: { kind: "codex" } as never, executionId: "x", callbackUrl: `${h.origin}/api/callback/x/y`, args: [] };
    const { args } = prepare(ctx);
    const { stdout } = await run(path.join(BIN, "codex"), [...args, "mcp", "get", "ai-manager", "--json"], { env: { ...process.env, ...isolatedEnv() }, cwd });
    const server = JSON.parse(stdout);
    expect(server.transport).toMatchObject({ type: "stdio", command: process.execPath, env_vars: ["AI_MANAGER_URL", "AI_MANAGER_INTERNAL_TOKEN", "AI_MANAGER_TASK_ID"] });
    expect(server.transport.args[0]).toMatch(/bin\/ai-manager-mcp\.mjs$/);
    expect(stdout).not.toContain("never-shown");
  }, 60_000);

  it("gemini: --version and --help answer; the interactive prompt and the run's system settings parse; it stops at authentication", async () => {
    expect((await run(path.join(BIN, "gemini"), ["--version"], { env: { ...process.env, ...isolatedEnv(), ...GEMINI_ONE_PROCESS } })).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const geminiHelp = await run(path.join(BIN, "gemini"), ["--help"], { env: { ...process.env, ...isolatedEnv(), ...GEMINI_ONE_PROCESS } });
    expect(geminiHelp.stdout).toMatch(/--prompt-interactive/);
    expect(geminiHelp.stdout).toMatch(/--resume/);
    const task = taskFor("gemini", "-v explain this repository");
    const commandLine = await launch(task.id);
    expect(commandLine).toContain("--prompt-interactive=-v explain this repository");
    const screen = await screenOf(task.id, /How would you like to authenticate/);
    expect(screen).not.toMatch(PARSER_ERRORS);
    expect(screen).not.toMatch(/Invalid configuration|Error in .*settings/i);
    await stop(task.id);
  }, 180_000);

  it("gemini: --resume latest parses (no session yet: its own message, not a parser error)", async () => {
    const task = taskFor("gemini", "", ownDir("gemini-resume"));
    const commandLine = await launch(task.id, {});
    expect(commandLine).toMatch(/--resume latest$/);
    const screen = await screenOf(task.id, /How would you like to authenticate|No previous sessions found|No sessions found/);
    expect(screen).not.toMatch(PARSER_ERRORS);
    await stop(task.id);
  }, 180_000);

  it("gemini: its own settings loader lists the run's MCP server", async () => {
    const prepare = createAgentLaunch({ dataDir: runsDir, internalToken: () => "tok" });
    const ctx = { task: { id: "t" } as Task, profile: { kind: "gemini" } as never, executionId: "gemini-mcp", callbackUrl: `${h.origin}/api/callback/x/y`, args: [] };
    const prepared = prepare(ctx);
    try {
      const { stdout, stderr } = await run(path.join(BIN, "gemini"), ["mcp", "list"], { env: { ...process.env, ...isolatedEnv(), ...prepared.env, ...GEMINI_ONE_PROCESS }, cwd, timeout: 120_000 });
      const unreadable = geminiSkipsSystemSettings(runsDir);
      if (unreadable) {
        // No path here that Gemini would read (not root): the run starts without settings, and says why in the log.
        console.log(`gemini settings: none on this machine (${unreadable}); checking the fallback`);
        expect(prepared.env.GEMINI_CLI_SYSTEM_SETTINGS_PATH).toBeUndefined();
        expect(`${stdout}${stderr}`).not.toMatch(/ai-manager/);
        return;
      }
      expect(prepared.env.GEMINI_CLI_SYSTEM_SETTINGS_PATH).toBeDefined();
      expect(`${stdout}${stderr}`).toMatch(/ai-manager/);
      expect(`${stdout}${stderr}`).not.toMatch(/Security Warning|Skipping/);
    } finally {
      prepared.cleanup?.();
    }
  }, 150_000);

  it("opencode: --version and --help answer; --prompt and the run's config parse; its TUI starts", async () => {
    expect((await run(path.join(BIN, "opencode"), ["--version"], { env: { ...process.env, ...isolatedEnv() } })).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const opencodeHelp = await run(path.join(BIN, "opencode"), ["--help"], { env: { ...process.env, ...isolatedEnv() } });
    expect(`${opencodeHelp.stdout}${opencodeHelp.stderr}`).toMatch(/--prompt[\s\S]*--continue|--continue[\s\S]*--prompt/);
    expect(`${opencodeHelp.stdout}${opencodeHelp.stderr}`).toMatch(/--session/);
    const task = taskFor("opencode", "-x explain this repository");
    const commandLine = await launch(task.id);
    expect(commandLine).toContain("--prompt=-x explain this repository");
    // Its home screen with the prompt in its input box (its "Run /connect to add an AI provider" tip: no account).
    // The box is filled after the home screen is drawn: wait for both, the prompt above the footer.
    const screen = await screenOf(task.id, /-x explain this repository[\s\S]*ctrl\+p commands/);
    expect(screen).toContain("-x explain this repository");
    expect(screen).not.toMatch(PARSER_ERRORS);
    // The library it unpacks at every start is in the run's own temp dir, which goes when the run ends.
    const runTmp = path.join(runsDir, RUNS_DIR, h.services.sessions.get(task.id)!.executionId, RUN_TMP_DIR);
    expect(fs.readdirSync(runTmp).filter((name) => name.endsWith(".so"))).not.toEqual([]);
    await stop(task.id);
    await waitFor(() => !fs.existsSync(runTmp), 30_000, "the run's temp dir to be removed");
  }, 180_000);

  it("opencode: --continue and --session <id> parse", async () => {
    const task = taskFor("opencode", "", ownDir("opencode-resume"));
    for (const sessionId of [undefined, "ses_0123456789abcdefABCDEF"]) {
      const commandLine = await launch(task.id, { sessionId });
      expect(commandLine).toMatch(sessionId ? /--session ses_0123/ : /--continue$/);
      const screen = await screenOf(task.id, /ctrl\+p commands|session/i);
      expect(screen).not.toMatch(PARSER_ERRORS);
      await stop(task.id);
    }
  }, 240_000);

  it("opencode: its own config loader lists the run's MCP server", async () => {
    const prepare = createAgentLaunch({ dataDir: h.services.dataDir, internalToken: () => "tok" });
    const ctx = { task: { id: "t" } as Task, profile: { kind: "opencode" } as never, executionId: "opencode-mcp", callbackUrl: `${h.origin}/api/callback/x/y`, args: [] };
    const prepared = prepare(ctx);
    try {
      const { stdout, stderr } = await run(path.join(BIN, "opencode"), ["mcp", "list"], { env: { ...process.env, ...isolatedEnv(), ...prepared.env }, cwd, timeout: 120_000 });
      expect(`${stdout}${stderr}`).toMatch(/ai-manager/);
    } finally {
      prepared.cleanup?.();
    }
  }, 150_000);
});
