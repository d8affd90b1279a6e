import type { z } from "zod";
import { AppError } from "../../src/lib/errors";
import { taskIdSchema } from "../../src/lib/schemas/task-schemas";

type Issue = { path: PropertyKey[]; message: string };

/**
 * Parses a query or a body with its schema. A failure is a 400 whose message names each bad
 * field ("tailLines: must be at most 10000"); a problem with the whole object (an unknown key,
 * a missing body) is named after `where`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: "query" | "body"): z.output<S> {
  if (value === undefined && where === "body") {
    throw new AppError("bad_request:body", "body: this route needs a JSON object body (content-type: application/json)");
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError(`bad_request:${where}`, describe(parsed.error.issues, where));
}

function describe(issues: ReadonlyArray<Issue>, where: string): string {
  const parts = issues.slice(0, 5).map((issue) => {
    const field = issue.path.map(String).join(".");
    return `${field || where}: ${issue.message}`;
  });
  return parts.join("; ") || `Invalid ${where}`;
}

/** The query as an object of strings; a parameter given twice is refused rather than guessed at. */
export function queryObject(query: URLSearchParams): Record<string, string> {
  // No prototype: `?__proto__=x` must be an unknown key that the strict schema refuses, not a
  // prototype assignment that silently vanishes.
  const out = Object.create(null) as Record<string, string>;
  for (const [key, value] of query) {
    if (Object.hasOwn(out, key)) throw new AppError("bad_request:query", `${key}: is given more than once`);
    out[key] = value;
  }
  return out;
}

/** Checks a task id's shape before any lookup, so junk never reaches the database. */
export function parseTaskId(raw: string | undefined): string {
  const parsed = taskIdSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError("bad_request:task_id", `taskId: ${parsed.error.issues[0]?.message ?? "is not a valid task id"}`);
  }
  return parsed.data;
}
