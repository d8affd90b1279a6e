import type { AgentStatus } from "../../lib/domain";
import type { AppEvents } from "../events/app-events";
import { AGENT_CLIS, isBuiltinAgentKind } from "../../lib/agent-clis";
import type { ExecutionService } from "../executions/execution-service";
import type { Logger } from "../logger";
import type { ProfileService } from "../profiles/profile-service";
import type { TaskService } from "../tasks/task-service";
import type { HostedSession, HostedSessions } from "../../terminal/server/hosted-sessions";
import { idleRuleFor, isAtIdlePrompt, type IdleRule } from "./prompt-detect";

/**
 * Output quiet this long means the agent may be waiting: the screen is read once. Long enough that
 * a model's pause between streamed chunks is not taken for a prompt, short enough to feel live.
 */
export const QUIET_MS = 1_500;
const FINAL_STATUSES: ReadonlySet<AgentStatus> = new Set(["review", "done", "failed"]);

export interface ScreenStatusDeps {
  sessions: HostedSessions;
  events: AppEvents;
  executions: ExecutionService;
  tasks: TaskService;
  profiles: ProfileService;
  logger: Logger;
  quietMs?: number;
}

/**
 * Task status from the terminal itself, for agent CLIs that offer no hook or notify program
 * (prompt-detect.ts has the rules): once a run's output has been quiet for `QUIET_MS`, its screen
 * is read from the terminal host; the agent's idle prompt → `needs_input`. When output comes
 * again the screen is read at once, and anything but the idle prompt → `running` (typing at the
 * prompt keeps `needs_input`). Only sessions with a rule are watched, and only on their own output
 * — no polling. Like hooks, it replaces only `running`/`needs_input`: a status the agent or a
 * person set stands.
 */
export class ScreenStatusWatcher {
  private readonly watched = new Map<string, () => void>();
  private readonly offEvents: () => void;

  constructor(private readonly deps: ScreenStatusDeps) {
    // A new run is looked at once its row exists (the profile decides whether it has a rule): a
    // session without one is never asked for its output, which the host would otherwise report
    // for every flush of a flood.
    this.offEvents = deps.events.onEvent((event) => {
      if (event.type !== "execution.changed" || event.execution.status !== "running") return;
      const session = deps.sessions.get(event.execution.taskId);
      if (session?.executionId === event.execution.id) this.watch(session);
    });
    for (const session of deps.sessions.list()) this.watch(session);
  }

  dispose(): void {
    this.offEvents();
    for (const stop of this.watched.values()) stop();
    this.watched.clear();
  }

  private ruleFor(session: HostedSession): { rule: IdleRule; label: string } | undefined {
    const execution = this.deps.executions.find(session.executionId);
    const profile = execution?.profileId ? this.deps.profiles.find(execution.profileId) : undefined;
    const rule = profile ? idleRuleFor(profile.kind) : undefined;
    if (!profile || !rule) return undefined;
    return { rule, label: isBuiltinAgentKind(profile.kind) ? AGENT_CLIS[profile.kind].label : profile.name };
  }

  private watch(session: HostedSession): void {
    if (!session.running || this.watched.has(session.executionId)) return;
    const found = this.ruleFor(session);
    if (!found) return;
    const quietMs = this.deps.quietMs ?? QUIET_MS;
    let idle = false;
    let reading = false;
    let again = false;
    let timer: NodeJS.Timeout | undefined;

    const read = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        const { rule, label } = found;
        const snap = await session.snapshot("full");
        const atPrompt = isAtIdlePrompt(rule, { lines: snap.lines, cursorRow: snap.cursor.row - snap.startRow, alternateScreen: snap.alternateScreen });
        if (atPrompt !== idle && session.running) {
          idle = atPrompt;
          this.report(session, atPrompt ? "needs_input" : "running", atPrompt ? `${label} is waiting for your input` : null);
        }
      } catch (error) {
        // The session ended between the output and the read: nothing to report.
        if (session.running) this.deps.logger.warn({ err: error, executionId: session.executionId }, "could not read a screen for its status");
      } finally {
        reading = false;
        if (again) {
          again = false;
          void read();
        }
      }
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void read(), quietMs);
      timer.unref();
    };
    const offOutput = session.onOutput(() => {
      if (idle) void read();
      arm();
    });
    const stop = () => {
      clearTimeout(timer);
      offOutput();
      offExit();
      this.watched.delete(session.executionId);
    };
    const offExit = session.onExit(stop);
    this.watched.set(session.executionId, stop);
    // The prompt may already be on screen (an app server that reattached to a waiting agent).
    arm();
  }

  private report(session: HostedSession, status: AgentStatus, message: string | null): void {
    const { executions, tasks } = this.deps;
    try {
      const execution = executions.find(session.executionId);
      if (!execution || execution.status !== "running") return;
      // What the agent reported on purpose (curl, hooks) stands, as with hooks' idle notifications.
      if (execution.agentStatus && FINAL_STATUSES.has(execution.agentStatus)) return;
      executions.recordAgentReport(execution.id, { status, message });
      const task = tasks.find(session.taskId);
      const latest = executions.latestForTask(session.taskId);
      if (task && latest?.id === execution.id && (task.status === "running" || task.status === "needs_input")) {
        tasks.setStatus(session.taskId, status, message);
      }
    } catch (error) {
      this.deps.logger.error({ err: error, executionId: session.executionId }, "could not record a status read from the screen");
    }
  }
}
