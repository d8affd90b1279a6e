import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";

const BIN = path.resolve(__dirname, "../../bin/ai-manager-mcp.mjs");
const TOOLS = [
  "create_task",
  "get_task_changes",
  "get_task_execution_status",
  "get_task_terminal_output",
  "get_task_terminal_snapshot",
  "list_tasks",
  "search_task_terminal_output",
  "send_task_terminal_input",
  "start_task",
  "stop_task",
  "update_task_status",
];

type ToolResult = { content: Array<{ type: string; text: string }>; isError?: boolean };

/** The SDK's own client, spawning `node bin/ai-manager-mcp.mjs` from another directory. */
async function connect(env: Record<string, string>): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN], env, cwd: os.tmpdir(), stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: "mcp-e2e-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ text: string; isError: boolean }> {
  const result = (await client.callTool({ name, arguments: args })) as ToolResult;
  expect(result.content).toHaveLength(1);
  return { text: result.content[0]!.text, isError: result.isError === true };
}

async function good(client: Client, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const result = await call(client, name, args);
  expect(result.isError, result.text).toBe(false);
  return result.text;
}

async function bad(client: Client, name: string, args: Record<string, unknown>, message: RegExp): Promise<void> {
  const result = await call(client, name, args);
  expect(result.isError, result.text).toBe(true);
  expect(result.text).toMatch(message);
}

describe("MCP server over stdio, against the running API", () => {
  let h: ApiHarness;
  let client: Client;

  beforeAll(async () => {
    h = await startApiHarness();
    ({ client } = await connect({ AI_MANAGER_URL: h.origin, AI_MANAGER_INTERNAL_TOKEN: h.token }));
  });

  afterAll(async () => {
    await client?.close();
    await h?.close();
  });

  it("lists the ten tools, each with an input schema", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.description?.length).toBeGreaterThan(20);
      expect(tool.inputSchema.type).toBe("object");
    }
    const output = tools.find((t) => t.name === "get_task_terminal_output")!;
    expect(Object.keys(output.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(["taskId", "mode", "since", "clean", "waitFor", "idleMs", "pattern", "timeoutMs"]),
    );
  });

  it("drives a task through every tool, and each tool refuses bad arguments with an error result", async () => {
    // create_task
    const created = await good(client, "create_task", { title: "MCP task", cwd: os.tmpdir(), profile: "Shell", prompt: "" });
    const taskId = /Created task (\S+)/.exec(created)![1]!;
    expect(created).toContain('"MCP task"');
    await bad(client, "create_task", { cwd: os.tmpdir() }, /title/);
    await bad(client, "create_task", { title: "x", cwd: "not/absolute" }, /absolute path/);
    await bad(client, "create_task", { title: "x", cwd: os.tmpdir(), profile: "Nope" }, /No CLI profile named/);

    // list_tasks
    expect(await good(client, "list_tasks")).toMatch(new RegExp(`${taskId}\\s+\\[todo\\]\\s+MCP task`));
    expect(await good(client, "list_tasks", { status: "done" })).toBe("No tasks with status done.");
    await bad(client, "list_tasks", { status: "asleep" }, /status/);
    // Pages: the answer says how to get the next one.
    await good(client, "create_task", { title: "Second MCP task", cwd: os.tmpdir(), profile: "Shell" });
    const first = await good(client, "list_tasks", { limit: 1 });
    expect(first).toMatch(/^Tasks 1–1, most recently updated first \(more: call list_tasks with offset 1\):\n\S+\s+\[todo\]\s+Second MCP task/);
    expect(await good(client, "list_tasks", { limit: 1, offset: 1 })).toMatch(/^Tasks 2–2, most recently updated first \(the last ones\):\n\S+\s+\[todo\]\s+MCP task/);
    expect(await good(client, "list_tasks", { offset: 5 })).toBe("No more tasks after the first 5.");
    await bad(client, "list_tasks", { limit: 0 }, /limit/);

    // start_task
    expect(await good(client, "start_task", { taskId, cols: 100, rows: 30 })).toMatch(/^Started task \S+: execution \S+ \(running, pid \d+\)/);
    await bad(client, "start_task", { taskId }, /already running/);
    await bad(client, "start_task", { taskId, cols: 0 }, /cols/);

    // send_task_terminal_input + get_task_terminal_output (waiting for a pattern: first the prompt)
    expect(await good(client, "get_task_terminal_output", { taskId, waitFor: "pattern", pattern: "[$#]\\s*$", since: 0, timeoutMs: 10_000 })).toContain(
      "[pattern matched after",
    );
    expect(await good(client, "send_task_terminal_input", { taskId, input: "echo MCP-$((40+2))" })).toMatch(/^Sent \d+ bytes to task \S+ \(line mode\)/);
    const waited = await good(client, "get_task_terminal_output", { taskId, waitFor: "pattern", pattern: "MCP-\\d+", since: 0, timeoutMs: 10_000 });
    expect(waited).toMatch(/^\[lines 0–\d+ of \d+; .*read more with since=\d+\]/);
    expect(waited).toMatch(/^MCP-42$/m);
    expect(waited).toContain('[pattern matched after');
    expect(waited).not.toMatch(/\x1b/);
    await bad(client, "send_task_terminal_input", { taskId, input: "x", mode: "shout" }, /mode/);

    const tail = await good(client, "get_task_terminal_output", { taskId, lines: 2 });
    const header = /^\[lines (\d+)–(\d+) of (\d+).*read more with since=(\d+)\]/.exec(tail)!;
    expect(header).not.toBeNull();
    const since = Number(header[4]);
    const nothingNew = await good(client, "get_task_terminal_output", { taskId, mode: "full", since: since + 1 });
    expect(nothingNew).toMatch(/^\[no output after line/);
    await bad(client, "get_task_terminal_output", { taskId, timeoutMs: 60_000, waitFor: "idle" }, /timeoutMs/);
    await bad(client, "get_task_terminal_output", { taskId, waitFor: "pattern" }, /pattern: is required with waitFor=pattern/);
    await bad(client, "get_task_terminal_output", { taskId, waitFor: "pattern", pattern: "(" }, /not a valid regular expression/);

    // get_task_terminal_snapshot
    const snapshot = await good(client, "get_task_terminal_snapshot", { taskId, viewMode: "last_n_lines", nLines: 5 });
    expect(snapshot).toMatch(/^\[screen 100×30, cursor row \d+ col \d+, rows \d+–\d+\]/);
    expect(snapshot).toMatch(/^MCP-42$/m);
    await bad(client, "get_task_terminal_snapshot", { taskId, nLines: 0 }, /nLines/);

    // get_task_execution_status
    const status = await good(client, "get_task_execution_status", { taskId });
    expect(status).toMatch(new RegExp(`^Task ${taskId}: running`));
    expect(status).toMatch(/Terminal: running \(pid \d+\)/);
    await bad(client, "get_task_execution_status", { taskId: "bad id!" }, /taskId/);
    await bad(client, "get_task_execution_status", { taskId: "unknown-task" }, /No task with id unknown-task/);

    // update_task_status
    expect(await good(client, "update_task_status", { taskId, status: "review", message: "looks good" })).toMatch(/\[review \(looks good\)\]/);
    expect(h.services.tasks.get(taskId)).toMatchObject({ status: "review", statusMessage: "looks good" });
    await bad(client, "update_task_status", { taskId, status: "sleeping" }, /status/);

    // stop_task
    expect(await good(client, "stop_task", { taskId })).toMatch(/^Stopped task \S+: execution \S+ \(stopped/);
    await bad(client, "stop_task", { taskId }, /no running terminal/);
    await bad(client, "stop_task", { taskId, signal: "SIGFOO" }, /signal/);
    expect(await good(client, "get_task_terminal_output", { taskId, lines: 1 })).toMatch(/\[process exited by SIG\w+\]$/);
  });

  it("needs a taskId without AI_MANAGER_TASK_ID, and defaults to it when set", async () => {
    await bad(client, "get_task_execution_status", {}, /taskId is required: AI_MANAGER_TASK_ID is not set/);
    const task = h.services.tasks.create({ title: "mine", cwd: os.tmpdir() });
    const own = await connect({ AI_MANAGER_URL: h.origin, AI_MANAGER_INTERNAL_TOKEN: h.token, AI_MANAGER_TASK_ID: task.id });
    try {
      expect(await good(own.client, "get_task_execution_status")).toBe(`Task ${task.id}: todo\nTerminal: never started.`);
      await bad(own.client, "get_task_terminal_output", {}, /no live terminal session/);
    } finally {
      await own.client.close();
    }
  });

  it("reads the token from the data dir's internal-token file; says clearly when there is none or it is wrong", async () => {
    const fromFile = await connect({ AI_MANAGER_URL: h.origin, AI_MANAGER_DATA_DIR: h.services.dataDir });
    try {
      expect(await good(fromFile.client, "list_tasks")).toMatch(/task/);
    } finally {
      await fromFile.client.close();
    }
    const none = await connect({ AI_MANAGER_URL: h.origin, AI_MANAGER_DATA_DIR: path.join(os.tmpdir(), "aim-no-such-dir") });
    try {
      await bad(none.client, "list_tasks", {}, /No internal token: set AI_MANAGER_INTERNAL_TOKEN, or start AI Manager once/);
    } finally {
      await none.client.close();
    }
    const wrong = await connect({ AI_MANAGER_URL: h.origin, AI_MANAGER_INTERNAL_TOKEN: "not-the-token" });
    try {
      await bad(wrong.client, "list_tasks", {}, /bearer token is not valid.*Check AI_MANAGER_INTERNAL_TOKEN/);
    } finally {
      await wrong.client.close();
    }
  });
});

describe("MCP server when the app is not running", () => {
  it("answers every tool with a clear error result instead of crashing", async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const { client, stderr } = await connect({ AI_MANAGER_URL: `http://127.0.0.1:${port}`, AI_MANAGER_INTERNAL_TOKEN: "x".repeat(32) });
    try {
      const message = `AI Manager is not running at http://127.0.0.1:${port} (start it with npm start).`;
      expect(await call(client, "list_tasks")).toEqual({ text: message, isError: true });
      expect(await call(client, "get_task_terminal_output", { taskId: "t1", waitFor: "exit" })).toEqual({ text: message, isError: true });
      // Still alive and answering afterwards.
      expect((await client.listTools()).tools).toHaveLength(TOOLS.length);
      expect(stderr()).toContain("ready");
    } finally {
      await client.close();
    }
  });

  it("writes nothing but JSON-RPC messages on stdout; tool arguments that are not an object are invalid params", async () => {
    const child = spawn(process.execPath, [BIN], {
      cwd: os.tmpdir(),
      env: { NODE_ENV: "test", PATH: process.env.PATH ?? "", AI_MANAGER_URL: "http://127.0.0.1:9", AI_MANAGER_INTERNAL_TOKEN: "x".repeat(32) },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const lines = () => stdout.split("\n").filter(Boolean);
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "list_tasks", arguments: {} } });
    // Arguments that are not an object: invalid params, said in one sentence.
    send({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "list_tasks", arguments: null } });
    send({ jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "list_tasks", arguments: ["x"] } });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const deadline = Date.now() + 20_000;
    while (lines().length < 4 && Date.now() < deadline) await new Promise((r) => child.stdout.once("data", r));
    child.stdin.end(); // closing stdin ends the session
    expect(await exited).toBe(0);
    expect(lines()).toHaveLength(4);
    const answers = lines().map((line) => JSON.parse(line) as { jsonrpc: string; id: number; error?: { code: number; message: string } });
    for (const answer of answers) expect(answer).toMatchObject({ jsonrpc: "2.0" });
    const byId = new Map(answers.map((answer) => [answer.id, answer]));
    expect(byId.get(3)?.error).toEqual({ code: -32602, message: 'tools/call: "arguments" must be an object of the tool\'s parameters (or left out), not null.' });
    expect(byId.get(4)?.error).toMatchObject({ code: -32602, message: expect.stringContaining("not an array") });
  });
});
