import "server-only";
import { isAppError, validationError, type ActionFailure } from "../../lib/errors";
import { getServices } from "../registry";

/**
 * Shared failure handling for server actions. AppErrors carry a safe message (and field messages)
 * and go back to the form as they are; anything else is a bug: logged with its stack, answered
 * with a generic message. `isAppError` is duck-typed because the Next bundle and the custom
 * server hold separate copies of errors.ts.
 */
export function actionFailure(error: unknown, action: string): ActionFailure {
  if (isAppError(error)) {
    return error.fields
      ? { ok: false, code: error.code, message: error.message, fields: error.fields }
      : { ok: false, code: error.code, message: error.message };
  }
  try {
    getServices().logger.error({ err: error, action }, "server action failed");
  } catch {
    console.error(`server action ${action} failed`, error);
  }
  return { ok: false, code: "internal", message: "Something went wrong on the server; see its log." };
}

/** A zod failure on an action's input, as field messages for the form. */
export function invalidInput(
  surface: string,
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>,
): ActionFailure {
  return actionFailure(validationError(surface, issues), surface);
}
