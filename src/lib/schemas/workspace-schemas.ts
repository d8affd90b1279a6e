import { z } from "zod";
import { ISOLATION_MODES } from "../../workspace/types";
import { hasNoNul, isWellFormedText, NUL_MESSAGE, SURROGATE_MESSAGE } from "./text-rules";

/** Input shapes for workspaces and repository settings. Client-safe. */

export const isolationSchema = z.enum(ISOLATION_MODES, { error: `must be one of ${ISOLATION_MODES.join(", ")}` });

/**
 * A base branch as typed: shape only (the service asks git whether it is valid and exists at the
 * first start). Leading `-` is refused here so it can never reach git as an option.
 */
export const baseBranchSchema = z
  .string({ error: "must be a branch name" })
  .trim()
  .max(200, "is too long")
  .refine((value) => !value.startsWith("-"), "must not start with -")
  .refine((value) => !/[\u0000-\u001f\u007f\s~^:?*[\\]/.test(value), "is not a valid branch name");

/** The form's select: "" is "use the Settings default". */
export const isolationChoiceSchema = z
  .enum(["", ...ISOLATION_MODES], { error: `must be default, ${ISOLATION_MODES.join(" or ")}` })
  .transform((value) => (value === "" ? null : value));

/** A form's base branch field: "" is "the repository's current branch". */
export const baseBranchChoiceSchema = z
  .union([z.literal(""), baseBranchSchema])
  .transform((value) => (value === "" ? null : value));

export const MAX_COPY_FILES = 50;

/**
 * One entry of a repository's copy list: a repository-relative path, or a simple glob (`*` and `?`
 * inside one path step; no `**`). Never absolute, never `.` or `..` steps.
 */
export const copyFilePatternSchema = z
  .string({ error: "must be a path" })
  .trim()
  .min(1, "must not be empty")
  .max(500, "is too long")
  .refine((value) => !value.startsWith("/") && !value.startsWith("~"), "must be relative to the repository root")
  .refine((value) => !/[\u0000-\u001f\u007f\\]/.test(value), "must not contain control characters or backslashes")
  .refine((value) => value.split("/").every((step) => step !== "" && step !== "." && step !== ".."), "must not contain empty, . or .. steps")
  .refine((value) => !value.includes("**"), "** is not supported: name each directory");

export const setupCommandSchema = z
  .string({ error: "must be text" })
  .max(4_000, "must be at most 4,000 characters")
  .refine(hasNoNul, NUL_MESSAGE);

export const repoSettingsInputSchema = z.object({
  copyFiles: z.array(copyFilePatternSchema).max(MAX_COPY_FILES, `at most ${MAX_COPY_FILES} entries`),
  setupCommand: setupCommandSchema.transform((value) => value.trim()),
});
export type RepoSettingsInput = z.input<typeof repoSettingsInputSchema>;

/** The Settings form sends the copy list as text, one entry a line. */
export const repoSettingsFormSchema = z.object({
  repoRoot: z.string().trim().min(1, "is required").max(4096, "is too long"),
  copyFiles: z
    .string({ error: "must be text" })
    .max(20_000, "is too long")
    .transform((text) =>
      text
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line.length > 0),
    ),
  setupCommand: setupCommandSchema,
});

export const removeWorkspaceSchema = z.object({
  removeWorktree: z.boolean(),
  deleteBranch: z.boolean(),
  confirmLoss: z.boolean(),
});
export type RemoveWorkspaceOptions = z.infer<typeof removeWorkspaceSchema>;

/**
 * A kept worktree's directory as Settings listed it. Not trimmed: it is compared with the listed
 * paths exactly, and anything that is not one of them is refused by the service.
 */
export const keptWorktreePathSchema = z
  .string({ error: "must be a path" })
  .min(1, "is required")
  .max(4096, "is too long")
  .refine(hasNoNul, NUL_MESSAGE)
  .refine(isWellFormedText, SURROGATE_MESSAGE);

export const removeKeptWorktreeSchema = z.object({ confirmLoss: z.boolean() });
export type RemoveKeptWorktreeOptions = z.infer<typeof removeKeptWorktreeSchema>;

/** Default copy list for a repository without settings: its root's `.env*` files (git-ignored ones, in practice). */
export const DEFAULT_COPY_FILES: readonly string[] = [".env*"];
