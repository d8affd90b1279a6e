import type { AppConfig } from "./config";
import { openDatabase, type OpenDatabase } from "./db/open-database";
import { CostService } from "./costs/cost-service";
import { AppEvents } from "./events/app-events";
import { ExecutionService } from "./executions/execution-service";
import type { Logger } from "./logger";
import { ProfileService } from "./profiles/profile-service";
import { ScreenStatusWatcher } from "./agents/screen-status";
import { AgentCliDetector } from "./agents/cli-detect";
import { INTERNAL_TOKEN_FILE, loadOrCreateTokenFile } from "./security/secrets";
import { recordingPath } from "../terminal/recording/asciicast-writer";
import { HistoryService } from "./recordings/history-service";
import { OutputSearchService } from "./search/output-search-service";
import { lastRecordedEventAt } from "../terminal/recording/recording-tail";
import { SettingsService } from "./settings/settings-service";
import { TaskService } from "./tasks/task-service";
import { TerminalService, type TerminalServiceDeps } from "./terminals/terminal-service";
import { WorkspaceService } from "./workspaces/workspace-service";
import { WorkspaceReviewService } from "../workspace/review-service";
import { HostedSessions } from "../terminal/server/hosted-sessions";
import { killRunLeftovers } from "./terminals/run-leftovers";
import type { HostConnection } from "../terminal/server/host-connection";

/**
 * The composition root: every long-lived service of one app process. Built once by the custom
 * server and published on globalThis (see registry.ts) so that the Next-bundled code — server
 * actions, pages — uses these same instances instead of its own module copies.
 */
export interface Services {
  config: AppConfig;
  logger: Logger;
  database: OpenDatabase;
  events: AppEvents;
  settings: SettingsService;
  profiles: ProfileService;
  tasks: TaskService;
  executions: ExecutionService;
  /** Tokens and cost of Claude runs, read from their transcripts as they run. */
  costs: CostService;
  /** The sessions in the terminal host process (src/terminal/host), as this app server sees them. */
  sessions: HostedSessions;
  terminals: TerminalService;
  /** Isolated tasks' git worktrees: created at first start, checked, repaired, removed on request. */
  workspaces: WorkspaceService;
  /** What an isolated task changed, and landing it: commit, merge, push, pull request. */
  review: WorkspaceReviewService;
  history: HistoryService;
  /** Search in task output (one run, or all runs), matched in worker threads. */
  search: OutputSearchService;
  /** Which agent CLIs are on PATH, with their versions (Settings). */
  agentClis: AgentCliDetector;
  internalToken: string;
  startedAt: Date;
  version: string;
  /** The origin the server listens on; set once it listens. */
  origin: string;
  /** Leaves the terminal host (its sessions keep running), then closes the database. */
  close(): Promise<void>;
}

export interface CreateServicesOptions {
  prepareLaunch?: TerminalServiceDeps["prepareLaunch"];
  forgetRun?: TerminalServiceDeps["forgetRun"];
  /** An open connection to the terminal host (src/terminal/server/host-launcher.ts). */
  host: HostConnection;
}

export function createServices(
  config: AppConfig,
  logger: Logger,
  version: string,
  options: CreateServicesOptions,
): Services {
  const database = openDatabase(config.dataDir);
  const events = new AppEvents();
  const settings = new SettingsService(database.db);
  const profiles = new ProfileService(database.db);
  profiles.seedDefaults();
  const tasks = new TaskService(database.db, profiles, events);
  const executions = new ExecutionService(database.db, events);
  const sessions = new HostedSessions(options.host);
  // Runs the terminal host still holds, or ended while no app server was there, are not stale.
  const known = options.host.welcome;
  const alive = new Set([...known.sessions.map((s) => s.executionId), ...known.endedWhileAway.map((r) => r.executionId)]);
  // A run's end is its recording's last event: the restart may come long after the crash.
  const interrupted = executions.markStaleInterrupted(
    (execution) => lastRecordedEventAt(recordingPath(config.dataDir, execution.id), execution.startedAt),
    new Date(),
    alive,
  );
  if (interrupted.length > 0) {
    // Their host died while no app server was connected: nobody ended what ignored the hang-up.
    const killed = killRunLeftovers(interrupted.map((execution) => execution.id));
    logger.warn({ count: interrupted.length, leftoverProcessesKilled: killed }, "marked runs left live by a previous server as interrupted");
  }
  const costs = new CostService({ db: database.db, events, logger });
  costs.resume();
  const internalToken = loadOrCreateTokenFile(config.dataDir, INTERNAL_TOKEN_FILE, config.internalToken);
  const workspaces = new WorkspaceService({
    db: database.db,
    tasks,
    settings,
    logger,
    dataDir: config.dataDir,
    // Starting counts as running: a worktree must not be removed under a start that is preparing it.
    isRunning: (taskId) => sessions.get(taskId)?.running === true || services.terminals?.isStarting(taskId) === true,
  });
  const history = new HistoryService(executions, settings, config.dataDir);
  const services: Services = {
    config,
    logger,
    database,
    events,
    settings,
    profiles,
    tasks,
    executions,
    costs,
    sessions,
    terminals: undefined as unknown as TerminalService,
    workspaces,
    review: new WorkspaceReviewService({ workspaceOf: (taskId) => workspaces.workspaceOf(taskId) }),
    history,
    search: new OutputSearchService({ db: database.db, tasks, sessions, history }),
    agentClis: new AgentCliDetector(),
    internalToken,
    startedAt: new Date(),
    version,
    origin: `http://${config.host}:${config.port}`,
    async close() {
      services.terminals.detach();
      services.search.dispose();
      sessions.detach();
      costs.close();
      database.close();
    },
  };
  services.terminals = new TerminalService({
    tasks,
    profiles,
    executions,
    settings,
    workspaces,
    store: sessions,
    events,
    logger,
    origin: () => services.origin,
    internalToken,
    dataDir: config.dataDir,
    prepareLaunch: options.prepareLaunch,
    forgetRun: options.forgetRun,
  });
  // Off the request path: Settings finds the answer ready.
  void services.agentClis.refresh().catch((error: unknown) => logger.warn({ err: error }, "could not detect the agent CLIs"));
  // Agents without hooks (Aider, opencode): their status is read from their screen.
  const screenStatus = new ScreenStatusWatcher({ sessions, events, executions, tasks, profiles, logger });
  const close = services.close;
  services.close = async () => {
    screenStatus.dispose();
    await close();
  };
  sessions.onEvent((event) => {
    if (event.type !== "changed") events.emit({ type: "session.changed", taskId: event.taskId, live: event.type === "added" });
  });
  return services;
}
