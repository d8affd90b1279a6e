import type { RunUsage } from "./format/run-usage";
import type { ProfileKind, PromptDelivery, TaskStatus } from "./domain";
import type { BuiltinAgentKind } from "./agent-clis";

/**
 * Plain shapes that server components hand to client components: only what the UI shows, with
 * dates as epoch milliseconds. Client-safe (no server imports).
 */

export interface BoardTask {
  id: string;
  title: string;
  /** The start of the description on one line (`descriptionPreview`), never the whole text. */
  preview: string;
  status: TaskStatus;
  cwd: string;
  /** `cwd` shortened for display (home as `~`, only the last segments). */
  cwdShort: string;
  /** Set only when the task pins a profile; null follows the active one. */
  profileName: string | null;
  updatedAt: number;
}

/** One status column of the board, shaped on the server. */
export interface BoardColumnData {
  status: TaskStatus;
  /** Tasks in this status that match the filter (all of them without one): the count it shows. */
  total: number;
  /** Most recently updated first; for a capped column the most recent BOARD_COLUMN_CAP, or as many as it was expanded to. */
  tasks: BoardTask[];
  /** The column is one of the capped end states and was asked for more than BOARD_COLUMN_CAP cards. */
  expanded: boolean;
  /** The column is one of the capped end states (it can be collapsed or expanded). */
  capped: boolean;
}

export interface BoardData {
  /** The columns to show, in status order. */
  columns: BoardColumnData[];
  /** Every task, whatever the filter. */
  taskCount: number;
  /** Tasks running or waiting for input, and those waiting for a person (the Inbox's), whatever the filter. */
  activeCount: number;
  needsInputCount: number;
  inboxCount: number;
  /** The filter the columns were shaped with (trimmed; "" for none). */
  query: string;
  /** Tasks matching `query` across every column, shown or not. */
  matchCount: number;
}

export interface ProfileOption {
  id: string;
  name: string;
  isActive: boolean;
}

export interface TaskFormValues {
  title: string;
  description: string;
  prompt: string;
  cwd: string;
  /** "" = the active profile. */
  profileId: string;
  /** "" = the Settings default, "worktree" or "none". */
  isolation: string;
  /** "" = the repository's current branch. */
  baseBranch: string;
}

export interface ProfileView {
  id: string;
  name: string;
  kind: ProfileKind;
  command: string;
  args: string[];
  env: Record<string, string>;
  promptDelivery: PromptDelivery;
  isActive: boolean;
}

/** One built-in agent CLI on the settings page: where it is installed and its profile. */
export interface AgentCliView {
  kind: BuiltinAgentKind;
  path: string | null;
  version: string | null;
  error?: string;
  /** The profile "Use" would activate, when one exists. */
  profileName: string | null;
  active: boolean;
}

/** One session in the session store, joined with its task: a tile (or an ended row) in Missions. */
export interface MissionSession {
  taskId: string;
  executionId: string;
  title: string;
  taskStatus: TaskStatus;
  cwd: string;
  cwdShort: string;
  /** The profile the task pins, or null when it follows the active one. */
  profileName: string | null;
  /** The process is alive (false: exited, kept until reaped so its screen can still be read). */
  running: boolean;
  exitCode: number | null;
  signal: string | null;
  startedAt: number;
  endedAt: number | null;
  /** When the process last printed anything; null if it never did. */
  lastOutputAt: number | null;
  /** Tokens and cost so far, from the agent's transcript (Claude runs); null: none reported. */
  usage: RunUsage | null;
}
