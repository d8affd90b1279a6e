import { AppError } from "../../src/lib/errors";
import type { Execution } from "../../src/server/db/schema";
import { safeEqual, sha256 } from "../../src/server/security/secrets";
import type { Services } from "../../src/server/services";
import { interpretCallback, type AgentReport } from "./agent-report";

/**
 * CALLBACK_URL: `POST /api/callback/<executionId>/<secret>`. The URL is the credential — no
 * bearer token — and it acts on its own execution only: the secret's SHA-256 must equal the hash
 * stored on that execution row. A wrong secret, another run's secret and an unknown execution all
 * get the same 404, so the answer reveals nothing about which part was wrong.
 *
 * Effects: the execution's agent status/message/session id; a hook's transcript path, from which
 * the run's tokens and cost are read (src/server/costs); and — when this is the task's latest
 * run — the task's status and status message (the services emit the change events that update
 * open pages live). A report from an older run is recorded on that run and leaves the task alone.
 * Once a run has ended its URL is dead: 410, nothing recorded (a late or replayed report must not
 * turn a stopped run's task into `failed` or `review`).
 */
const ID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;
const SECRET_SHAPE = /^[A-Za-z0-9_-]{1,256}$/;
/** Compared against when there is no row, so both paths do the same work. */
const NO_HASH = sha256("no execution has this secret");

export function verifyCallback(services: Services, executionId: string, secret: string): Execution {
  const shapeOk = ID_SHAPE.test(executionId) && SECRET_SHAPE.test(secret);
  const execution = shapeOk ? services.executions.find(executionId) : undefined;
  const matches = safeEqual(sha256(secret), execution?.callbackSecretHash ?? NO_HASH);
  if (!execution || !execution.callbackSecretHash || !matches) {
    throw new AppError("not_found:callback", "No callback matches this URL; use the CALLBACK_URL of the running task exactly as given.");
  }
  if (execution.status !== "running") {
    throw new AppError(
      "gone:run_ended",
      `This run has ended (${execution.status}); its CALLBACK_URL no longer changes anything. Each run gets its own CALLBACK_URL.`,
    );
  }
  return execution;
}

export interface CallbackResult {
  executionId: string;
  taskId: string;
  event: string | null;
  status: AgentReport["status"] | null;
  taskUpdated: boolean;
  ignored?: string;
  /** A hook reported a transcript path: true when the run's usage is read from it. */
  usageTracked?: boolean;
}

export function applyCallback(services: Services, execution: Execution, body: unknown): CallbackResult {
  const meaning = interpretCallback(body, execution.agentStatus ?? null);
  const { report } = meaning;
  const result: CallbackResult = {
    executionId: execution.id,
    taskId: execution.taskId,
    event: meaning.kind === "hook" ? meaning.event : null,
    status: report.status ?? null,
    taskUpdated: false,
  };
  if (meaning.kind === "hook" && meaning.ignored) result.ignored = meaning.ignored;
  if (meaning.kind === "hook" && meaning.transcriptPath) result.usageTracked = services.costs.noteTranscript(execution, meaning.transcriptPath);
  if (report.status === undefined && !report.sessionId) return result;
  services.executions.recordAgentReport(execution.id, {
    status: report.status,
    // A new status without a message clears the old one: it described the old status.
    message: report.status === undefined ? undefined : (report.message ?? null),
    sessionId: report.sessionId,
  });
  if (report.status !== undefined && services.executions.latestForTask(execution.taskId)?.id === execution.id) {
    services.tasks.setStatus(execution.taskId, report.status, report.message ?? null);
    result.taskUpdated = true;
  }
  return result;
}
