import { unstable_isUnrecognizedActionError } from "next/navigation";
import type { ActionFailure } from "@/lib/errors";

export const SERVER_UNREACHABLE_MESSAGE = "Could not reach the server. Is AI Manager still running?";
/**
 * Each build of the app gives its server actions new ids, so a page loaded before an update calls
 * actions the server no longer has (Next answers "not found"). Nothing happened on the server.
 */
export const APP_UPDATED_MESSAGE =
  "AI Manager was updated since this page was opened, so this page can no longer do that. Reload the page, then try again (copy anything you typed here first).";

/** A server action call that threw instead of answering, as the failure a page shows. */
export function thrownActionFailure(error: unknown): ActionFailure {
  if (unstable_isUnrecognizedActionError(error)) return { ok: false, code: "conflict:app_updated", message: APP_UPDATED_MESSAGE };
  return { ok: false, code: "internal", message: SERVER_UNREACHABLE_MESSAGE };
}

/** A redirect or not-found from an action: Next's to handle, not a failure. */
function isNavigationSignal(error: unknown): boolean {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return typeof digest === "string" && (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_HTTP_ERROR"));
}

/**
 * Calls a server action; a call that throws (the server is gone, or was updated under the page)
 * answers the failure to show instead, so no page ends in an error screen over it.
 */
export async function callAction<T>(action: () => Promise<T>): Promise<T | ActionFailure> {
  try {
    return await action();
  } catch (error) {
    if (isNavigationSignal(error)) throw error;
    return thrownActionFailure(error);
  }
}
