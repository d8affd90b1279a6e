import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { InternalApiClient } from "./api-client";
import { registerSearchTools } from "./tools/search-tools";
import { registerTaskTools } from "./tools/task-tools";
import { registerTerminalTools } from "./tools/terminal-tools";
import { registerWorkspaceTools } from "./tools/workspace-tools";

export const SERVER_NAME = "ai-manager";

const INSTRUCTIONS =
  "Tools to drive AI Manager's task terminals: read output (get_task_terminal_output, with waitFor instead of polling), " +
  "see the screen (get_task_terminal_snapshot), type (send_task_terminal_input), check status, manage tasks, " +
  "and review what an isolated task changed in its worktree (get_task_changes). " +
  "taskId defaults to the task this agent runs in (AI_MANAGER_TASK_ID). Report your own progress with update_task_status.";

/** The MCP server with every tool registered; the caller connects it to a transport. */
export function buildMcpServer(options: { client: InternalApiClient; defaultTaskId?: string; version: string }): McpServer {
  const server = new McpServer({ name: SERVER_NAME, version: options.version }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
  const deps = { client: options.client, defaultTaskId: options.defaultTaskId };
  registerTerminalTools(server, deps);
  registerTaskTools(server, deps);
  registerWorkspaceTools(server, deps);
  registerSearchTools(server, deps);
  return server;
}
