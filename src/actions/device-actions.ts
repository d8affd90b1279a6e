"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { ActionResult } from "@/lib/errors";
import { actionFailure, invalidInput } from "@/server/actions/action-support";
import { getRemoteAccess } from "@/server/devices/registry";
import { AppError } from "@/lib/errors";

const revokeSchema = z.object({
  deviceId: z.string({ error: "is required" }).regex(/^[a-f0-9]{16}$/, "must be a device id (16 hex digits)"),
});

/**
 * Signs one device out: its cookie stops working on the next request, and the server closes its
 * open WebSockets. Other devices stay signed in. Revoking the device you are on signs you out.
 */
export async function revokeDevice(input: unknown): Promise<ActionResult> {
  const parsed = revokeSchema.safeParse(input);
  if (!parsed.success) return invalidInput("device", parsed.error.issues);
  try {
    const devices = getRemoteAccess().devices;
    if (!devices) throw new AppError("conflict:device", "Sign-in is off (AI_MANAGER_AUTH=none): there are no devices to revoke.");
    if (!devices.revoke(parsed.data.deviceId)) throw new AppError("not_found:device", "That device is no longer signed in.");
    revalidatePath("/settings");
    return { ok: true };
  } catch (error) {
    return actionFailure(error, "revokeDevice");
  }
}
