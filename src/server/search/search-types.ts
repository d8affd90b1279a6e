/**
 * The shapes of output search, shared by the worker, the service, the internal API, the search
 * page and (through `import type`) the MCP server. Types only: no runtime code, no imports.
 */

/** What to look for, and which part of the results to return. */
export interface SearchSpec {
  query: string;
  /** `query` is a JavaScript regular expression (else plain text). */
  regex: boolean;
  caseSensitive: boolean;
  /** Lines of context before and after each match. */
  context: number;
  /** First line to search (absolute line number, as the buffer API numbers lines). */
  since: number;
  /** Matches returned; the ones after are counted and the first of them is `nextFrom`. */
  maxMatches: number;
}

/** One matching line: its clean text (cut around the match when long) and its context. */
export interface SearchHit {
  /** Absolute line number: `GET …/buffer?since=<line>&maxLines=1&clean=true` returns this line. */
  line: number;
  text: string;
  /** Where the match starts in `text` (UTF-16 units) and how long it is. */
  column: number;
  length: number;
  /** Up to `context` lines before (lines before..line-1, oldest first) and after. */
  before: string[];
  after: string[];
}

/** The answer of a search in one run. */
export interface RunSearchView {
  taskId: string;
  executionId: string;
  /** `live`: the running session's recording plus its in-memory log; `recording`: a finished run's file. */
  source: "live" | "recording";
  running: boolean;
  query: SearchSpec;
  matches: SearchHit[];
  /** Matching lines from `since` on, among the lines searched (see `complete`). */
  totalMatches: number;
  /** More matches than returned: read the next page with `since=nextFrom`. */
  hasMore: boolean;
  nextFrom: number | null;
  /** Every line was searched (false: the time budget ran out at `searchedToLine`). */
  complete: boolean;
  /** Lines searched are [since, searchedToLine). */
  searchedToLine: number;
  /** Lines of the run that could not be searched: cut from the recording (its size cap) and already gone from the live log. */
  unsearchable: { fromLine: number; toLine: number } | null;
}

/** One run in a search across all tasks. */
export interface RunHitsView {
  taskId: string;
  taskTitle: string;
  executionId: string;
  startedAt: string;
  status: string;
  source: "live" | "recording";
  matches: SearchHit[];
  totalMatches: number;
  complete: boolean;
}

export interface GlobalSearchView {
  query: Omit<SearchSpec, "since">;
  runs: RunHitsView[];
  /** Runs searched in this page (with or without a match). */
  runsSearched: number;
  /** Runs of this page whose recording could not be read (damaged): skipped, the others searched. */
  unreadable: Array<{ taskId: string; taskTitle: string; executionId: string; message: string }>;
  /** Pass as `offset` for the next page of runs (newest first), or null when every run was searched. */
  nextOffset: number | null;
}
