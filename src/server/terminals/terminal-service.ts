import fs from "node:fs";
import { z } from "zod";
import { AppError } from "../../lib/errors";
import { PtySession, type ExitInfo } from "../../terminal/host/pty-session";
import type { SessionStore } from "../../terminal/host/session-store";
import type { StopSignal } from "../../terminal/host/signals";
import type { Logger } from "../logger";
import type { CliProfile, Execution, Task } from "../db/schema";
import type { AppEvents } from "../events/app-events";
import type { ExecutionService } from "../executions/execution-service";
import type { ProfileService } from "../profiles/profile-service";
import { newSecret, sha256 } from "../security/secrets";
import type { SettingsService } from "../settings/settings-service";
import type { PreparedLaunch, WorkspaceService } from "../workspaces/workspace-service";
import { resolveCommand } from "../../terminal/host/command-resolver";
import type { TaskService } from "../tasks/task-service";
import { buildLaunchPlan, buildSessionEnv } from "./launch-plan";
import { AsciicastWriter, recordingPath } from "../../terminal/recording/asciicast-writer";
import { DEFAULT_COLS, DEFAULT_ROWS } from "../../terminal/host/pty-session";

export const agentSessionIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, "must be a session id (letters, digits, - and _)");

export interface TerminalServiceDeps {
  tasks: TaskService;
  profiles: ProfileService;
  executions: ExecutionService;
  settings: SettingsService;
  /** Where a run starts: the task's worktree (created at its first start) or its cwd. */
  workspaces: WorkspaceService;
  store: SessionStore;
  events: AppEvents;
  logger: Logger;
  /** The app's own origin (known once the server listens), e.g. http://127.0.0.1:3000. */
  origin(): string;
  internalToken: string;
  /** Where recordings go (`<dataDir>/recordings/<executionId>.cast`). */
  dataDir: string;
  /** Extra launch preparation per profile kind (Claude hooks and MCP config). */
  prepareLaunch?: (ctx: LaunchContext) => { args: string[]; env: Record<string, string>; cleanup?: () => void };
}

export interface LaunchContext {
  task: Task;
  profile: CliProfile;
  executionId: string;
  callbackUrl: string;
  args: string[];
}

export interface StartOptions {
  prompt?: string;
  cols?: number;
  rows?: number;
}

/**
 * Runs a new worktree's setup command inside the task's PTY, then the agent. The user's strings are
 * positional parameters only, never part of this script: `$1` the setup command (run by `sh -c`),
 * `$2` the marker file written once it succeeded, `$3…` the agent's command and arguments.
 * The setup reads from /dev/null, so a prompt typed early waits in the terminal for the agent.
 */
export const SETUP_SCRIPT = [
  'setup="$1"; marker="$2"; shift 2',
  String.raw`printf '\033[1m== AI Manager: setting up the new worktree ==\033[0m\n$ %s\n' "$setup"`,
  'sh -c "$setup" </dev/null',
  "status=$?",
  'if [ "$status" -ne 0 ]; then',
  String.raw`  printf '\n\033[1;31mSetup failed (exit %s): the agent was not started\033[0m\n' "$status"`,
  '  exit "$status"',
  "fi",
  ': > "$marker" 2>/dev/null || true',
  String.raw`printf '\033[1m== Setup finished (exit 0); starting the agent ==\033[0m\n\n'`,
  'exec "$@"',
].join("\n");
/** `$0` of the setup shell: what `ps` shows while the setup runs. */
export const SETUP_ARGV0 = "ai-manager-setup";

/** Starts, resumes and stops the one PTY session a task may have, and keeps the database in step. */
export class TerminalService {
  private shuttingDown = false;
  /** Tasks whose start is between its checks and its spawn (preparing the workspace). */
  private readonly starting = new Set<string>();

  constructor(private readonly deps: TerminalServiceDeps) {
    // A deleted task must not leave its agent running.
    deps.events.onEvent((event) => {
      if (event.type === "task.deleted") void deps.store.remove(event.taskId, "Task deleted");
    });
  }

  /**
   * The checks run synchronously and mark the task as starting before the workspace is prepared
   * (git, asynchronous), so concurrent starts cannot both pass them.
   */
  async start(taskId: string, options: StartOptions = {}): Promise<Execution> {
    return this.launch(taskId, options, undefined);
  }

  async resume(taskId: string, sessionId?: string, options: Omit<StartOptions, "prompt"> = {}): Promise<Execution> {
    const task = this.deps.tasks.get(taskId);
    const profile = this.profileFor(task);
    if (profile.kind !== "claude") {
      throw new AppError(
        "bad_request:resume",
        `Resume needs a Claude Code profile; this task runs "${profile.name}". Start it again instead.`,
      );
    }
    let id = sessionId?.trim() || this.deps.executions.latestAgentSessionId(taskId);
    if (!id) {
      throw new AppError("bad_request:resume", "No Claude session id is recorded for this task yet; start it first.");
    }
    const parsed = agentSessionIdSchema.safeParse(id);
    if (!parsed.success) throw new AppError("bad_request:resume", `Session id ${parsed.error.issues[0]?.message}`);
    id = parsed.data;
    return this.launch(taskId, options, id);
  }

  async stop(taskId: string, signal?: StopSignal): Promise<Execution> {
    this.deps.tasks.get(taskId);
    const session = this.deps.store.get(taskId);
    if (!session || !session.running) {
      throw new AppError("conflict:session", "This task has no running terminal to stop.");
    }
    await session.stop(signal ? { signal } : {});
    return this.deps.executions.get(session.executionId);
  }

  /**
   * Stops every running session at once (Missions' "Stop all"), in parallel so twenty sessions
   * take one grace period, not twenty. Exited sessions are left alone: they stay viewable until
   * reaped. Resolves with how many were stopped, once their exits are recorded.
   */
  async stopAll(signal?: StopSignal): Promise<number> {
    const running = this.deps.store.list().filter((session) => session.running);
    const results = await Promise.allSettled(running.map((session) => session.stop(signal ? { signal } : {})));
    results.forEach((result, i) => {
      if (result.status === "rejected") this.deps.logger.error({ err: result.reason, taskId: running[i]?.taskId }, "could not stop a session");
    });
    return results.filter((result) => result.status === "fulfilled").length;
  }

  session(taskId: string): PtySession | undefined {
    return this.deps.store.get(taskId);
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await this.deps.store.stopAll("The server is shutting down");
  }

  private profileFor(task: Task): CliProfile {
    return (task.profileId ? this.deps.profiles.find(task.profileId) : undefined) ?? this.deps.profiles.getActive();
  }

  private async launch(taskId: string, options: StartOptions, resumeSessionId: string | undefined): Promise<Execution> {
    const { deps } = this;
    if (this.shuttingDown) throw new AppError("unavailable:shutdown", "The server is shutting down; no new sessions start.");
    let task = deps.tasks.get(taskId);
    if (deps.store.hasRunning(taskId) || this.starting.has(taskId)) {
      throw new AppError("conflict:session", "This task's terminal is already running; stop it before starting again.");
    }
    const limit = deps.settings.get("system.maxConcurrentExecutions");
    const running = deps.store.runningCount() + this.starting.size;
    if (running >= limit) {
      throw new AppError(
        "limit:executions",
        `Concurrency limit reached: ${running} sessions are running and system.maxConcurrentExecutions is ${limit}. Stop one, or raise the limit in Settings.`,
      );
    }
    const profile = this.profileFor(task);
    if (options.prompt !== undefined && options.prompt !== task.prompt && !resumeSessionId) {
      task = deps.tasks.update(taskId, { prompt: options.prompt });
    }
    this.starting.add(taskId);
    try {
      const prepared = await deps.workspaces.prepare(task, { createIfMissing: !resumeSessionId });
      if (this.shuttingDown) throw new AppError("unavailable:shutdown", "The server is shutting down; no new sessions start.");
      return this.spawn(task, profile, options, resumeSessionId, prepared);
    } finally {
      this.starting.delete(taskId);
    }
  }

  private spawn(task: Task, profile: CliProfile, options: StartOptions, resumeSessionId: string | undefined, prepared: PreparedLaunch): Execution {
    const { deps } = this;
    const prompt = options.prompt ?? task.prompt;
    const cwd = prepared.cwd;
    const plan = buildLaunchPlan(profile, prompt, resumeSessionId);
    const executionId = deps.executions.newId();
    const secret = newSecret(24);
    const callbackUrl = `${deps.origin()}/api/callback/${executionId}/${secret}`;
    let args = plan.args;
    let extraEnv: Record<string, string> = {};
    let cleanup: (() => void) | undefined;
    if (deps.prepareLaunch) {
      const prepared = deps.prepareLaunch({ task, profile, executionId, callbackUrl, args });
      args = prepared.args;
      extraEnv = prepared.env;
      cleanup = prepared.cleanup;
    }
    const env = buildSessionEnv(process.env, profile.env, {
      ...extraEnv,
      ...prepared.env,
      AI_MANAGER_TASK_ID: task.id,
      AI_MANAGER_EXECUTION_ID: executionId,
      CALLBACK_URL: callbackUrl,
      AI_MANAGER_URL: deps.origin(),
      AI_MANAGER_INTERNAL_TOKEN: deps.internalToken,
    });
    const cols = options.cols ?? DEFAULT_COLS;
    const rows = options.rows ?? DEFAULT_ROWS;
    const recording = new AsciicastWriter(
      recordingPath(deps.dataDir, executionId),
      { width: cols, height: rows, title: task.title, command: [plan.command, ...args].join(" "), env: { TERM: "xterm-256color", SHELL: env.SHELL ?? "/bin/sh" } },
      deps.settings.get("terminal.recordingMaxBytes"),
      (error) => deps.logger.error({ err: error, executionId }, "recording failed; the run goes on unrecorded"),
    );
    let command = plan.command;
    if (prepared.setupCommand && prepared.setupMarker && !resumeSessionId) {
      // The agent must exist before the setup runs: a missing command fails the start, as without setup.
      const agent = resolveCommand(plan.command, cwd, env.PATH);
      if (!agent) {
        recording.close();
        fs.rmSync(recording.file, { force: true });
        cleanup?.();
        throw new AppError(
          "bad_request:command",
          `Command not found: "${plan.command}" (looked in PATH${plan.command.includes("/") ? " and the task's directory" : ""}). Install it or change the CLI profile.`,
        );
      }
      command = "/bin/sh";
      args = ["-c", SETUP_SCRIPT, SETUP_ARGV0, prepared.setupCommand, prepared.setupMarker, agent, ...args];
    }
    const spawned = PtySession.spawn({
      taskId: task.id,
      executionId,
      command,
      args,
      cwd,
      env,
      cols,
      rows,
      scrollbackLines: deps.settings.get("terminal.scrollbackLines"),
      initialInput: plan.initialInput,
      sinks: [recording],
    });
    if (!spawned.ok) {
      recording.close();
      fs.rmSync(recording.file, { force: true });
      cleanup?.();
      throw new AppError(spawned.code, spawned.message, spawned.code === "bad_request:cwd" ? { cwd: spawned.message } : undefined);
    }
    const session = spawned.session;
    let execution: Execution;
    try {
      execution = deps.executions.create(executionId, {
        taskId: task.id,
        profile,
        commandLine: session.commandLine,
        cwd,
        callbackSecretHash: sha256(secret),
        agentSessionId: resumeSessionId ?? null,
        // The recording's clock: after a crash, its last event's offset dates the run's end.
        startedAt: new Date(recording.startedAt),
      });
      deps.executions.setPid(executionId, session.pid);
      deps.store.add(session);
      deps.tasks.setStatus(task.id, "running", null);
    } catch (error) {
      void session.stop({ signal: "SIGKILL" }).finally(() => session.dispose());
      cleanup?.();
      throw error;
    }
    session.onExit((exit) => {
      cleanup?.();
      this.recordExit(task.id, executionId, exit);
    });
    deps.logger.info({ taskId: task.id, executionId, pid: session.pid, command: plan.command, cwd, setup: command !== plan.command }, "session started");
    return deps.executions.get(execution.id);
  }

  private recordExit(taskId: string, executionId: string, exit: ExitInfo): void {
    const { deps } = this;
    try {
      const execution = deps.executions.find(executionId);
      if (!execution) return; // the task was deleted with its executions
      const status = exit.stopped ? "stopped" : exit.exitCode === 0 ? "succeeded" : "failed";
      deps.executions.markEnded(executionId, { status, exitCode: exit.exitCode, signal: exit.signal, endedAt: exit.endedAt });
      const task = deps.tasks.find(taskId);
      // Only a status this run set is replaced: an agent's report (review, done…) or a person's choice stands.
      if (task && (task.status === "running" || task.status === "needs_input")) {
        const next = exit.stopped ? "interrupted" : exit.exitCode === 0 ? "done" : "failed";
        deps.tasks.setStatus(taskId, next);
      }
      deps.logger.info({ taskId, executionId, exitCode: exit.exitCode, signal: exit.signal, stopped: exit.stopped }, "session exited");
    } catch (error) {
      deps.logger.error({ err: error, taskId, executionId }, "could not record a session's exit");
    }
  }
}
