import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { TASK_STATUSES } from "../../lib/domain";
import { STOP_SIGNALS } from "../../terminal/host/signals";
import type { ExecutionData, TaskData } from "../api-types";
import { formatExecution, formatTaskLine, formatTaskList } from "../format";
import { resultOf, taskIdArg, taskIdFor, taskPath, type ToolDeps } from "./tool-kit";

/** Tasks per list_tasks answer unless asked otherwise: a page an agent reads whole, not thousands of lines. */
const TASK_LIST_PAGE = 50;
const MAX_TASK_LIST_PAGE = 200;

export function registerTaskTools(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "list_tasks",
    {
      title: "List tasks",
      description: `Lists AI Manager's tasks, most recently updated first: id, status, title, working directory. At most ${TASK_LIST_PAGE} at a time (limit); the answer says how to get the next ones (offset).`,
      inputSchema: {
        status: z.enum(TASK_STATUSES).optional().describe("Only tasks with this status."),
        limit: z.number().int().min(1).max(MAX_TASK_LIST_PAGE).optional().describe(`How many tasks (default ${TASK_LIST_PAGE}, at most ${MAX_TASK_LIST_PAGE}).`),
        offset: z.number().int().min(0).optional().describe("Skip this many (the most recently updated ones) first; default 0."),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      const limit = args.limit ?? TASK_LIST_PAGE;
      const offset = args.offset ?? 0;
      // One more than asked: whether a next page exists, without counting every task.
      const query = { status: args.status, limit: String(limit + 1), offset: String(offset) };
      const outcome = await deps.client.request<TaskData[]>("GET", "/api/internal/tasks", { query });
      return resultOf(outcome, (tasks) => formatTaskList(tasks.slice(0, limit), { status: args.status, offset, more: tasks.length > limit }));
    },
  );

  server.registerTool(
    "create_task",
    {
      title: "Create a task",
      description: "Creates a task (status todo). It does not start: call start_task with the returned id.",
      inputSchema: {
        title: z.string().trim().min(1).max(200).describe("Short title."),
        cwd: z.string().min(1).max(4096).describe("Absolute path of an existing directory the task runs in."),
        prompt: z.string().max(100_000).optional().describe("What the task's agent is asked to do."),
        description: z.string().max(20_000).optional(),
        profile: z.string().min(1).max(200).optional().describe("CLI profile name or id (e.g. 'Claude Code', 'Shell'); default: the active one."),
        isolation: z
          .enum(["worktree", "none"])
          .optional()
          .describe("worktree: the task gets its own git branch and worktree at its first start (when cwd is in a git repository); none: it runs in cwd. Default: the Settings default."),
        baseBranch: z
          .string()
          .trim()
          .min(1)
          .max(200)
          .regex(/^[^-]/, "must not start with -")
          .optional()
          .describe("Branch an isolated task starts from (must exist); default: the repository's current branch."),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    async (args) => {
      const outcome = await deps.client.request<TaskData>("POST", "/api/internal/tasks", { body: args });
      return resultOf(outcome, (task) =>
          `Created task ${task.id} "${task.title}" in ${task.cwd} (status ${task.status}${task.isolation ? `, isolation ${task.isolation}` : ""}${task.baseBranch ? ` from ${task.baseBranch}` : ""}). Start it with start_task.`);
    },
  );

  server.registerTool(
    "start_task",
    {
      title: "Start a task's terminal",
      description: "Starts the task's CLI profile (e.g. Claude Code with the prompt) in a new terminal. Fails if it is already running or the concurrency limit is reached.",
      inputSchema: {
        taskId: taskIdArg,
        prompt: z.string().max(100_000).optional().describe("Replaces the task's prompt for this and later runs."),
        cols: z.number().int().min(1).max(1000).optional(),
        rows: z.number().int().min(1).max(500).optional(),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    async (args) => {
      const task = taskIdFor(deps, args.taskId);
      if (!task.ok) return task.result;
      const { taskId: _ignored, ...body } = args;
      const outcome = await deps.client.request<ExecutionData>("POST", taskPath(task.id, "/start"), { body });
      return resultOf(outcome, (execution) => formatExecution("Started", task.id, execution));
    },
  );

  server.registerTool(
    "stop_task",
    {
      title: "Stop a task's terminal",
      description: "Stops the task's running terminal and everything it started (the signal, default SIGTERM, then SIGKILL after 2 s).",
      inputSchema: { taskId: taskIdArg, signal: z.enum(STOP_SIGNALS).optional() },
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false },
    },
    async (args) => {
      const task = taskIdFor(deps, args.taskId);
      if (!task.ok) return task.result;
      const outcome = await deps.client.request<ExecutionData>("POST", taskPath(task.id, "/stop"), {
        body: args.signal ? { signal: args.signal } : {},
        timeoutMs: 30_000,
      });
      return resultOf(outcome, (execution) => formatExecution("Stopped", task.id, execution));
    },
  );

  server.registerTool(
    "update_task_status",
    {
      title: "Set a task's status",
      description:
        "Sets a task's status on the board, with an optional short message (shown on its card; omitting it clears the old one). " +
        "Report review when work is ready for a person, done when finished, needs_input when blocked on a question, failed when it cannot be done.",
      inputSchema: {
        taskId: taskIdArg,
        status: z.enum(TASK_STATUSES),
        message: z.string().max(2_000).optional().describe("One line for the person, e.g. 'tests pass, ready to merge'."),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const task = taskIdFor(deps, args.taskId);
      if (!task.ok) return task.result;
      const outcome = await deps.client.request<TaskData>("PATCH", `/api/internal/tasks/${encodeURIComponent(task.id)}`, {
        body: { status: args.status, statusMessage: args.message ?? null },
      });
      return resultOf(outcome, (updated) => `Updated: ${formatTaskLine(updated)}`);
    },
  );
}
