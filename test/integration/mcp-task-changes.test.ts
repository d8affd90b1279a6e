import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkspaceReviewService } from "../../src/workspace/review-service";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { createLandingRepo, type LandingRepo } from "../helpers/landing-repo";

const BIN = path.resolve(__dirname, "../../bin/ai-manager-mcp.mjs");
type ToolResult = { content: Array<{ type: string; text: string }>; isError?: boolean };

describe("MCP get_task_changes, against the running API", () => {
  let h: ApiHarness;
  let repo: LandingRepo;
  let client: Client;
  let taskId: string;
  let plainTaskId: string;

  beforeAll(async () => {
    h = await startApiHarness();
    repo = createLandingRepo();
    taskId = h.services.tasks.create({ title: "isolated", cwd: repo.ws.repoRoot }).id;
    plainTaskId = h.services.tasks.create({ title: "in place", cwd: os.tmpdir() }).id;
    h.services.review = new WorkspaceReviewService({
      workspaceOf: (id) => (id === taskId ? repo.ws : undefined),
    });
    repo.write("task", "README.md", "# repo\n\nline 3 edited\n");
    repo.commit("task", "edit");
    repo.write("task", "src/new file.ts", Array.from({ length: 30 }, (_, i) => `export const v${i} = ${i};`).join("\n") + "\n");
    repo.write("task", "logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN],
      env: { AI_MANAGER_URL: h.origin, AI_MANAGER_INTERNAL_TOKEN: h.token, AI_MANAGER_TASK_ID: taskId },
      cwd: os.tmpdir(),
      stderr: "pipe",
    });
    client = new Client({ name: "mcp-changes-test", version: "1.0.0" });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    await h?.close();
    repo?.cleanup();
  });

  async function call(args: Record<string, unknown>): Promise<{ text: string; isError: boolean }> {
    const result = (await client.callTool({ name: "get_task_changes", arguments: args })) as ToolResult;
    expect(result.content).toHaveLength(1);
    return { text: result.content[0]!.text, isError: result.isError === true };
  }

  it("lists the changed files with counts (taskId defaults to the agent's own task)", async () => {
    const { text, isError } = await call({});
    expect(isError, text).toBe(false);
    const lines = text.split("\n");
    expect(lines[0]).toMatch(new RegExp(`^\\[${repo.ws.branch} vs main \\(merge base [0-9a-f]{12}\\): 1 commit ahead, 0 behind; 3 files changed, \\+31 −1\\]$`));
    expect(text).toMatch(/^modified +\+1 −1 +README\.md {2}\(committed\)$/m);
    expect(text).toMatch(/^added +\+30 −0 +src\/new file\.ts {2}\(untracked\)$/m);
    expect(text).toMatch(/^added +binary +logo\.png {2}\(untracked\)$/m);
  });

  it("gives one file's unified diff as plain text, limited in lines", async () => {
    const full = await call({ taskId, path: "src/new file.ts" });
    expect(full.isError, full.text).toBe(false);
    expect(full.text).toMatch(/^\[src\/new file\.ts: unified diff, \d+ lines\]\ndiff --git /);
    expect(full.text).toContain("+export const v29 = 29;");
    const cut = await call({ taskId, path: "src/new file.ts", maxLines: 8 });
    expect(cut.text.split("\n")).toHaveLength(9);
    expect(cut.text.split("\n")[0]).toMatch(/lines 1–8 of \d+; ask with a larger maxLines/);
    expect((await call({ path: "logo.png" })).text).toBe("[logo.png: binary file changed; its diff is not shown]");
  });

  it("answers errors as tool errors with the API's message", async () => {
    const outside = await call({ path: "../../etc/passwd" });
    expect(outside).toMatchObject({ isError: true, text: expect.stringContaining("path:") });
    const plain = await call({ taskId: plainTaskId });
    expect(plain).toMatchObject({ isError: true, text: expect.stringContaining("no worktree") });
    const badArgs = await call({ maxLines: 0, path: "README.md" });
    expect(badArgs.isError).toBe(true);
  });
});
