import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { BufferData, InputData, SnapshotData, StatusData } from "../api-types";
import { formatBuffer, formatSnapshot, formatStatus } from "../format";
import { resultOf, taskIdArg, taskIdFor, taskPath, type ToolDeps } from "./tool-kit";

/**
 * Claude Code gives up on a tool call after ~60 s; the API allows 50 s of waiting, the tool 45 s,
 * leaving room for the round trip.
 */
export const MAX_TOOL_WAIT_MS = 45_000;
/** Added to a waiting read's own timeout for the HTTP request around it. */
const WAIT_MARGIN_MS = 5_000;
const DEFAULT_LINES = 50;

export function registerTerminalTools(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "get_task_terminal_output",
    {
      title: "Read a task's terminal output",
      description:
        "Reads what a task's terminal printed, as text (ANSI codes removed and progress bars reduced to their last state unless clean=false). " +
        "Default: the last 50 lines. Line numbers are absolute; pass since=<number from the header> to read only what came after. " +
        "Instead of polling, set waitFor: 'idle' (output quiet for idleMs), 'exit' (process ended) or 'pattern' (a JavaScript regex appears in new output); " +
        "the call returns when that happens or after timeoutMs (default 30000, at most 45000) and says which.",
      inputSchema: {
        taskId: taskIdArg,
        mode: z.enum(["tail", "head", "full", "head-tail"]).optional().describe("Which lines: tail (default), head, full (from `since`), head-tail."),
        lines: z.number().int().min(1).max(10_000).optional().describe("Lines for tail/head/head-tail (default 50); for full, the most lines returned (default 1000)."),
        since: z.number().int().min(0).optional().describe("Only lines numbered >= since (from a previous header's 'since=')."),
        clean: z.boolean().optional().describe("Strip escape codes and collapse rewrites (default true)."),
        waitFor: z.enum(["idle", "exit", "pattern"]).optional().describe("Wait for this before reading."),
        idleMs: z.number().int().min(10).max(MAX_TOOL_WAIT_MS).optional().describe("Quiet time that counts as idle (default 1000)."),
        pattern: z.string().min(1).max(500).optional().describe("JavaScript regex for waitFor=pattern, matched against the cleaned new output."),
        timeoutMs: z.number().int().min(0).max(MAX_TOOL_WAIT_MS).optional().describe("Longest wait in ms (default 30000)."),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      const task = taskIdFor(deps, args.taskId);
      if (!task.ok) return task.result;
      const mode = args.mode ?? "tail";
      const lines = args.lines ?? (mode === "full" ? undefined : DEFAULT_LINES);
      const waitMs = args.waitFor ? (args.timeoutMs ?? 30_000) : 0;
      const outcome = await deps.client.request<BufferData>("GET", taskPath(task.id, "/buffer"), {
        query: {
          mode,
          tailLines: mode === "tail" || mode === "head-tail" ? lines : undefined,
          headLines: mode === "head" || mode === "head-tail" ? lines : undefined,
          maxLines: mode === "full" ? lines : undefined,
          since: args.since,
          clean: args.clean ?? true,
          waitFor: args.waitFor,
          idleMs: args.idleMs,
          pattern: args.pattern,
          timeoutMs: args.waitFor ? waitMs : args.timeoutMs,
        },
        timeoutMs: waitMs + WAIT_MARGIN_MS + 10_000,
      });
      return resultOf(outcome, formatBuffer);
    },
  );

  server.registerTool(
    "send_task_terminal_input",
    {
      title: "Type into a task's terminal",
      description:
        "Sends input to a task's running terminal. mode 'line' (default) types the text and presses Enter — for shell commands and one-line answers. " +
        "'paste' sends it as a bracketed paste and then Enter — how to submit a prompt to Claude Code or another TUI, and for multi-line text. " +
        "'raw' sends exactly the characters given, no Enter: \\u0003 is Ctrl-C, \\u001b Esc, \\u001b[A arrow up, \\r Enter. " +
        "Then read the effect with get_task_terminal_output (e.g. waitFor='idle').",
      inputSchema: {
        taskId: taskIdArg,
        input: z.string().max(1_000_000).describe("The text or keys to send (at most 1 MB)."),
        mode: z.enum(["line", "paste", "raw"]).optional().describe("line (default), paste or raw."),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false },
    },
    async (args) => {
      const task = taskIdFor(deps, args.taskId);
      if (!task.ok) return task.result;
      const outcome = await deps.client.request<InputData>("POST", taskPath(task.id, "/input"), { body: { input: args.input, mode: args.mode } });
      return resultOf(outcome, (data) => `Sent ${data.bytesWritten} bytes to task ${task.id} (${data.mode} mode).${data.running ? "" : " The process has exited since."}`);
    },
  );

  server.registerTool(
    "get_task_execution_status",
    {
      title: "A task's terminal and agent status",
      description: "Whether a task's terminal is running (pid, exit code, times, viewers, size), the task's status and what its agent last reported.",
      inputSchema: { taskId: taskIdArg },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      const task = taskIdFor(deps, args.taskId);
      if (!task.ok) return task.result;
      return resultOf(await deps.client.request<StatusData>("GET", taskPath(task.id, "/status")), formatStatus);
    },
  );

  server.registerTool(
    "get_task_terminal_snapshot",
    {
      title: "What a task's terminal screen shows",
      description:
        "The screen as a person sees it now (from the server's terminal emulator) — the right view of full-screen programs (vi, less, top, agent TUIs). " +
        "viewMode: full (whole screen, default), last_line (last non-empty line at or above the cursor), last_n_lines (nLines up to the cursor), cursor_area (contextLines around the cursor).",
      inputSchema: {
        taskId: taskIdArg,
        viewMode: z.enum(["full", "last_line", "last_n_lines", "cursor_area"]).optional(),
        nLines: z.number().int().min(1).max(200).optional().describe("Rows for last_n_lines (default 10)."),
        contextLines: z.number().int().min(1).max(20).optional().describe("Rows above and below the cursor for cursor_area (default 3)."),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      const task = taskIdFor(deps, args.taskId);
      if (!task.ok) return task.result;
      const outcome = await deps.client.request<SnapshotData>("GET", taskPath(task.id, "/snapshot"), {
        query: { view_mode: args.viewMode, n_lines: args.nLines, context_lines: args.contextLines },
      });
      return resultOf(outcome, formatSnapshot);
    },
  );
}
