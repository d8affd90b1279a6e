/**
 * Domain vocabularies shared by the database schema, the services and the UI.
 * Plain constants only: safe to import from client components.
 */

export const TASK_STATUSES = [
  "todo",
  "running",
  "needs_input",
  "review",
  "done",
  "failed",
  "interrupted",
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_STATUS_LABELS: Record<TaskStatus, string> = {
  todo: "To do",
  running: "Running",
  needs_input: "Needs input",
  review: "Review",
  done: "Done",
  failed: "Failed",
  interrupted: "Interrupted",
};

/** Statuses an agent may report through CALLBACK_URL. */
export const AGENT_STATUSES = ["running", "needs_input", "review", "done", "failed"] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const EXECUTION_STATUSES = ["running", "succeeded", "failed", "stopped", "interrupted"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** Stored as text (no CHECK in the schema): a new kind needs no migration. */
export const PROFILE_KINDS = ["claude", "codex", "gemini", "opencode", "aider", "shell", "custom"] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

export const PROMPT_DELIVERIES = ["args", "type"] as const;
export type PromptDelivery = (typeof PROMPT_DELIVERIES)[number];

export const PROMPT_PLACEHOLDER = "{prompt}";
