import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { RunSearchView, SearchHit } from "../../server/search/search-types";
import { resultOf, taskIdArg, taskIdFor, taskPath, type ToolDeps } from "./tool-kit";

/** Fewer matches per call than the API's default: an agent pages on when it needs more. */
const DEFAULT_TOOL_MATCHES = 20;
/** The server answers within its own 20 s budget; this leaves room for the round trip and a queue. */
const SEARCH_REQUEST_TIMEOUT_MS = 40_000;

export function registerSearchTools(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "search_task_terminal_output",
    {
      title: "Search a task's terminal output",
      description:
        "Finds lines in a task's terminal output — the whole run, also what scrolled out of the buffer long ago (it searches the run's recording) — and returns grep-style results: " +
        "'N:' matching lines and 'N-' context lines, N being the absolute line number that get_task_terminal_output's since=N reads from. " +
        "Plain text and case-insensitive by default; regex=true takes a JavaScript regular expression. " +
        "When more matches exist the answer says which since= to pass for the next page. executionId searches an earlier run of the task.",
      inputSchema: {
        taskId: taskIdArg,
        query: z.string().min(1).max(500).describe("Text to find (or a regex with regex=true)."),
        regex: z.boolean().optional().describe("Treat query as a JavaScript regular expression (default false)."),
        caseSensitive: z.boolean().optional().describe("Match case exactly (default false)."),
        since: z.number().int().min(0).optional().describe("Search from this line number on (a previous answer's next page)."),
        maxMatches: z.number().int().min(1).max(500).optional().describe(`Matches returned (default ${DEFAULT_TOOL_MATCHES}); the rest are counted.`),
        context: z.number().int().min(0).max(10).optional().describe("Lines of context before and after each match (default 2)."),
        executionId: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be an execution id")
          .optional()
          .describe("An earlier run of the task (from get_task_execution_status); default: the current or latest run."),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      const task = taskIdFor(deps, args.taskId);
      if (!task.ok) return task.result;
      const outcome = await deps.client.request<RunSearchView>("GET", taskPath(task.id, "/search"), {
        query: {
          q: args.query,
          regex: args.regex,
          caseSensitive: args.caseSensitive,
          since: args.since,
          maxMatches: args.maxMatches ?? DEFAULT_TOOL_MATCHES,
          context: args.context,
          executionId: args.executionId,
        },
        timeoutMs: SEARCH_REQUEST_TIMEOUT_MS,
      });
      return resultOf(outcome, formatSearch);
    },
  );
}

/**
 * grep's layout, which agents know: `N:` a matching line, `N-` context, `--` between groups that
 * do not touch (when there is context). Overlapping context is printed once.
 */
export function formatSearch(data: RunSearchView): string {
  const { query } = data;
  const what = `${JSON.stringify(query.query)}${query.regex ? " (regex)" : ""}${query.caseSensitive ? " (case-sensitive)" : ""}`;
  const run = `run ${data.executionId} (${data.source === "live" ? (data.running ? "running" : "exited") : "recording"})`;
  const from = query.since > 0 ? ` from line ${query.since}` : "";
  const header: string[] = [];
  if (data.totalMatches === 0) header.push(`[no match for ${what}${from} in ${run}; lines ${query.since}–${data.searchedToLine} searched]`);
  else {
    const last = data.matches.at(-1)!;
    header.push(`[${data.totalMatches} matching line${data.totalMatches === 1 ? "" : "s"} for ${what}${from} in ${run}; showing ${data.matches.length}, up to line ${last.line}]`);
  }
  const notes: string[] = [];
  if (!data.complete) notes.push(`[the search stopped at line ${data.searchedToLine} (time budget): more lines may match]`);
  if (data.unsearchable) notes.push(`[lines ${data.unsearchable.fromLine}–${data.unsearchable.toLine} could not be searched: cut from the recording and gone from the live buffer]`);
  if (data.hasMore && data.nextFrom !== null) notes.push(`[more: call again with since=${data.nextFrom}]`);
  return [...header, ...grepLines(data.matches, query.context > 0), ...notes].join("\n");
}

function grepLines(matches: SearchHit[], separate: boolean): string[] {
  const rows = new Map<number, { text: string; match: boolean }>();
  for (const hit of matches) {
    hit.before.forEach((text, i) => {
      const n = hit.line - hit.before.length + i;
      if (!rows.has(n)) rows.set(n, { text, match: false });
    });
    rows.set(hit.line, { text: hit.text, match: true });
    hit.after.forEach((text, i) => {
      const n = hit.line + 1 + i;
      if (!rows.get(n)?.match) rows.set(n, { text, match: false });
    });
  }
  const out: string[] = [];
  let previous: number | undefined;
  for (const n of [...rows.keys()].sort((a, b) => a - b)) {
    if (separate && previous !== undefined && n > previous + 1) out.push("--");
    const row = rows.get(n)!;
    out.push(`${n}${row.match ? ":" : "-"}${row.text}`);
    previous = n;
  }
  return out;
}
