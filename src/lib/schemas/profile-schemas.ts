import { z } from "zod";
import { PROFILE_KINDS, PROMPT_DELIVERIES } from "../domain";
import { hasNoNul, NUL_MESSAGE } from "./text-rules";

/** Input shapes for CLI profiles. Client-safe. */

export const profileNameSchema = z
  .string({ error: "must be text" })
  .trim()
  .min(1, "Name is required")
  .max(100, "Name must be at most 100 characters")
  .refine(hasNoNul, NUL_MESSAGE);

export const profileCommandSchema = z
  .string({ error: "must be text" })
  .trim()
  .min(1, "Command is required")
  .max(4096, "Command is too long")
  .refine(hasNoNul, NUL_MESSAGE);

export const profileArgsSchema = z
  .array(z.string().max(100_000).refine(hasNoNul, NUL_MESSAGE), { error: "must be a list of strings" })
  .max(200, "at most 200 arguments");

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const profileEnvSchema = z
  .record(
    z.string().regex(ENV_NAME, "variable names are letters, digits and _ (not starting with a digit)"),
    z.string().max(100_000).refine(hasNoNul, NUL_MESSAGE),
    { error: "must be an object of string values" },
  )
  .refine((env) => Object.keys(env).length <= 200, "at most 200 variables");

export const profileInputSchema = z.object({
  name: profileNameSchema,
  kind: z.enum(PROFILE_KINDS, { error: `must be one of ${PROFILE_KINDS.join(", ")}` }).default("custom"),
  command: profileCommandSchema,
  args: profileArgsSchema.default([]),
  env: profileEnvSchema.default({}),
  promptDelivery: z
    .enum(PROMPT_DELIVERIES, { error: `must be one of ${PROMPT_DELIVERIES.join(", ")}` })
    .default("args"),
});
export type ProfileInput = z.input<typeof profileInputSchema>;
