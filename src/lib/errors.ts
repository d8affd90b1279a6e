/**
 * The one error type of the app. A code is `<type>:<surface>` (e.g. `not_found:task`); the type
 * decides the HTTP status, the message is safe to show to a user. Internals are logged, never sent.
 *
 * Module copies: the custom server and the Next bundle load separate copies of this file, so an
 * `instanceof` check can fail across them. `isAppError` checks the shape instead.
 */

export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  limit: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorType = keyof typeof ERROR_STATUS;
export type ErrorCode = `${ErrorType}:${string}`;

export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: ErrorCode;
  /** Field-level messages for forms (field name -> message). */
  readonly fields: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, fields?: Record<string, string>) {
    super(message);
    this.code = code;
    this.fields = fields;
  }

  get type(): ErrorType {
    return errorType(this.code);
  }

  get status(): number {
    return ERROR_STATUS[this.type];
  }
}

export function errorType(code: string): ErrorType {
  const type = code.split(":")[0] as ErrorType;
  return type in ERROR_STATUS ? type : "internal";
}

export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { name?: unknown }).name === "AppError" &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

export function statusOf(error: AppError): number {
  return ERROR_STATUS[errorType(error.code)];
}

/** A message safe to show anyone: an AppError's own, otherwise a generic one. */
export function publicMessage(error: unknown): string {
  return isAppError(error) ? error.message : "Something went wrong on the server; see its log.";
}

/** Turns zod issues into one readable sentence and a field map. */
export function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): {
  message: string;
  fields: Record<string, string>;
} {
  const fields: Record<string, string> = {};
  const parts: string[] = [];
  for (const issue of issues) {
    const field = issue.path.map(String).join(".") || "body";
    if (!(field in fields)) fields[field] = issue.message;
    parts.push(`${field}: ${issue.message}`);
  }
  return { message: parts.slice(0, 5).join("; ") || "Invalid input", fields };
}

export function validationError(
  surface: string,
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>,
): AppError {
  const { message, fields } = describeIssues(issues);
  return new AppError(`bad_request:${surface}`, message, fields);
}

/** The result type every server action returns. */
export type ActionResult<T = undefined> =
  | ({ ok: true } & (T extends undefined ? { data?: undefined } : { data: T }))
  | { ok: false; code: string; message: string; fields?: Record<string, string> };

/** The failure half of ActionResult, for form state on the client. */
export type ActionFailure = Extract<ActionResult, { ok: false }>;
