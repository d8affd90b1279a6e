"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/errors";
import { inboxReplySchema, type InboxReplyInput } from "@/lib/inbox";
import { actionFailure, invalidInput } from "@/server/actions/action-support";
import { replyToTask } from "@/server/inbox/inbox-service";
import { getServices } from "@/server/registry";

/** The Inbox's quick replies and free text: parsed, sent to the task's terminal as a paste. */
export async function sendInboxReply(input: InboxReplyInput): Promise<ActionResult> {
  const parsed = inboxReplySchema.safeParse(input);
  if (!parsed.success) return invalidInput("reply", parsed.error.issues);
  try {
    await replyToTask(getServices(), parsed.data.taskId, parsed.data.text);
    revalidatePath("/inbox");
    return { ok: true };
  } catch (error) {
    return actionFailure(error, "reply");
  }
}
