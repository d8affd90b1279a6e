import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { estimateTokens } from "../../src/lib/terminal-text/ansi-clean";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { readBuffer, startTask } from "../helpers/api-calls";
import { makeTask, shellProfile } from "../helpers/test-services";

const BIN = path.resolve(__dirname, "../../bin/ai-manager-mcp.mjs");

type ToolResult = { content: Array<{ type: string; text: string }>; isError?: boolean };

/** `send_task_terminal_input` with a wait, through the real MCP server (stdio) against the real API. */
describe("MCP send_task_terminal_input: send and wait", () => {
  let h: ApiHarness;
  let client: Client;
  let taskId: string;

  beforeAll(async () => {
    h = await startApiHarness();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN],
      env: { AI_MANAGER_URL: h.origin, AI_MANAGER_INTERNAL_TOKEN: h.token },
      cwd: os.tmpdir(),
      stderr: "pipe",
    });
    client = new Client({ name: "mcp-send-wait-test", version: "1.0.0" });
    await client.connect(transport);
    taskId = makeTask(h.services, shellProfile(h.services), "shell").id;
    await startTask(h, taskId);
    const ready = await readBuffer(h, taskId, { waitFor: "pattern", pattern: "^\\$\\s*$", since: 0, timeoutMs: 10_000 });
    expect(ready.body.data.wait.satisfied, ready.text).toBe(true);
  });

  afterAll(async () => {
    await client?.close();
    await h?.close();
  });

  async function call(args: Record<string, unknown>): Promise<{ text: string; isError: boolean }> {
    const result = (await client.callTool({ name: "send_task_terminal_input", arguments: { taskId, ...args } })) as ToolResult;
    expect(result.content).toHaveLength(1);
    return { text: result.content[0]!.text, isError: result.isError === true };
  }

  it("describes the wait, readFrom and how to get an exit status", async () => {
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === "send_task_terminal_input")!;
    expect(Object.keys(tool.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(["input", "mode", "waitFor", "idleMs", "pattern", "flags", "timeoutMs", "outputMode", "headLines", "tailLines", "clean"]),
    );
    expect(tool.description).toMatch(/readFrom/);
    expect(tool.description).toMatch(/exit=\$\?/);
    const read = tools.find((t) => t.name === "get_task_terminal_output")!;
    expect(read.description).toMatch(/send_task_terminal_input/);
  });

  it("one call: a 10 000-line command's last lines and exit status, in a few hundred tokens", async () => {
    const { text, isError } = await call({ input: 'seq 1 10000; echo "exit=$?"', waitFor: "pattern", pattern: "^exit=\\d+$" });
    expect(isError, text).toBe(false);
    expect(text).toMatch(/^Sent \d+ bytes to task \S+ \(line mode\); output from line \d+:/);
    expect(text).toMatch(/\d+ lines not shown \(\d+–\d+\)/);
    expect(text).toMatch(/^9999\n10000\nexit=0$/m);
    expect(text).toContain('[pattern matched after');
    expect(text).toContain('"exit=0"');
    expect(text).not.toMatch(/\x1b/);
    expect(estimateTokens(text)).toBeLessThanOrEqual(400);
  });

  it("cuts very long lines in the answer", async () => {
    const { text } = await call({ input: "printf 'x%.0s' $(seq 1 3000); echo", waitFor: "prompt" });
    expect(text).toMatch(/^x{400}… \[2600 more chars\]$/m);
  });

  it("keeps error lines from the omitted middle, and shows the exit of the process", async () => {
    const { text } = await call({
      input: 'for i in $(seq 1 300); do echo "step $i"; [ $i = 100 ] && echo "npm ERR! code E404"; done; true',
      waitFor: "prompt",
      tailLines: 3,
    });
    expect(text).toMatch(/^\[error-like lines in the omitted part \(1\):\]\nline \d+: npm ERR! code E404\n\[prompt back after [\d.]+ s\]$/m);
    const exited = await call({ input: "exit 7", waitFor: "exit" });
    expect(exited.text).toMatch(/\[process exited after [\d.]+ s\]\n\[process exited with code 7\]$/);
  });

  it("without a wait, says where to read from; bad arguments are error results", async () => {
    const fresh = makeTask(h.services, shellProfile(h.services), "shell 2");
    await startTask(h, fresh.id);
    const result = (await client.callTool({ name: "send_task_terminal_input", arguments: { taskId: fresh.id, input: "echo hi" } })) as ToolResult;
    expect(result.content[0]!.text).toMatch(/^Sent \d+ bytes to task \S+ \(line mode\); its output starts at line \d+: read it with get_task_terminal_output since=\d+\.$/);
    const bad = (await client.callTool({ name: "send_task_terminal_input", arguments: { taskId: fresh.id, input: "x", waitFor: "pattern" } })) as ToolResult;
    expect(bad.isError).toBe(true);
    expect(bad.content[0]!.text).toMatch(/pattern: is required with waitFor=pattern/);
  });
});
