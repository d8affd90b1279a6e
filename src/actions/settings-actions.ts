"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionResult } from "@/lib/errors";
import type { Settings } from "@/lib/settings-definitions";
import { actionFailure, invalidInput } from "@/server/actions/action-support";
import { getServices } from "@/server/registry";

/**
 * The settings form sends every value as typed text. Shape and emptiness are checked here; the
 * settings service checks keys and ranges and answers with one message per bad field.
 */
const settingsPatchSchema = z
  .record(
    z.string().max(100),
    z.union([z.number(), z.string().trim().min(1, "is required").max(32, "is too long")], {
      error: "must be a number",
    }),
  )
  .refine((patch) => Object.keys(patch).length <= 50, "too many settings at once");

export async function updateSettings(input: unknown): Promise<ActionResult<Settings>> {
  const parsed = settingsPatchSchema.safeParse(input);
  if (!parsed.success) return invalidInput("settings", parsed.error.issues);
  try {
    const settings = getServices().settings.update(parsed.data);
    revalidatePath("/settings");
    return { ok: true, data: settings };
  } catch (error) {
    return actionFailure(error, "updateSettings");
  }
}
