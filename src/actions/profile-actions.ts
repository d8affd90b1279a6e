"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { BUILTIN_AGENT_KINDS } from "@/lib/agent-clis";
import type { ActionResult } from "@/lib/errors";
import { profileFormSchema, profileIdSchema, toFormFields } from "@/lib/schemas/profile-form-schemas";
import { actionFailure, invalidInput } from "@/server/actions/action-support";
import { getServices } from "@/server/registry";

/**
 * CLI profile mutations for the settings page. Profile names show on task pages and in the task
 * forms' select, so every change revalidates the whole app, not only /settings.
 */

function revalidateEverything(): void {
  revalidatePath("/", "layout");
}

/** Field messages from the service (`args.2`, `env.FOO`) are folded onto the form's fields. */
function withFormFields<T>(result: ActionResult<T>): ActionResult<T> {
  if (result.ok || !result.fields) return result;
  const fields = toFormFields(result.fields);
  return fields ? { ...result, fields } : result;
}

export async function createProfile(input: unknown): Promise<ActionResult<{ id: string }>> {
  const parsed = profileFormSchema.safeParse(input);
  if (!parsed.success) return withFormFields(invalidInput("profile", parsed.error.issues));
  try {
    const profile = getServices().profiles.create(parsed.data);
    revalidateEverything();
    return { ok: true, data: { id: profile.id } };
  } catch (error) {
    return withFormFields(actionFailure(error, "createProfile"));
  }
}

export async function updateProfile(id: unknown, input: unknown): Promise<ActionResult<{ id: string }>> {
  const parsedId = profileIdSchema.safeParse(id);
  if (!parsedId.success) return invalidInput("profile", parsedId.error.issues);
  const parsed = profileFormSchema.safeParse(input);
  if (!parsed.success) return withFormFields(invalidInput("profile", parsed.error.issues));
  try {
    const profile = getServices().profiles.update(parsedId.data, parsed.data);
    revalidateEverything();
    return { ok: true, data: { id: profile.id } };
  } catch (error) {
    return withFormFields(actionFailure(error, "updateProfile"));
  }
}

export async function setActiveProfile(id: unknown): Promise<ActionResult> {
  const parsedId = profileIdSchema.safeParse(id);
  if (!parsedId.success) return invalidInput("profile", parsedId.error.issues);
  try {
    getServices().profiles.setActive(parsedId.data);
    revalidateEverything();
    return { ok: true };
  } catch (error) {
    return actionFailure(error, "setActiveProfile");
  }
}

export async function deleteProfile(id: unknown): Promise<ActionResult> {
  const parsedId = profileIdSchema.safeParse(id);
  if (!parsedId.success) return invalidInput("profile", parsedId.error.issues);
  try {
    getServices().profiles.delete(parsedId.data);
    revalidateEverything();
    return { ok: true };
  } catch (error) {
    return actionFailure(error, "deleteProfile");
  }
}

const builtinKindSchema = z.enum(BUILTIN_AGENT_KINDS, { error: `must be one of ${BUILTIN_AGENT_KINDS.join(", ")}` });

/** Settings' "Use" on a built-in agent CLI: its profile (created with the CLI's defaults if none exists) becomes active. */
export async function activateBuiltinProfile(kind: unknown): Promise<ActionResult<{ id: string }>> {
  const parsed = builtinKindSchema.safeParse(kind);
  if (!parsed.success) return invalidInput("kind", parsed.error.issues);
  try {
    const services = getServices();
    const profile = services.profiles.ensureBuiltin(parsed.data);
    services.profiles.setActive(profile.id);
    revalidateEverything();
    return { ok: true, data: { id: profile.id } };
  } catch (error) {
    return actionFailure(error, "activateBuiltinProfile");
  }
}
