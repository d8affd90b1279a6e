import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { createTempRepo, type TempRepo } from "../helpers/git-repo";

const BIN = path.resolve(__dirname, "../../bin/ai-manager-mcp.mjs");

type ToolResult = { content: Array<{ type: string; text: string }>; isError?: boolean };

describe("MCP create_task: isolation and baseBranch", () => {
  let h: ApiHarness;
  let client: Client;
  let repo: TempRepo;

  beforeAll(async () => {
    h = await startApiHarness();
    repo = createTempRepo();
    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN], env: { AI_MANAGER_URL: h.origin, AI_MANAGER_INTERNAL_TOKEN: h.token }, cwd: os.tmpdir(), stderr: "pipe" });
    client = new Client({ name: "mcp-workspaces-test", version: "1.0.0" });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    await h?.close();
    repo?.dispose();
  });

  async function call(args: Record<string, unknown>): Promise<{ text: string; isError: boolean }> {
    const result = (await client.callTool({ name: "create_task", arguments: args })) as ToolResult;
    return { text: result.content[0]!.text, isError: result.isError === true };
  }

  it("takes isolation and baseBranch, and says so", async () => {
    const created = await call({ title: "isolated via MCP", cwd: repo.root, isolation: "worktree", baseBranch: "main" });
    expect(created.isError, created.text).toBe(false);
    expect(created.text).toContain("isolation worktree from main");
    const id = /Created task (\S+)/.exec(created.text)![1]!;
    expect(h.services.tasks.get(id)).toMatchObject({ isolation: "worktree", baseBranch: "main" });
  });

  it("refuses a bad isolation and an option-like base branch", async () => {
    const badIsolation = await call({ title: "x", cwd: repo.root, isolation: "always" });
    expect(badIsolation.isError).toBe(true);
    expect(badIsolation.text).toMatch(/isolation/);
    const badBase = await call({ title: "x", cwd: repo.root, baseBranch: "--upload-pack=x" });
    expect(badBase.isError).toBe(true);
    expect(badBase.text).toMatch(/must not start with -|baseBranch/);
  });
});
