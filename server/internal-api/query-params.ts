import { z } from "zod";

/** Query values arrive as strings; these turn them into checked numbers and booleans. */

/** A whole number in [min, max]; "1.5", "1e3" and " 7" are refused, not rounded. */
export function intParam(min: number, max: number) {
  return z
    .string()
    .regex(/^-?\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `must be at least ${min}`)
        .max(max, `must be at most ${max}`),
    );
}

export const boolParam = z
  .enum(["true", "false", "1", "0"], { error: "must be true or false" })
  .transform((value) => value === "true" || value === "1");

/** Same range checks for numbers in JSON bodies. */
export function intField(min: number, max: number) {
  return z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
}
