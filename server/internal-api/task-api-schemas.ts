import { z } from "zod";
import { intParam } from "./query-params";
import { TASK_STATUSES } from "../../src/lib/domain";
import { cwdSchema, promptSchema, titleSchema } from "../../src/lib/schemas/task-schemas";
import { baseBranchSchema, isolationSchema } from "../../src/lib/schemas/workspace-schemas";
import { hasNoNul, isWellFormedText, NUL_MESSAGE, SURROGATE_MESSAGE } from "../../src/lib/schemas/text-rules";

/** Internal API bodies for tasks. Profiles are named by name or id (agents know names). */

const profileRefSchema = z.string({ error: "must be a profile name or id" }).trim().min(1, "must not be empty").max(200, "is too long");
const descriptionSchema = z
  .string({ error: "must be text" })
  .max(20_000, "must be at most 20,000 characters")
  .refine(hasNoNul, NUL_MESSAGE)
  .refine(isWellFormedText, SURROGATE_MESSAGE);
export const MAX_STATUS_MESSAGE_CHARS = 2_000;
const statusMessageSchema = z
  .string({ error: "must be text" })
  .max(MAX_STATUS_MESSAGE_CHARS, `must be at most ${MAX_STATUS_MESSAGE_CHARS} characters`)
  .refine(hasNoNul, NUL_MESSAGE)
  .refine(isWellFormedText, SURROGATE_MESSAGE)
  .transform((value) => (value.trim() === "" ? null : value.trim()))
  .nullable();
const statusSchema = z.enum(TASK_STATUSES, { error: `must be one of ${TASK_STATUSES.join(", ")}` });

/** Most tasks one list answer carries when paged (`limit`); without `limit`, every task. */
export const MAX_TASK_PAGE = 1_000;
export const listTasksQuerySchema = z.strictObject({
  status: statusSchema.optional(),
  limit: intParam(1, MAX_TASK_PAGE).optional(),
  offset: intParam(0, Number.MAX_SAFE_INTEGER).optional(),
});

export const createTaskBodySchema = z.strictObject({
  title: titleSchema,
  cwd: cwdSchema,
  prompt: promptSchema.optional(),
  description: descriptionSchema.optional(),
  profile: profileRefSchema.optional(),
  /** `worktree` or `none`; absent or null: the Settings default at the first start. */
  isolation: isolationSchema.nullable().optional(),
  /** The branch an isolated task starts from; absent or null: the repository's current branch. */
  baseBranch: baseBranchSchema.nullable().optional(),
});

/** PATCH: any subset; `profile: null` goes back to the active profile; `statusMessage: null` clears it. */
export const updateTaskBodySchema = z
  .strictObject({
    title: titleSchema.optional(),
    cwd: cwdSchema.optional(),
    prompt: promptSchema.optional(),
    description: descriptionSchema.optional(),
    profile: profileRefSchema.nullable().optional(),
    status: statusSchema.optional(),
    statusMessage: statusMessageSchema.optional(),
    isolation: isolationSchema.nullable().optional(),
    baseBranch: baseBranchSchema.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "nothing to update: give at least one field");
