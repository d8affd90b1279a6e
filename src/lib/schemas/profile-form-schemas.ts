import { z } from "zod";
import { PROFILE_KINDS, PROMPT_DELIVERIES } from "../domain";
import { profileCommandSchema, profileNameSchema } from "./profile-schemas";

/**
 * The profile form edits `args` and `env` as text: args one per line (or a JSON array, for
 * arguments that contain line breaks), env as KEY=VALUE lines. These helpers convert both ways;
 * the converted value is then validated by `profileInputSchema` like any other input. Client-safe.
 */

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Blank lines are dropped; a line is taken verbatim otherwise (spaces inside an argument matter). */
export function parseArgsText(text: string): ParseResult<string[]> {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return { ok: false, message: "Arguments starting with [ must be a JSON array of strings" };
    }
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === "string")) {
      return { ok: false, message: "Arguments starting with [ must be a JSON array of strings" };
    }
    return { ok: true, value: parsed };
  }
  const lines = text.split("\n").map((line) => line.replace(/\r$/, ""));
  return { ok: true, value: lines.filter((line) => line.trim() !== "") };
}

/** One argument per line, unless one of them would not survive that (newline, blank, edge `[`). */
export function formatArgsText(args: readonly string[]): string {
  const needsJson = args.some((arg) => arg.includes("\n") || arg.includes("\r") || arg.trim() === "");
  const firstLooksLikeJson = (args[0] ?? "").trimStart().startsWith("[");
  return needsJson || firstLooksLikeJson ? JSON.stringify(args) : args.join("\n");
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** KEY=VALUE per line; the value may contain `=`; blank lines and `# comments` are ignored. */
export function parseEnvText(text: string): ParseResult<Record<string, string>> {
  const env: Record<string, string> = {};
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index += 1) {
    const line = (lines[index] ?? "").replace(/\r$/, "");
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) return { ok: false, message: `Line ${index + 1}: expected KEY=VALUE` };
    const key = line.slice(0, eq).trim();
    if (!ENV_NAME.test(key)) {
      return { ok: false, message: `Line ${index + 1}: "${key}" is not a variable name (letters, digits and _, not starting with a digit)` };
    }
    if (key in env) return { ok: false, message: `Line ${index + 1}: ${key} is set twice` };
    env[key] = line.slice(eq + 1);
  }
  return { ok: true, value: env };
}

export function formatEnvText(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");
}

/** Text fields that parse into a value, reporting a parse failure as an issue on the field itself. */
function parsedText<T>(parse: (text: string) => ParseResult<T>, fallback: () => T) {
  return z
    .string({ error: "must be text" })
    .max(1_000_000, "is too long")
    .transform((text, ctx) => {
      const result = parse(text);
      if (result.ok) return result.value;
      ctx.addIssue({ code: "custom", message: result.message });
      return fallback();
    });
}

/**
 * What the profile form sends: `args` and `env` as text. Each field is checked on its own, so one
 * submit reports every bad field; the profile service then validates the result as a profile
 * (argument limits, NUL bytes) like any other input.
 */
export const profileFormSchema = z
  .object({
    name: profileNameSchema,
    kind: z.enum(PROFILE_KINDS, { error: `must be one of ${PROFILE_KINDS.join(", ")}` }),
    command: profileCommandSchema,
    args: parsedText(parseArgsText, (): string[] => []),
    env: parsedText(parseEnvText, (): Record<string, string> => ({})),
    promptDelivery: z.enum(PROMPT_DELIVERIES, { error: `must be one of ${PROMPT_DELIVERIES.join(", ")}` }),
  });
export type ProfileFormInput = z.input<typeof profileFormSchema>;

export const profileIdSchema = z
  .string({ error: "must be a profile id" })
  .trim()
  .min(1, "must not be empty")
  .max(64, "is too long");

/**
 * Nested field paths (`args.3`, `env.FOO`) name a form field by their first segment, so an error
 * from the service lands next to the textarea that holds the bad line.
 */
export function toFormFields(fields: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!fields) return undefined;
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields)) {
    const [head, ...rest] = path.split(".");
    const field = head ?? path;
    if (field in out) continue;
    const where = rest.join(".");
    if (field === "args" && where) out[field] = `Argument ${Number(where) + 1}: ${message}`;
    else if (field === "env" && where) out[field] = `${where}: ${message}`;
    else out[field] = message;
  }
  return out;
}
