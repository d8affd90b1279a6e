import { sql, type InferInsertModel, type InferSelectModel } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import {
  EXECUTION_STATUSES,
  PROFILE_KINDS,
  PROMPT_DELIVERIES,
  TASK_STATUSES,
  AGENT_STATUSES,
} from "../../lib/domain";
import { ISOLATION_MODES } from "../../workspace/types";

const now = sql`(cast(unixepoch('subsecond') * 1000 as integer))`;

export const cliProfiles = sqliteTable(
  "cli_profiles",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** What kind of agent this is: `claude` gets hooks, MCP config and `--resume`. */
    kind: text("kind", { enum: PROFILE_KINDS }).notNull().default("custom"),
    command: text("command").notNull(),
    /** JSON array of strings; `{prompt}` inside an element is replaced by the task's prompt. */
    args: text("args", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    /** JSON object of extra environment variables. */
    env: text("env", { mode: "json" }).$type<Record<string, string>>().notNull().default(sql`'{}'`),
    /** `args`: the prompt goes into the arguments; `type`: it is typed into the terminal once started. */
    promptDelivery: text("prompt_delivery", { enum: PROMPT_DELIVERIES }).notNull().default("args"),
    isActive: integer("is_active", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [
    uniqueIndex("cli_profiles_name_unique").on(t.name),
    // At most one active profile, enforced by the database itself.
    uniqueIndex("cli_profiles_one_active").on(t.isActive).where(sql`${t.isActive} = 1`),
  ],
);

export const tasks = sqliteTable(
  "tasks",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    prompt: text("prompt").notNull().default(""),
    cwd: text("cwd").notNull(),
    profileId: text("profile_id").references(() => cliProfiles.id, { onDelete: "set null" }),
    status: text("status", { enum: TASK_STATUSES }).notNull().default("todo"),
    /** Last message an agent reported through CALLBACK_URL. */
    statusMessage: text("status_message"),
    /** `worktree` or `none`; null: the `workspace.isolation` setting decides at the first start. */
    isolation: text("isolation", { enum: ISOLATION_MODES }),
    /** The branch an isolated task starts from; null: the repository's current branch at the first start. */
    baseBranch: text("base_branch"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [index("tasks_status_idx").on(t.status), index("tasks_updated_idx").on(t.updatedAt)],
);

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  /** JSON-encoded value, validated against the setting's definition when read and written. */
  value: text("value").notNull(),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
});

export const executions = sqliteTable(
  "executions",
  {
    id: text("id").primaryKey(),
    taskId: text("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    profileId: text("profile_id").references(() => cliProfiles.id, { onDelete: "set null" }),
    profileName: text("profile_name").notNull().default(""),
    commandLine: text("command_line").notNull(),
    cwd: text("cwd").notNull().default(""),
    status: text("status", { enum: EXECUTION_STATUSES }).notNull().default("running"),
    pid: integer("pid"),
    exitCode: integer("exit_code"),
    signal: text("signal"),
    /** The agent's own session id (Claude Code's), used to resume. */
    agentSessionId: text("agent_session_id"),
    /** The last status the agent reported through CALLBACK_URL, and its message. */
    agentStatus: text("agent_status", { enum: AGENT_STATUSES }),
    agentMessage: text("agent_message"),
    /** SHA-256 of the execution's callback secret; the secret itself is never stored. */
    callbackSecretHash: text("callback_secret_hash"),
    error: text("error"),
    startedAt: integer("started_at", { mode: "timestamp_ms" }).notNull().default(now),
    endedAt: integer("ended_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("executions_task_idx").on(t.taskId, t.startedAt),
    index("executions_status_idx").on(t.status),
  ],
);

/**
 * What a run's agent spent, read from its transcript (Claude Code's JSONL): one row per transcript
 * file a run reported (a `/clear` starts a new one; subagents write their own). `readOffset` is
 * where the next incremental read starts; `byModel` the de-duplicated token counts so far;
 * `recentMessages` the last message ids counted, so lines that repeat one (Claude writes one line
 * per content block) are not counted twice across reads and restarts.
 */
export const executionUsage = sqliteTable(
  "execution_usage",
  {
    executionId: text("execution_id")
      .notNull()
      .references(() => executions.id, { onDelete: "cascade" }),
    transcriptPath: text("transcript_path").notNull(),
    readOffset: integer("read_offset").notNull().default(0),
    byModel: text("by_model", { mode: "json" }).$type<Record<string, TokenCountsJson>>().notNull().default(sql`'{}'`),
    recentMessages: text("recent_messages", { mode: "json" }).$type<RecentMessageJson[]>().notNull().default(sql`'[]'`),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.executionId, t.transcriptPath] })],
);

/** Stored shapes of execution_usage's JSON columns (the costs module owns their meaning). */
export interface TokenCountsJson {
  input: number;
  output: number;
  cacheWrite: number;
  /** The part of cacheWrite written with the 1-hour lifetime (priced higher). */
  cacheWrite1h: number;
  cacheRead: number;
  messages: number;
}
export interface RecentMessageJson {
  id: string;
  model: string;
  counted: TokenCountsJson;
}

/**
 * An isolated task's worktree, recorded when it is created. The row goes with its task (cascade),
 * but the task delete flow (WorkspaceService.remove) deals with the worktree and branch first:
 * nothing on disk is removed by the cascade.
 */
export const taskWorkspaces = sqliteTable("task_workspaces", {
  taskId: text("task_id")
    .primaryKey()
    .references(() => tasks.id, { onDelete: "cascade" }),
  repoRoot: text("repo_root").notNull(),
  worktreePath: text("worktree_path").notNull(),
  branch: text("branch").notNull(),
  baseBranch: text("base_branch").notNull(),
  /** cwd relative to the repository root ("" for the root). */
  subdir: text("subdir").notNull().default(""),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull().default(now),
});

/** Per repository: what makes a new worktree ready to run. Absent row: the defaults. */
export const repoSettings = sqliteTable("repo_settings", {
  repoRoot: text("repo_root").primaryKey(),
  /** JSON array of repository-relative paths or simple globs copied into a new worktree. */
  copyFiles: text("copy_files", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  /** Run with `sh -c` in a new worktree before the agent; "" for none. */
  setupCommand: text("setup_command").notNull().default(""),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull().default(now),
});

export type CliProfile = InferSelectModel<typeof cliProfiles>;
export type NewCliProfile = InferInsertModel<typeof cliProfiles>;
export type Task = InferSelectModel<typeof tasks>;
export type NewTask = InferInsertModel<typeof tasks>;
export type SettingRow = InferSelectModel<typeof settings>;
export type Execution = InferSelectModel<typeof executions>;
export type NewExecution = InferInsertModel<typeof executions>;
export type TaskWorkspaceRow = InferSelectModel<typeof taskWorkspaces>;
export type RepoSettingsRow = InferSelectModel<typeof repoSettings>;
export type ExecutionUsageRow = InferSelectModel<typeof executionUsage>;
