import { z } from "zod";
import { TASK_STATUSES } from "../domain";
import { hasNoNul, isWellFormedText, NUL_MESSAGE, SURROGATE_MESSAGE } from "./text-rules";
import { baseBranchChoiceSchema, baseBranchSchema, isolationChoiceSchema, isolationSchema } from "./workspace-schemas";

/** Input shapes for tasks, shared by server actions and the internal API. Client-safe. */


export const taskIdSchema = z
  .string({ error: "must be a task id" })
  .trim()
  .min(1, "must not be empty")
  .max(64, "is too long")
  .regex(/^[A-Za-z0-9_-]+$/, "is not a valid task id");
export type TaskId = z.infer<typeof taskIdSchema>;

export const titleSchema = z
  .string({ error: "must be text" })
  .trim()
  .min(1, "Title is required")
  .max(200, "Title must be at most 200 characters")
  .refine(hasNoNul, NUL_MESSAGE)
  .refine(isWellFormedText, SURROGATE_MESSAGE);

export const cwdSchema = z
  .string({ error: "must be text" })
  .trim()
  .min(1, "Working directory is required")
  .max(4096, "Working directory path is too long")
  .refine(hasNoNul, NUL_MESSAGE)
  .refine(isWellFormedText, SURROGATE_MESSAGE);

const descriptionSchema = z
  .string({ error: "must be text" })
  .max(20_000, "Description must be at most 20,000 characters")
  .refine(hasNoNul, NUL_MESSAGE)
  .refine(isWellFormedText, SURROGATE_MESSAGE);

export const promptSchema = z
  .string({ error: "must be text" })
  .max(100_000, "Prompt must be at most 100,000 characters")
  .refine(hasNoNul, NUL_MESSAGE)
  .refine(isWellFormedText, SURROGATE_MESSAGE);

const profileIdSchema = z.string().trim().min(1).max(64).nullable();

export const taskStatusSchema = z.enum(TASK_STATUSES, {
  error: `must be one of ${TASK_STATUSES.join(", ")}`,
});

export const createTaskSchema = z.object({
  title: titleSchema,
  description: descriptionSchema.default(""),
  prompt: promptSchema.default(""),
  cwd: cwdSchema,
  profileId: profileIdSchema.optional(),
  /** null: the `workspace.isolation` setting decides at the first start. */
  isolation: isolationSchema.nullable().optional(),
  /** null: the repository's current branch at the first start. */
  baseBranch: baseBranchSchema.nullable().optional(),
});
export type CreateTaskInput = z.input<typeof createTaskSchema>;

export const updateTaskSchema = z.object({
  title: titleSchema.optional(),
  description: descriptionSchema.optional(),
  prompt: promptSchema.optional(),
  cwd: cwdSchema.optional(),
  profileId: profileIdSchema.optional(),
  status: taskStatusSchema.optional(),
  isolation: isolationSchema.nullable().optional(),
  baseBranch: baseBranchSchema.nullable().optional(),
});
export type UpdateTaskInput = z.input<typeof updateTaskSchema>;

export const listTasksSchema = z.object({
  status: taskStatusSchema.optional(),
  /** A page, most recently updated first: at most `limit` tasks after the first `offset`. */
  limit: z.number().int().min(1).optional(),
  offset: z.number().int().min(0).optional(),
});

/** The profile select sends "" for "use the active profile". */
const profileChoiceSchema = z
  .string({ error: "must be a profile id" })
  .trim()
  .max(64, "is not a valid profile id")
  .transform((value) => (value === "" ? null : value))
  .nullable();

/** What the create and edit forms send. */
export const taskFormSchema = z.object({
  title: titleSchema,
  description: descriptionSchema.default(""),
  prompt: promptSchema.default(""),
  cwd: cwdSchema,
  profileId: profileChoiceSchema.optional(),
  /** "" (default), "worktree" or "none". */
  isolation: isolationChoiceSchema.optional(),
  /** "" for the repository's current branch. */
  baseBranch: baseBranchChoiceSchema.optional(),
});
export type TaskFormInput = z.input<typeof taskFormSchema>;

/**
 * What the edit form sends. The form sends every field, but an action is an endpoint anyone with
 * a session can call: a field left out keeps its value (with the create form's defaults, an edit
 * without `prompt` erased the task's prompt).
 */
export const taskEditFormSchema = taskFormSchema.extend({
  description: descriptionSchema.optional(),
  prompt: promptSchema.optional(),
});

export const setTaskStatusSchema = z.object({
  id: taskIdSchema,
  status: taskStatusSchema,
});
