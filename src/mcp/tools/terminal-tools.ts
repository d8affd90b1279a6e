import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { BufferData, InputData, SnapshotData, StatusData } from "../api-types";
import { formatBuffer, formatInput, formatSnapshot, formatStatus } from "../format";
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
        "Instead of polling, set waitFor: 'idle' (output quiet for idleMs), 'exit' (process ended) or 'pattern' (a JavaScript regex appears in new output — newer than this call, or from since; ^ and $ match at line ends); " +
        "the call returns when that happens or after timeoutMs (default 30000, at most 45000) and says which. " +
        "To run a command and see its result, do not send and then wait here: output that comes before this call would be missed by a pattern wait. " +
        "Use send_task_terminal_input with waitFor instead (one call), or pass the readFrom it answered as since.",
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
      title: "Type into a task's terminal (and wait for the result)",
      description:
        "Sends input to a task's running terminal and, with waitFor, returns what it caused in the same call — use this instead of sending and then reading. " +
        "mode 'line' (default) types the text and presses Enter — for shell commands and one-line answers. " +
        "'paste' sends it as a bracketed paste and then Enter — how to submit a prompt to Claude Code or another TUI, and for multi-line text. " +
        "'raw' sends exactly the characters given, no Enter: \\u0003 is Ctrl-C, \\u001b Esc, \\u001b[A arrow up, \\r Enter. " +
        "waitFor: 'prompt' (the shell or REPL prompt the input was typed at is back: the command finished — the usual choice for shell commands), " +
        "'idle' (output quiet for idleMs), 'exit' (the process ended) or 'pattern' (a JavaScript regex; ^ and $ match at line ends; the echo of the typed line is ignored). " +
        "Output is read from the line position taken just before the input was written, so fast output is never missed: " +
        "by default the first 5 and last 15 lines, cleaned (lines cut at 400 characters), with the omitted count and any error-looking lines from the omitted middle with their line numbers. " +
        "For a shell command's exit status in one call, append an echo: input 'make test; echo \"exit=$?\"' with waitFor 'prompt' (or 'pattern' with pattern '^exit=\\d+$'). " +
        "Without waitFor the answer gives readFrom: pass it as since to get_task_terminal_output later (a pattern wait without since only sees output newer than itself).",
      inputSchema: {
        taskId: taskIdArg,
        input: z.string().max(1_000_000).describe("The text or keys to send (at most 1 MB)."),
        mode: z.enum(["line", "paste", "raw"]).optional().describe("line (default), paste or raw."),
        waitFor: z.enum(["prompt", "idle", "exit", "pattern"]).optional().describe("Wait for this after sending, then return the output the input caused."),
        idleMs: z.number().int().min(10).max(MAX_TOOL_WAIT_MS).optional().describe("Quiet time that counts as idle (default 1000)."),
        pattern: z.string().min(1).max(500).optional().describe("JavaScript regex for waitFor=pattern, matched against the cleaned output since the input."),
        flags: z.string().regex(/^[isu]*$/).max(3).optional().describe("Regex flags i, s, u (m is always on)."),
        timeoutMs: z.number().int().min(0).max(MAX_TOOL_WAIT_MS).optional().describe("Longest wait in ms (default 30000); on timeout you still get the output so far."),
        outputMode: z.enum(["head-tail", "tail", "head", "full"]).optional().describe("How the output is shown: head-tail (default), tail, head, full."),
        headLines: z.number().int().min(0).max(10_000).optional().describe("Lines from the start of the output (default 5)."),
        tailLines: z.number().int().min(0).max(10_000).optional().describe("Lines from the end of the output (default 15)."),
        clean: z.boolean().optional().describe("Strip escape codes and collapse rewrites (default true)."),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false },
    },
    async (args) => {
      const task = taskIdFor(deps, args.taskId);
      if (!task.ok) return task.result;
      const waiting = args.waitFor !== undefined;
      const read = waiting
        ? { mode: args.outputMode, headLines: args.headLines, tailLines: args.tailLines, clean: args.clean }
        : undefined;
      const waitMs = waiting ? (args.timeoutMs ?? 30_000) : 0;
      const outcome = await deps.client.request<InputData>("POST", taskPath(task.id, "/input"), {
        body: {
          input: args.input,
          mode: args.mode,
          waitFor: args.waitFor,
          idleMs: args.idleMs,
          pattern: args.pattern,
          flags: args.flags,
          timeoutMs: waiting ? waitMs : args.timeoutMs,
          read: read && Object.values(read).some((v) => v !== undefined) ? read : undefined,
        },
        timeoutMs: waitMs + WAIT_MARGIN_MS + 10_000,
      });
      return resultOf(outcome, (data) => formatInput(task.id, data));
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
