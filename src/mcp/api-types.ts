/**
 * The shapes of the internal API's `data`, as far as the MCP tools read them (see
 * docs/internal-api.md). Declared here rather than imported: the MCP server is a separate,
 * small process and must not load the app's server code.
 */

export interface BufferData {
  output: string;
  totalLines: number;
  firstLine: number;
  fromLine: number;
  toLine: number;
  nextReadFrom: number;
  hasMore: boolean;
  truncated: boolean;
  endsWithPartialLine: boolean;
  stats: { totalBytes: number; estimatedTokens: number; linesShown: number; linesOmitted: number };
  running: boolean;
  exitCode: number | null;
  signal: string | null;
  wait?: { condition: string; satisfied: boolean; reason: string; waitedMs: number; match?: string };
}

export interface SnapshotData {
  viewMode: string;
  lines: string[];
  startRow: number;
  cursor: { row: number; col: number };
  cursorVisible: boolean;
  size: { cols: number; rows: number };
  alternateScreen: boolean;
  running: boolean;
}

export interface StatusData {
  taskId: string;
  taskStatus: string;
  taskStatusMessage: string | null;
  live: boolean;
  running: boolean;
  pid: number | null;
  exitCode: number | null;
  signal: string | null;
  startedAt: string | null;
  endedAt: string | null;
  lastOutputAt: string | null;
  viewers: number;
  size: { cols: number; rows: number } | null;
  totalLines: number | null;
  executionId: string | null;
  executionStatus: string | null;
  profileName: string | null;
  commandLine: string | null;
  agentStatus: string | null;
  agentMessage: string | null;
  agentSessionId: string | null;
}

export interface TaskData {
  id: string;
  title: string;
  status: string;
  statusMessage: string | null;
  cwd: string;
  profileId: string | null;
  isolation?: "worktree" | "none" | null;
  baseBranch?: string | null;
  updatedAt: string;
}

export interface ExecutionData {
  id: string;
  taskId: string;
  status: string;
  pid: number | null;
  exitCode: number | null;
  signal: string | null;
  commandLine: string;
  profileName: string;
}

export interface InputData {
  mode: string;
  bytesWritten: number;
  running: boolean;
}
