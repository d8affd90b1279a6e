import type { Locator } from "@playwright/test";

export interface TaskFields {
  title?: string;
  description?: string;
  prompt?: string;
  cwd?: string;
  /** The option's label, e.g. "Shell" or "Active profile (Claude Code)". */
  profile?: string;
  /** The option's label, e.g. "Own git worktree and branch" or "Default (from Settings)". */
  isolation?: string;
  baseBranch?: string;
}

/** Fills the task form inside `scope` (the New task or Edit task dialog); only the given fields. */
export async function fillTaskForm(scope: Locator, fields: TaskFields): Promise<void> {
  if (fields.title !== undefined) await scope.getByLabel("Title").fill(fields.title);
  if (fields.description !== undefined) await scope.getByLabel("Description").fill(fields.description);
  if (fields.prompt !== undefined) await scope.getByLabel("Prompt").fill(fields.prompt);
  if (fields.cwd !== undefined) await scope.getByLabel("Working directory").fill(fields.cwd);
  if (fields.profile !== undefined) await scope.getByLabel("CLI profile").selectOption({ label: fields.profile });
  if (fields.isolation !== undefined) await scope.getByLabel("Isolation").selectOption({ label: fields.isolation });
  if (fields.baseBranch !== undefined) await scope.getByLabel("Base branch").fill(fields.baseBranch);
}
