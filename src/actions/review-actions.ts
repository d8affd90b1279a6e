"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { AppError, type ActionResult } from "@/lib/errors";
import { bracketedPaste, formatReviewComments, PASTE_ENTER_DELAY_MS } from "@/lib/review/comment-paste";
import { taskIdSchema } from "@/lib/schemas/task-schemas";
import { hasNoNul, NUL_MESSAGE } from "@/lib/schemas/text-rules";
import { actionFailure, invalidInput } from "@/server/actions/action-support";
import { getServices } from "@/server/registry";
import { requireWorkspace, reviewService, workspaceProblem, type MergeOutcome, type PullRequestOutcome } from "@/server/workspaces/review-access";
import { MERGE_STRATEGIES, type ChangesSummary, type FileDiff, type ReviewComment } from "@/workspace/types";

/**
 * The Changes tab's actions: read the task's changes and one file's diff, land the branch (commit,
 * merge, push, pull request) and send review comments to the agent. Thin: parse, call the review
 * service (through review-access.ts), report.
 */

const pathSchema = z.string().min(1, "must not be empty").max(4096, "is too long").refine(hasNoNul, NUL_MESSAGE);
/** The most diff lines one call returns; the view pages what it renders. */
const MAX_DIFF_LINES = 20_000;

function refresh(taskId: string): void {
  revalidatePath("/");
  revalidatePath(`/tasks/${taskId}`);
}

export async function getTaskChanges(taskId: unknown): Promise<ActionResult<ChangesSummary>> {
  const parsed = taskIdSchema.safeParse(taskId);
  if (!parsed.success) return invalidInput("changes", parsed.error.issues);
  try {
    requireWorkspace(parsed.data);
    return { ok: true, data: await reviewService().changes(parsed.data) };
  } catch (error) {
    // A worktree removed by hand (or a branch deleted outside) fails git: say that, as the panel does.
    return actionFailure((await workspaceProblem(parsed.data)) ?? error, "getTaskChanges");
  }
}

const fileDiffSchema = z.object({
  taskId: taskIdSchema,
  path: pathSchema,
  maxLines: z.number().int().min(1).max(MAX_DIFF_LINES).default(MAX_DIFF_LINES),
});

export async function getFileDiff(input: z.input<typeof fileDiffSchema>): Promise<ActionResult<FileDiff>> {
  const parsed = fileDiffSchema.safeParse(input);
  if (!parsed.success) return invalidInput("diff", parsed.error.issues);
  try {
    requireWorkspace(parsed.data.taskId);
    return { ok: true, data: await reviewService().fileDiff(parsed.data.taskId, parsed.data.path, parsed.data.maxLines) };
  } catch (error) {
    return actionFailure(error, "getFileDiff");
  }
}

const commitSchema = z.object({
  taskId: taskIdSchema,
  message: z.string().trim().min(1, "Commit message is required").max(10_000, "is too long").refine(hasNoNul, NUL_MESSAGE),
});

export async function commitTaskChanges(input: z.input<typeof commitSchema>): Promise<ActionResult<{ sha: string }>> {
  const parsed = commitSchema.safeParse(input);
  if (!parsed.success) return invalidInput("commit", parsed.error.issues);
  try {
    requireWorkspace(parsed.data.taskId);
    const result = await reviewService().commit(parsed.data.taskId, parsed.data.message);
    refresh(parsed.data.taskId);
    return { ok: true, data: { sha: result.sha } };
  } catch (error) {
    return actionFailure(error, "commitTaskChanges");
  }
}

const mergeSchema = z.object({
  taskId: taskIdSchema,
  strategy: z.enum(MERGE_STRATEGIES),
  message: z.string().trim().max(10_000, "is too long").refine(hasNoNul, NUL_MESSAGE).optional(),
});

/** A refused merge is an ok result carrying the refusal (reason + files): the UI shows it as such. */
export async function mergeTaskBranch(input: z.input<typeof mergeSchema>): Promise<ActionResult<{ outcome: MergeOutcome }>> {
  const parsed = mergeSchema.safeParse(input);
  if (!parsed.success) return invalidInput("merge", parsed.error.issues);
  try {
    requireWorkspace(parsed.data.taskId);
    const outcome = await reviewService().merge(parsed.data.taskId, parsed.data.strategy, parsed.data.message || undefined);
    refresh(parsed.data.taskId);
    return { ok: true, data: { outcome } };
  } catch (error) {
    return actionFailure(error, "mergeTaskBranch");
  }
}

export async function pushTaskBranch(taskId: unknown): Promise<ActionResult<{ output: string }>> {
  const parsed = taskIdSchema.safeParse(taskId);
  if (!parsed.success) return invalidInput("push", parsed.error.issues);
  try {
    requireWorkspace(parsed.data);
    const result = await reviewService().push(parsed.data);
    return { ok: true, data: { output: result.output } };
  } catch (error) {
    return actionFailure(error, "pushTaskBranch");
  }
}

const pullRequestSchema = z.object({
  taskId: taskIdSchema,
  title: z.string().trim().min(1, "Title is required").max(300, "is too long").refine(hasNoNul, NUL_MESSAGE),
  body: z.string().max(50_000, "is too long").refine(hasNoNul, NUL_MESSAGE).default(""),
});

export async function openTaskPullRequest(input: z.input<typeof pullRequestSchema>): Promise<ActionResult<{ outcome: PullRequestOutcome }>> {
  const parsed = pullRequestSchema.safeParse(input);
  if (!parsed.success) return invalidInput("pull_request", parsed.error.issues);
  try {
    requireWorkspace(parsed.data.taskId);
    const outcome = await reviewService().pullRequest(parsed.data.taskId, { title: parsed.data.title, body: parsed.data.body });
    return { ok: true, data: { outcome } };
  } catch (error) {
    return actionFailure(error, "openTaskPullRequest");
  }
}

const commentSchema = z.object({
  path: pathSchema,
  startLine: z.number().int().min(0).max(10_000_000),
  endLine: z.number().int().min(0).max(10_000_000),
  side: z.enum(["new", "old"]),
  text: z.string().trim().min(1, "A comment needs text").max(20_000, "is too long").refine(hasNoNul, NUL_MESSAGE),
});

const sendCommentsSchema = z.object({
  taskId: taskIdSchema,
  comments: z.array(commentSchema).min(1, "No comments to send").max(200, "At most 200 comments at once"),
});

/** `pasted_unsubmitted`: into a shell, without the Enter that would run the comments as commands. */
export type CommentDelivery = "pasted" | "pasted_unsubmitted" | "resumed" | "started";

/** How long a resumed agent may take to draw its prompt before the comments are pasted anyway. */
const RESUME_READY_MAX_MS = 15_000;
/** Output quiet for this long after a resume: the agent's prompt is up and waiting. */
const RESUME_QUIET_MS = 1_200;

interface WritableSession {
  readonly running: boolean;
  write(data: string): void;
  onOutput(listener: () => void): () => void;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function paste(session: WritableSession, text: string, submit = true): Promise<void> {
  const plan = bracketedPaste(text);
  session.write(plan.first);
  if (!submit) return;
  await delay(PASTE_ENTER_DELAY_MS);
  if (session.running) session.write(plan.then);
}

/** Resolves once the session's output has been quiet for RESUME_QUIET_MS (or at the bound). */
function whenQuiet(session: WritableSession): Promise<void> {
  return new Promise((resolve) => {
    let quiet: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      clearTimeout(quiet);
      clearTimeout(bound);
      unsubscribe();
      resolve();
    };
    const bound = setTimeout(done, RESUME_READY_MAX_MS);
    const unsubscribe = session.onOutput(() => {
      clearTimeout(quiet);
      quiet = setTimeout(done, RESUME_QUIET_MS);
    });
  });
}

/**
 * Sends the pending comments to the task's agent as one bracketed paste. A running session gets
 * the paste; an exited Claude session is resumed and gets it once its prompt is drawn; any other
 * profile starts a new run with the comments as its prompt (the task's stored prompt is kept).
 */
export async function sendReviewComments(input: { taskId: string; comments: ReviewComment[] }): Promise<ActionResult<{ delivery: CommentDelivery }>> {
  const parsed = sendCommentsSchema.safeParse(input);
  if (!parsed.success) return invalidInput("comments", parsed.error.issues);
  const { taskId, comments } = parsed.data;
  try {
    const services = getServices();
    const task = services.tasks.get(taskId);
    const text = formatReviewComments(comments);
    const live = services.terminals.session(taskId);
    const profile = (task.profileId ? services.profiles.find(task.profileId) : undefined) ?? services.profiles.getActive();
    // A shell reads each line as a command: "remove the old build dir" would run `remove`.
    const isShell = profile.kind === "shell";
    if (live?.running) {
      await paste(live, text, !isShell);
      return { ok: true, data: { delivery: isShell ? "pasted_unsubmitted" : "pasted" } };
    }
    if (isShell) {
      throw new AppError(
        "bad_request:comments",
        `This task runs "${profile.name}", a shell: it would run the comments as commands, so they are not sent to a new run. Start the task to paste them into its shell without submitting, or give the task an agent CLI profile.`,
      );
    }
    if (profile.kind === "claude" && services.executions.latestAgentSessionId(taskId)) {
      await services.terminals.resume(taskId);
      const resumed = services.terminals.session(taskId);
      if (!resumed?.running) throw new AppError("conflict:session", "The agent was resumed but exited at once; the comments were not sent.");
      await whenQuiet(resumed);
      if (!resumed.running) throw new AppError("conflict:session", "The resumed agent exited before the comments could be pasted.");
      await paste(resumed, text);
      refresh(taskId);
      return { ok: true, data: { delivery: "resumed" } };
    }
    const storedPrompt = task.prompt;
    try {
      await services.terminals.start(taskId, { prompt: text });
    } finally {
      // start() stores a changed prompt on the task; the review round is not the task's brief.
      if (services.tasks.get(taskId).prompt !== storedPrompt) services.tasks.update(taskId, { prompt: storedPrompt });
    }
    refresh(taskId);
    return { ok: true, data: { delivery: "started" } };
  } catch (error) {
    return actionFailure(error, "sendReviewComments");
  }
}
