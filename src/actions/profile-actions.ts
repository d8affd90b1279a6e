"use server";

import { revalidatePath } from "next/cache";
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
