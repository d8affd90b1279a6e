import fs from "node:fs";
import { z } from "zod";
import { AppError, isAppError } from "../../lib/errors";
import type { HostedSession, HostedSessions, SessionExit } from "../../terminal/server/hosted-sessions";
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
import { buildLaunchPlan, buildSessionEnv, type ResumeTarget } from "./launch-plan";
import { AGENT_CLIS, isBuiltinAgentKind } from "../../lib/agent-clis";
import { recordingPath } from "../../terminal/recording/asciicast-writer";
import { lastRecordedEventAt } from "../../terminal/recording/recording-tail";
import { DEFAULT_COLS, DEFAULT_ROWS } from "../../terminal/host/pty-session";
import { killSessionTree } from "../../terminal/host/process-tree";
import { EXECUTION_ID_ENV, killRunLeftovers } from "./run-leftovers";
import { BACKGROUND_NICENESS } from "../../terminal/contract/host-protocol";

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
  /** The sessions in the terminal host process. */
  store: HostedSessions;
  events: AppEvents;
  logger: Logger;
  /** The app's own origin (known once the server listens), e.g. http://127.0.0.1:3000. */
  origin(): string;
  internalToken: string;
  /** Where recordings go (`<dataDir>/recordings/<executionId>.cast`). */
  dataDir: string;
  /** Removes what a launch prepared, for a run whose cleanup was lost with an earlier app server. */
  forgetRun?: (executionId: string) => void;
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
  /** Per run: what its launch prepared and its end must remove (Claude's settings files). */
  private readonly cleanups = new Map<string, () => void>();
  /** Runs spawned whose execution row is not written yet (see untilRecorded). */
  private readonly unrecorded = new Map<string, Promise<void>>();

  constructor(private readonly deps: TerminalServiceDeps) {
    // A deleted task must not leave its agent running.
    deps.events.onEvent((event) => {
      if (event.type === "task.deleted") void deps.store.remove(event.taskId, "Task deleted").catch(() => undefined);
    });
    deps.store.onAnyExit((session, exit) => this.recordExit(session.taskId, session.executionId, exit));
    deps.store.onHostLost((sessions) => {
      if (sessions.length > 0) deps.logger.error({ running: sessions.length }, "the terminal host stopped; its sessions ended");
      // The kernel hung up their terminals; whatever ignored that must not be left behind.
      for (const session of sessions) if (session.pid > 0) void killSessionTree(session.pid, { graceMs: 0, signal: "SIGKILL" }).catch(() => undefined);
      // A process that left its session and whose parent died with the hang-up is no longer in any tree.
      if (sessions.length > 0) killRunLeftovers(sessions.map((session) => session.executionId));
    });
    this.configureHost();
    deps.settings.onChange(() => this.configureHost());
    // Runs that ended while no app server was connected.
    const ended = deps.store.connection.welcome.endedWhileAway;
    for (const run of ended) {
      this.recordExit(run.taskId, run.executionId, { exitCode: run.exitCode, signal: run.signal, endedAt: new Date(run.endedAt), stopped: run.stopped });
    }
  }

  /** Sends the keepalive times to the terminal host (at connect, and whenever Settings change). */
  configureHost(): void {
    const keepalive = { runningMs: this.deps.settings.get("terminal.keepaliveRunningMs"), exitedMs: this.deps.settings.get("terminal.keepaliveExitedMs") };
    if (this.deps.store.connection.isOpen) void this.deps.store.connection.call({ op: "configure", keepalive }).catch(() => undefined);
  }

  /**
   * The checks run synchronously and mark the task as starting before the workspace is prepared
   * (git, asynchronous), so concurrent starts cannot both pass them.
   */
  /** Whether a start or resume of the task is under way (checked, not yet running). */
  isStarting(taskId: string): boolean {
    return this.starting.has(taskId);
  }

  async start(taskId: string, options: StartOptions = {}): Promise<Execution> {
    return this.launch(taskId, options, undefined);
  }

  /**
   * Runs the task's agent again on its previous conversation: the given session id, else the one
   * its last runs reported (hooks, notify), else — for CLIs that offer it — their most recent
   * session in the task's directory (agent-clis.ts lists which CLI resumes how).
   */
  async resume(taskId: string, sessionId?: string, options: Omit<StartOptions, "prompt"> = {}): Promise<Execution> {
    const task = this.deps.tasks.get(taskId);
    const given = sessionId?.trim() || undefined;
    const previous = this.deps.executions.runForResume(taskId, given);
    const blocker = this.deps.workspaces.resumeBlocker(taskId, previous);
    if (blocker) throw new AppError("conflict:workspace", blocker);
    const profile = this.profileFor(task);
    if (!isBuiltinAgentKind(profile.kind)) {
      throw new AppError(
        "bad_request:resume",
        `Resume needs an agent CLI profile (Claude Code, Codex, Gemini CLI, opencode, Aider); this task runs "${profile.name}". Start it again instead.`,
      );
    }
    const support = AGENT_CLIS[profile.kind].resume;
    // An id given by the caller is used where the CLI takes one; a recorded one only where its runs report ids.
    let id = given ?? (support === "last" ? undefined : (previous?.agentSessionId ?? undefined));
    if (!id && support === "id") {
      throw new AppError("bad_request:resume", `No ${AGENT_CLIS[profile.kind].label} session id is recorded for this task yet; start it first.`);
    }
    if (id) {
      const parsed = agentSessionIdSchema.safeParse(id);
      if (!parsed.success) throw new AppError("bad_request:resume", `Session id ${parsed.error.issues[0]?.message}`);
      id = parsed.data;
    }
    return this.launch(taskId, options, { sessionId: id });
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

  /**
   * Resolves once a run that is starting has its execution row (or failed to start); at once for
   * any other id. A program that reports through CALLBACK_URL as its very first act (a script,
   * a hook) reached the server before the host's answer to the spawn had been handled, and got a 404.
   */
  untilRecorded(executionId: string): Promise<void> {
    return this.unrecorded.get(executionId) ?? Promise.resolve();
  }

  private holdCallbacks(executionId: string): () => void {
    let release!: () => void;
    this.unrecorded.set(executionId, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.unrecorded.delete(executionId);
      release();
    };
  }

  session(taskId: string): HostedSession | undefined {
    return this.deps.store.get(taskId);
  }

  /** The app server is going away: no new starts. Sessions keep running in the terminal host. */
  detach(): void {
    this.shuttingDown = true;
  }

  /**
   * A resume without a session id lets the CLI pick its most recent session in the directory
   * (Codex's `--last`, Gemini's `latest`, opencode's `--continue`, Aider's chat history). When
   * another task ran the same CLI there since, that is the other task's conversation.
   */
  private refuseAnotherTasksSession(task: Task, profile: CliProfile, cwd: string): void {
    if (!isBuiltinAgentKind(profile.kind)) return;
    const other = this.deps.executions.laterRunOfAnotherTask(task.id, profile.kind, cwd);
    if (!other) return;
    const cli = AGENT_CLIS[profile.kind];
    const withId = cli.resume === "id-or-last" ? ", or resume it with its session id" : "";
    throw new AppError(
      "conflict:resume",
      `${cli.label} resumes its most recent session in ${cwd}, and the task "${other.title}" ran ${cli.label} there after this task: Resume would open that task's conversation. Start this task again instead${withId}.`,
    );
  }

  /**
   * A start awaits the workspace and the terminal host: the task or its profile can be deleted in
   * between, and the run's rows would then fail their foreign keys (a 500). Says which one went.
   */
  private deletedMeanwhile(taskId: string, profile: CliProfile): AppError | undefined {
    if (!this.deps.tasks.find(taskId)) return new AppError("not_found:task", "The task was deleted while its terminal was starting.");
    if (!this.deps.profiles.find(profile.id)) {
      return new AppError("conflict:profile", `The CLI profile "${profile.name}" was deleted while the task was starting; start it again to use another profile.`);
    }
    return undefined;
  }

  private profileFor(task: Task): CliProfile {
    return (task.profileId ? this.deps.profiles.find(task.profileId) : undefined) ?? this.deps.profiles.getActive();
  }

  private async launch(taskId: string, options: StartOptions, resume: ResumeTarget | undefined): Promise<Execution> {
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
    if (options.prompt !== undefined && options.prompt !== task.prompt && !resume) {
      task = deps.tasks.update(taskId, { prompt: options.prompt });
    }
    this.starting.add(taskId);
    try {
      const prepared = await deps.workspaces.prepare(task, { createIfMissing: !resume });
      if (this.shuttingDown) throw new AppError("unavailable:shutdown", "The server is shutting down; no new sessions start.");
      if (resume && !resume.sessionId) this.refuseAnotherTasksSession(task, profile, prepared.cwd);
      const gone = this.deletedMeanwhile(task.id, profile);
      if (gone) throw gone;
      return await this.spawn(task, profile, options, resume, prepared);
    } finally {
      this.starting.delete(taskId);
    }
  }

  private async spawn(task: Task, profile: CliProfile, options: StartOptions, resume: ResumeTarget | undefined, prepared: PreparedLaunch): Promise<Execution> {
    const { deps } = this;
    const prompt = options.prompt ?? task.prompt;
    const cwd = prepared.cwd;
    const plan = buildLaunchPlan(profile, prompt, resume);
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
      [EXECUTION_ID_ENV]: executionId,
      CALLBACK_URL: callbackUrl,
      AI_MANAGER_URL: deps.origin(),
      AI_MANAGER_INTERNAL_TOKEN: deps.internalToken,
    });
    const cols = options.cols ?? DEFAULT_COLS;
    const rows = options.rows ?? DEFAULT_ROWS;
    let command = plan.command;
    const commandLine = [plan.command, ...args].join(" ");
    if (prepared.setupCommand && prepared.setupMarker && !resume) {
      // The agent must exist before the setup runs: a missing command fails the start, as without setup.
      const agent = resolveCommand(plan.command, cwd, env.PATH);
      if (!agent) {
        cleanup?.();
        throw new AppError(
          "bad_request:command",
          `Command not found: "${plan.command}" (looked in PATH${plan.command.includes("/") ? " and the task's directory" : ""}). Install it or change the CLI profile.`,
        );
      }
      command = "/bin/sh";
      args = ["-c", SETUP_SCRIPT, SETUP_ARGV0, prepared.setupCommand, prepared.setupMarker, agent, ...args];
    }
    let session: HostedSession;
    let recordingStartedAt: number;
    // Recorded before the exit can be reported (a program that fails at once exits within the spawn).
    if (cleanup) this.cleanups.set(executionId, cleanup);
    let execution: Execution;
    // The program may call its CALLBACK_URL before its row exists: such calls wait for it.
    const rowWritten = this.holdCallbacks(executionId);
    try {
      try {
        const result = await deps.store.spawn({
          taskId: task.id,
          executionId,
          command,
          args,
          cwd,
          env,
          cols,
          rows,
          scrollbackLines: deps.settings.get("terminal.scrollbackLines"),
          niceness: deps.settings.get("terminal.cpuPriority") === "background" ? BACKGROUND_NICENESS : 0,
          ...(plan.initialInput !== undefined ? { initialInput: plan.initialInput } : {}),
          recording: {
            file: recordingPath(deps.dataDir, executionId),
            title: task.title,
            command: commandLine,
            env: { TERM: "xterm-256color", SHELL: env.SHELL ?? "/bin/sh" },
            maxBytes: deps.settings.get("terminal.recordingMaxBytes"),
          },
        });
        session = result.session;
        recordingStartedAt = result.spawned.recordingStartedAt;
      } catch (error) {
        this.cleanups.delete(executionId);
        cleanup?.();
        if (isAppError(error) && error.code === "bad_request:cwd") throw new AppError(error.code, error.message, { cwd: error.message });
        throw error;
      }
      try {
        execution = deps.executions.create(executionId, {
          taskId: task.id,
          profile,
          commandLine: session.commandLine,
          cwd,
          callbackSecretHash: sha256(secret),
          agentSessionId: resume?.sessionId ?? null,
          // The recording's clock: after a crash, its last event's offset dates the run's end.
          startedAt: new Date(recordingStartedAt),
        });
        deps.executions.setPid(executionId, session.pid);
        deps.tasks.setStatus(task.id, "running", null);
      } catch (error) {
        // No row refers to this run: neither its process nor its recording may stay behind.
        void session
          .stop({ signal: "SIGKILL" })
          .catch(() => undefined)
          .finally(() => fs.rmSync(recordingPath(deps.dataDir, executionId), { force: true }));
        throw this.deletedMeanwhile(task.id, profile) ?? error;
      }
    } finally {
      rowWritten();
    }
    // A run that ended before its row existed (a command that fails at once): record it now.
    if (session.exit) this.recordExit(task.id, executionId, session.exit);
    deps.logger.info({ taskId: task.id, executionId, pid: session.pid, command: plan.command, cwd, setup: command !== plan.command }, "session started");
    return deps.executions.get(execution.id);
  }

  private recordExit(taskId: string, executionId: string, exit: SessionExit): void {
    const { deps } = this;
    const cleanup = this.cleanups.get(executionId) ?? (() => this.deps.forgetRun?.(executionId));
    this.cleanups.delete(executionId);
    try {
      cleanup();
    } catch (error) {
      deps.logger.warn({ err: error, executionId }, "could not remove a run's launch files");
    }
    try {
      const execution = deps.executions.find(executionId);
      if (!execution || execution.status !== "running") {
        // The task was deleted with its executions, or this end is already recorded.
        deps.store.recorded([executionId]);
        return;
      }
      if (exit.hostLost) {
        // Its recording is intact up to the last byte the host wrote: that dates the end.
        const endedAt = lastRecordedEventAt(recordingPath(deps.dataDir, executionId), execution.startedAt) ?? exit.endedAt;
        deps.executions.markEnded(executionId, { status: "interrupted", exitCode: null, signal: null, endedAt, error: "The terminal host stopped while this run was live" });
        const task = deps.tasks.find(taskId);
        if (task && (task.status === "running" || task.status === "needs_input")) deps.tasks.setStatus(taskId, "interrupted");
        deps.logger.warn({ taskId, executionId }, "a run was cut off by the terminal host's end");
        return;
      }
      const status = exit.stopped ? "stopped" : exit.exitCode === 0 ? "succeeded" : "failed";
      deps.executions.markEnded(executionId, { status, exitCode: exit.exitCode, signal: exit.signal, endedAt: exit.endedAt });
      const task = deps.tasks.find(taskId);
      // Only a status this run set is replaced: an agent's report (review, done…) or a person's choice stands.
      if (task && (task.status === "running" || task.status === "needs_input")) {
        const next = exit.stopped ? "interrupted" : exit.exitCode === 0 ? "done" : "failed";
        deps.tasks.setStatus(taskId, next);
      }
      deps.logger.info({ taskId, executionId, exitCode: exit.exitCode, signal: exit.signal, stopped: exit.stopped }, "session exited");
      deps.store.recorded([executionId]);
    } catch (error) {
      deps.logger.error({ err: error, taskId, executionId }, "could not record a session's exit");
    }
  }
}
