import type { EndedRun, HostCallResults, HostedSessionInfo, HostMessage, RecordingFlush, SessionStats, SpawnSpec } from "../contract/host-protocol";
import type { ClientMessage, ServerMessage, SessionState } from "../contract/protocol";
import type { OutputReadQuery, OutputReadResult } from "../host/output-log";
import type { ScreenSnapshot, SnapshotOptions, SnapshotViewMode } from "../host/screen-mirror";
import type { StopSignal } from "../host/signals";
import type { HostConnection } from "./host-connection";

/**
 * The app server's view of the sessions in the terminal host: what it needs synchronously (is it
 * running, its pid, size, viewers) is kept up to date from the host's events; reads of the output
 * log and the screen are calls to the host. A session's exit reaches `onExit` listeners before any
 * answer that depends on it (the host sends the event first).
 */

export interface SessionExit {
  exitCode: number | null;
  signal: string | null;
  endedAt: Date;
  /** Stopped on request (stop, reap, shutdown). */
  stopped: boolean;
  /** The terminal host itself went away (killed): the run was cut off, not ended. */
  hostLost?: boolean;
}

/** Attempts to start a new host after the last one went away, before starts fail for good. */
const RECONNECT_ATTEMPTS = 10;
const RECONNECT_MAX_DELAY_MS = 5_000;

export type SessionEvent = { type: "added" | "removed" | "changed"; taskId: string; session: HostedSession };

/** One browser viewer's traffic, relayed between its WebSocket and the session's viewer hub in the host. */
export interface ViewerRelay {
  /** Valid only during the call: it may sit in the connection's reused read buffer. */
  output(data: Buffer): void;
  message(message: ServerMessage): void;
  closed(code: number, reason: string): void;
}

export class HostedSession {
  readonly taskId: string;
  readonly executionId: string;
  readonly startedAt: Date;
  readonly commandLine: string;
  readonly pid: number;
  private info: HostedSessionInfo;
  private exitInfo: SessionExit | undefined;
  private readonly exitListeners = new Set<(exit: SessionExit) => void>();
  private readonly stateListeners = new Set<() => void>();
  private readonly outputListeners = new Set<() => void>();

  constructor(
    private readonly registry: HostedSessions,
    info: HostedSessionInfo,
  ) {
    this.info = info;
    this.taskId = info.taskId;
    this.executionId = info.executionId;
    this.startedAt = new Date(info.startedAt);
    this.commandLine = info.commandLine;
    this.pid = info.pid ?? 0;
    if (!info.running) this.exitInfo = exitFromInfo(info);
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  get exit(): SessionExit | undefined {
    return this.exitInfo;
  }

  get viewerCount(): number {
    return this.info.viewers;
  }

  get size(): { cols: number; rows: number } {
    return { cols: this.info.cols, rows: this.info.rows };
  }

  get state(): SessionState {
    const { commandLine: _commandLine, stopped: _stopped, ...state } = this.info;
    return state;
  }

  onExit(listener: (exit: SessionExit) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  onStateChange(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Fires after each batch of output the host processed (the host only reports while someone listens). */
  onOutput(listener: () => void): () => void {
    this.outputListeners.add(listener);
    if (this.outputListeners.size === 1) this.registry.watchOutput(this.taskId, true);
    return () => {
      if (this.outputListeners.delete(listener) && this.outputListeners.size === 0) this.registry.watchOutput(this.taskId, false);
    };
  }

  write(data: string): void {
    if (data.length === 0 || !this.running) return;
    this.registry.connection.send({ t: "write", taskId: this.taskId, data });
  }

  resize(cols: number, rows: number): void {
    const c = Math.max(1, Math.floor(cols));
    const r = Math.max(1, Math.floor(rows));
    this.info = { ...this.info, cols: c, rows: r };
    this.registry.connection.send({ t: "resize", taskId: this.taskId, cols: c, rows: r });
  }

  /** Stops the process tree; resolves once the exit has been reported (and recorded by listeners). */
  async stop(options: { signal?: StopSignal } = {}): Promise<void> {
    if (!this.running) return;
    await this.registry.connection.call({ op: "stop", taskId: this.taskId, ...(options.signal ? { signal: options.signal } : {}) });
  }

  readLog(query: OutputReadQuery): Promise<OutputReadResult> {
    return this.registry.connection.call({ op: "readLog", taskId: this.taskId, executionId: this.executionId, query });
  }

  snapshot(mode: SnapshotViewMode, options: SnapshotOptions = {}): Promise<ScreenSnapshot> {
    return this.registry.connection.call({
      op: "snapshot",
      taskId: this.taskId,
      executionId: this.executionId,
      mode,
      ...(options.nLines !== undefined ? { nLines: options.nLines } : {}),
      ...(options.contextLines !== undefined ? { contextLines: options.contextLines } : {}),
    });
  }

  /** Flushes the run's recording to disk and says where the log stood then (see RecordingFlush). */
  flushRecording(): Promise<RecordingFlush> {
    return this.registry.connection.call({ op: "flushRecording", taskId: this.taskId, executionId: this.executionId });
  }

  stats(): Promise<SessionStats> {
    return this.registry.connection.call({ op: "stats", taskId: this.taskId, executionId: this.executionId });
  }

  /** Relays one viewer; the returned functions carry its messages to the host. */
  openViewer(relay: ViewerRelay): { send(message: ClientMessage): void; blocked(on: boolean): void; close(): void } {
    return this.registry.openViewer(this.taskId, relay);
  }

  /** @internal The host reported a new state. */
  update(info: HostedSessionInfo): void {
    this.info = info;
    for (const listener of this.stateListeners) listener();
  }

  /** @internal The host reported the exit (or went away). */
  ended(exit: SessionExit): void {
    if (this.exitInfo) return;
    this.exitInfo = exit;
    this.info = { ...this.info, running: false, exitCode: exit.exitCode, signal: exit.signal, endedAt: exit.endedAt.toISOString(), stopped: exit.stopped };
    for (const listener of [...this.exitListeners]) listener(exit);
    for (const listener of this.stateListeners) listener();
  }

  /** @internal */
  outputArrived(): void {
    for (const listener of this.outputListeners) listener();
  }

  /** @internal Forgotten by the host. */
  dropped(): void {
    this.exitListeners.clear();
    this.stateListeners.clear();
    this.outputListeners.clear();
  }
}

function exitFromInfo(info: HostedSessionInfo): SessionExit {
  return { exitCode: info.exitCode, signal: info.signal, endedAt: new Date(info.endedAt ?? Date.now()), stopped: info.stopped };
}

/**
 * Every session the terminal host holds, keyed by task id (at most one per task), as the app
 * server sees them. Built from the host's welcome, then kept in step by its events.
 */
export class HostedSessions {
  private readonly sessions = new Map<string, HostedSession>();
  private readonly listeners = new Set<(event: SessionEvent) => void>();
  private readonly exitRecorders = new Set<(session: HostedSession, exit: SessionExit) => void>();
  private readonly lostListeners = new Set<(sessions: HostedSession[]) => void>();
  private readonly relays = new Map<number, ViewerRelay>();
  private readonly stoppingListeners = new Set<() => void>();
  private nextChannel = 1;
  private current: HostConnection;
  private detached = false;
  private hostStopping = false;
  private reconnect: (() => Promise<HostConnection>) | undefined;
  private reconnecting: Promise<void> | undefined;
  private readonly reboundListeners = new Set<() => void>();
  private reconnectFailed: ((error: unknown, attempt: number) => void) | undefined;

  constructor(connection: HostConnection) {
    this.current = connection;
    this.bind(connection);
  }

  /** The connection to the terminal host now (a new one after the old host went away). */
  get connection(): HostConnection {
    return this.current;
  }

  /** This app server leaves (it exits): the host and its sessions go on without it. */
  detach(): void {
    this.detached = true;
    for (const channel of [...this.relays.keys()]) this.closeRelay(channel, 1001, "The server is shutting down");
    this.current.close();
  }

  /**
   * How to reach a host again after this one went away (the app server starts a new one). Until
   * it answers, starts wait for it rather than fail.
   */
  reconnectWith(connect: () => Promise<HostConnection>, onFailure: (error: unknown, attempt: number) => void): void {
    this.reconnect = connect;
    this.reconnectFailed = onFailure;
  }

  /** Fires when a new host took over (after the previous one went away). */
  onRebound(listener: () => void): () => void {
    this.reboundListeners.add(listener);
    return () => this.reboundListeners.delete(listener);
  }

  /** The connection, once one is open (waiting for a new host if the last one just went away). */
  async ready(): Promise<HostConnection> {
    if (!this.current.isOpen && this.reconnecting) await this.reconnecting;
    return this.current;
  }

  private startReconnecting(): void {
    const connect = this.reconnect;
    if (!connect || this.reconnecting || this.detached || this.hostStopping) return;
    this.reconnecting = (async () => {
      for (let attempt = 1; !this.detached; attempt++) {
        try {
          const next = await connect();
          if (this.detached) {
            next.close();
            return;
          }
          this.current = next;
          this.bind(next);
          for (const listener of this.reboundListeners) listener();
          return;
        } catch (error) {
          this.reconnectFailed?.(error, attempt);
          if (attempt >= RECONNECT_ATTEMPTS) return;
          await new Promise((r) => setTimeout(r, Math.min(RECONNECT_MAX_DELAY_MS, 500 * attempt)));
        }
      }
    })().finally(() => {
      this.reconnecting = undefined;
    });
  }

  /** The host announced it stops every session and exits (`npm run stop`). */
  onHostStopping(listener: () => void): () => void {
    this.stoppingListeners.add(listener);
    return () => this.stoppingListeners.delete(listener);
  }

  private bind(connection: HostConnection): void {
    for (const info of connection.welcome.sessions) this.sessions.set(info.taskId, new HostedSession(this, info));
    connection.onMessage((message) => {
      if (this.current === connection) this.onHostMessage(message);
    });
    connection.onViewerOutput((channel, data) => {
      if (this.current === connection) this.relays.get(channel)?.output(data);
    });
    connection.onClose(() => {
      if (this.current === connection && !this.detached) this.hostLost();
    });
  }

  get(taskId: string): HostedSession | undefined {
    return this.sessions.get(taskId);
  }

  list(): HostedSession[] {
    return [...this.sessions.values()];
  }

  /** Sessions whose process is still running: what the concurrency limit counts. */
  runningCount(): number {
    let n = 0;
    for (const session of this.sessions.values()) if (session.running) n++;
    return n;
  }

  hasRunning(taskId: string): boolean {
    return this.sessions.get(taskId)?.running ?? false;
  }

  onEvent(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs for every exit of every session, before the session's own exit listeners. */
  onAnyExit(listener: (session: HostedSession, exit: SessionExit) => void): () => void {
    this.exitRecorders.add(listener);
    return () => this.exitRecorders.delete(listener);
  }

  /** The host went away: these sessions were running in it. */
  onHostLost(listener: (sessions: HostedSession[]) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  async spawn(spec: SpawnSpec): Promise<{ session: HostedSession; spawned: HostCallResults["spawn"] }> {
    const spawned = await (await this.ready()).call({ op: "spawn", spec });
    // The host's `session` event for it came before this answer; it is in the map.
    const session = this.sessions.get(spec.taskId);
    if (!session || session.executionId !== spec.executionId) throw new Error("the terminal host did not report the new session");
    return { session, spawned };
  }

  async remove(taskId: string, reason: string): Promise<void> {
    if (!this.sessions.has(taskId)) return;
    await this.connection.call({ op: "remove", taskId, reason });
  }

  /** Runs the app server has recorded; the host stops keeping them for the next app server. */
  recorded(executionIds: string[]): void {
    if (executionIds.length > 0 && this.connection.isOpen) void this.connection.call({ op: "exitsRecorded", executionIds }).catch(() => undefined);
  }

  /** @internal */
  watchOutput(taskId: string, on: boolean): void {
    if (this.connection.isOpen) this.connection.send({ t: "watchOutput", taskId, on });
  }

  /** @internal */
  openViewer(taskId: string, relay: ViewerRelay): { send(message: ClientMessage): void; blocked(on: boolean): void; close(): void } {
    const channel = this.nextChannel++;
    this.relays.set(channel, relay);
    const connection = this.connection;
    if (connection.isOpen) connection.send({ t: "viewerOpen", channel, taskId });
    else queueMicrotask(() => this.closeRelay(channel, 1001, "The terminal host is not connected"));
    return {
      send: (message) => {
        if (this.relays.has(channel) && connection.isOpen) connection.send({ t: "viewerMessage", channel, message });
      },
      blocked: (on) => {
        if (this.relays.has(channel) && connection.isOpen) connection.send({ t: "viewerBlocked", channel, blocked: on });
      },
      close: () => {
        if (!this.relays.delete(channel)) return;
        if (connection.isOpen) connection.send({ t: "viewerClose", channel });
      },
    };
  }

  private closeRelay(channel: number, code: number, reason: string): void {
    const relay = this.relays.get(channel);
    if (!relay) return;
    this.relays.delete(channel);
    relay.closed(code, reason);
  }

  private onHostMessage(message: HostMessage): void {
    switch (message.t) {
      case "session": {
        const existing = this.sessions.get(message.info.taskId);
        if (existing && existing.executionId === message.info.executionId) {
          existing.update(message.info);
          this.emit({ type: "changed", taskId: existing.taskId, session: existing });
          return;
        }
        if (existing) this.drop(existing);
        const session = new HostedSession(this, message.info);
        this.sessions.set(session.taskId, session);
        this.emit({ type: "added", taskId: session.taskId, session });
        return;
      }
      case "removed": {
        const session = this.sessions.get(message.taskId);
        if (session && session.executionId === message.executionId) this.drop(session);
        return;
      }
      case "exit":
        return this.exited(message.run);
      case "output": {
        const session = this.sessions.get(message.taskId);
        if (session?.executionId === message.executionId) session.outputArrived();
        return;
      }
      case "viewerMessage":
        return this.relays.get(message.channel)?.message(message.message);
      case "viewerClosed":
        return this.closeRelay(message.channel, message.code, message.reason);
      case "hostStopping":
        // Stopped on purpose (`npm run stop`): no new host is started when it goes.
        this.hostStopping = true;
        for (const listener of this.stoppingListeners) listener();
        return;
    }
  }

  private exited(run: EndedRun): void {
    const session = this.sessions.get(run.taskId);
    if (!session || session.executionId !== run.executionId || !session.running) return;
    const exit: SessionExit = { exitCode: run.exitCode, signal: run.signal, endedAt: new Date(run.endedAt), stopped: run.stopped };
    for (const recorder of this.exitRecorders) recorder(session, exit);
    session.ended(exit);
    this.emit({ type: "changed", taskId: session.taskId, session });
  }

  private drop(session: HostedSession): void {
    if (this.sessions.get(session.taskId) === session) this.sessions.delete(session.taskId);
    session.dropped();
    this.emit({ type: "removed", taskId: session.taskId, session });
  }

  private hostLost(): void {
    for (const channel of [...this.relays.keys()]) this.closeRelay(channel, 1001, "The terminal host stopped");
    const running = this.list().filter((session) => session.running);
    for (const listener of this.lostListeners) listener(running);
    for (const session of this.list()) {
      if (session.running) {
        const exit: SessionExit = { exitCode: null, signal: null, endedAt: new Date(), stopped: false, hostLost: true };
        for (const recorder of this.exitRecorders) recorder(session, exit);
        session.ended(exit);
      }
      this.drop(session);
    }
    this.startReconnecting();
  }

  private emit(event: SessionEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
