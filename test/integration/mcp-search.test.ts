import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { startTask, waitForExit } from "../helpers/api-calls";
import { commandProfile, makeTask } from "../helpers/test-services";

const BIN = path.resolve(__dirname, "../../bin/ai-manager-mcp.mjs");
type ToolResult = { content: Array<{ type: string; text: string }>; isError?: boolean };

/** MCP search_task_terminal_output over the real MCP binary and a real run. */
describe("MCP search_task_terminal_output", () => {
  let h: ApiHarness;
  let client: Client;
  let taskId: string;

  beforeAll(async () => {
    h = await startApiHarness();
    const script = 'for i in $(seq 1 40); do if [ $((i % 10)) = 0 ]; then echo "ERROR step $i failed"; else echo "ok $i"; fi; done';
    const task = makeTask(h.services, commandProfile(h.services, "steps", "/bin/bash", ["--norc", "--noprofile", "-c", script]), "steps");
    taskId = task.id;
    await startTask(h, taskId);
    await waitForExit(h, taskId);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN],
      env: { AI_MANAGER_URL: h.origin, AI_MANAGER_INTERNAL_TOKEN: h.token, AI_MANAGER_TASK_ID: taskId },
      cwd: os.tmpdir(),
      stderr: "pipe",
    });
    client = new Client({ name: "mcp-search-test", version: "1.0.0" });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    await h?.close();
  });

  async function call(args: Record<string, unknown>): Promise<{ text: string; isError: boolean }> {
    const result = (await client.callTool({ name: "search_task_terminal_output", arguments: args })) as ToolResult;
    expect(result.content).toHaveLength(1);
    return { text: result.content[0]!.text, isError: result.isError === true };
  }

  it("answers grep-style lines with absolute numbers, context, the count and how to page", async () => {
    const first = await call({ query: "error", maxMatches: 2, context: 1 });
    expect(first.isError, first.text).toBe(false);
    const executionId = h.services.executions.latestForTask(taskId)!.id;
    expect(first.text.split("\n")).toEqual([
      `[4 matching lines for "error" in run ${executionId} (exited); showing 2, up to line 19]`,
      "8-ok 9",
      "9:ERROR step 10 failed",
      "10-ok 11",
      "--",
      "18-ok 19",
      "19:ERROR step 20 failed",
      "20-ok 21",
      "[more: call again with since=29]",
    ]);
    const next = await call({ query: "ERROR step \\d+", regex: true, caseSensitive: true, since: 29, context: 0 });
    expect(next.text.split("\n")).toEqual([
      `[2 matching lines for "ERROR step \\\\d+" (regex) (case-sensitive) from line 29 in run ${executionId} (exited); showing 2, up to line 39]`,
      "29:ERROR step 30 failed",
      "39:ERROR step 40 failed",
    ]);
    const none = await call({ query: "no such text" });
    expect(none.text).toBe(`[no match for "no such text" in run ${executionId} (exited); lines 0–40 searched]`);
  });

  it("answers a bad pattern as a tool error naming the field", async () => {
    const bad = await call({ query: "(", regex: true });
    expect(bad).toMatchObject({ isError: true, text: expect.stringContaining("q: is not a valid regular expression") });
  });
});
