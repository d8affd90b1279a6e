import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
// Plain types only (no runtime code): the MCP process never loads the app's server modules.
import type { ChangedFile, ChangesSummary, FileDiff } from "../../workspace/types";
import { resultOf, taskIdArg, taskIdFor, type ToolDeps } from "./tool-kit";

/** The API's own bound (MAX_DIFF_MAX_LINES); the API's default for agents is 500. */
const MAX_LINES = 100_000;

export function registerWorkspaceTools(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "get_task_changes",
    {
      title: "Read a task's changes",
      description:
        "What an isolated task (one running in its own git worktree) changed against its base branch: committed, uncommitted and untracked files. " +
        "Without path: the changed files with added/removed line counts. With path: that file's unified diff as plain text, limited to maxLines (default 500). " +
        "Use it to review another agent's work before it is merged.",
      inputSchema: {
        taskId: taskIdArg,
        path: z.string().min(1).max(4096).optional().describe("A file path relative to the repository root, as listed without path; gives that file's diff."),
        maxLines: z.number().int().min(1).max(MAX_LINES).optional().describe("Most diff lines to return (default 500)."),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      const task = taskIdFor(deps, args.taskId);
      if (!task.ok) return task.result;
      const base = `/api/internal/tasks/${encodeURIComponent(task.id)}/changes`;
      if (args.path === undefined) {
        if (args.maxLines !== undefined) {
          // maxLines only limits a diff: say so rather than ignore it.
          const outcome = await deps.client.request<ChangesSummary>("GET", base);
          return resultOf(outcome, (summary) => `${formatChanges(summary)}\n[maxLines applies only with path]`);
        }
        return resultOf(await deps.client.request<ChangesSummary>("GET", base), formatChanges);
      }
      const outcome = await deps.client.request<FileDiff>("GET", `${base}/diff`, { query: { path: args.path, maxLines: args.maxLines } });
      return resultOf(outcome, formatFileDiff);
    },
  );
}

/** `[branch ai/x vs main: 2 commits ahead, 0 behind; 3 files, +10 −2]` then one line per file. */
export function formatChanges(summary: ChangesSummary): string {
  const head =
    `[${summary.branch} vs ${summary.baseBranch} (merge base ${summary.mergeBase.slice(0, 12)}): ` +
    `${summary.commitsAhead} commit${summary.commitsAhead === 1 ? "" : "s"} ahead, ${summary.commitsBehind} behind; ` +
    `${summary.totals.files} file${summary.totals.files === 1 ? "" : "s"} changed, +${summary.totals.added} −${summary.totals.removed}]`;
  if (summary.files.length === 0) return `${head}\nNo changes.`;
  const lines = summary.files.map(formatFileLine);
  return [head, ...lines, "[read a file's diff with path=<file>]"].join("\n");
}

function formatFileLine(file: ChangedFile): string {
  const counts = file.binary ? "binary" : `+${file.added ?? 0} −${file.removed ?? 0}`;
  const where = [file.committed ? "committed" : "", file.uncommitted ? "uncommitted" : "", file.untracked ? "untracked" : ""].filter(Boolean).join(", ");
  const name = visible(file.oldPath ? `${file.oldPath} → ${file.path}` : file.path);
  return `${file.kind.padEnd(8)} ${counts.padEnd(12)} ${name}${where ? `  (${where})` : ""}`;
}

export function formatFileDiff(diff: FileDiff): string {
  if (diff.binary) return `[${visible(diff.path)}: binary file changed; its diff is not shown]`;
  if (diff.totalLines === 0) return `[${visible(diff.path)}: no changes against the merge base]`;
  const shown = diff.truncated ? diff.diff.split("\n").length - 1 : diff.totalLines;
  const note = diff.truncated ? `lines 1–${shown} of ${diff.totalLines}; ask with a larger maxLines for more` : `${diff.totalLines} lines`;
  return `[${visible(diff.path)}: unified diff, ${note}]\n${visible(diff.diff.replace(/\n$/, ""), true)}`;
}

/**
 * Plain text for an agent: control characters in file contents or names (escape sequences, NUL,
 * a stray CR) are written as `\xNN` instead of acting on a terminal; CRLF line ends become LF.
 * Names get their newlines escaped too, so one file stays one line.
 */
export function visible(text: string, keepNewlines = false): string {
  const controls = keepNewlines ? /[\x00-\x08\x0b-\x1f\x7f]/g : /[\x00-\x08\x0a-\x1f\x7f]/g;
  const source = keepNewlines ? text.replace(/\r\n/g, "\n") : text;
  return source.replace(controls, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
