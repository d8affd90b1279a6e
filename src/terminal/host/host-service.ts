import fs from "node:fs";
import { AsciicastWriter } from "../recording/asciicast-writer";
import { SOCKET_HIGH_WATERMARK } from "../contract/flow-control";
import {
  HOST_PROTOCOL_VERSION,
  helloSchema,
  parseAppMessage,
  FRAME_JSON,
  type AppMessage,
  type EndedRun,
  type HostCall,
  type HostCallResults,
  type HostedSessionInfo,
  type HostMessage,
  type HostRefused,
  type HostWelcome,
  type KeepaliveValues,
  type SessionStats,
} from "../contract/host-protocol";
import { FramedStream, type Frame } from "../contract/host-wire";
import { CLOSE_CODES } from "../contract/protocol";
import { PtySession, type ExitInfo } from "./pty-session";
import { SessionStore } from "./session-store";
import type { Viewer, ViewerTransport } from "./viewer-hub";
import { safeEqual } from "../../server/security/secrets";

/**
 * The terminal host: every session (PTY, output log, screen mirror, recording, viewers) lives
 * here, in a process of its own (host-main.ts), so that the app server can crash, restart or be
 * upgraded while agents keep running. The app server drives it over the host protocol
 * (contract/host-protocol.ts) on any byte stream. See docs/terminal-host.md.
 *
 * One app server at a time (`app` role); `control` connections (`npm run stop`, tests) may ask
 * for the status or a shutdown. While no app server is connected the host keeps every session
 * going, applies the keepalive rules on its own, and keeps the exits it saw for the next one.
 */

/** A snapshot waits this long at most for the mirror to parse what is queued, then shows what it has. */
const MIRROR_SETTLE_MS = 500;
/** Before the keepalive times are first configured (an app server always sends them at once). */
const DEFAULT_KEEPALIVE: KeepaliveValues = { runningMs: 2 * 60 * 60 * 1000, exitedMs: 5 * 60 * 1000 };
/** A peer that does not say hello within this is dropped. */
const HELLO_TIMEOUT_MS = 10_000;

export interface HostServiceOptions {
  token: string;
  /** The protocol this host speaks (only tests of version mismatches change it). */
  protocol?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

interface ViewerChannel {
  session: PtySession;
  viewer: Viewer;
  /** The app server's WebSocket for this viewer is over its watermark. */
  blocked: boolean;
}

interface Peer {
  stream: FramedStream;
  role: "app" | "control" | undefined;
  pid: number;
  channels: Map<number, ViewerChannel>;
  watched: Map<string, () => void>;
}

export class TerminalHostService {
  readonly startedAt = new Date();
  private readonly store: SessionStore;
  private keepalive: KeepaliveValues = DEFAULT_KEEPALIVE;
  private app: Peer | undefined;
  /** Exits not yet confirmed as recorded by an app server, by execution id. */
  private readonly unrecordedExits = new Map<string, EndedRun>();
  /** Each session's recording, for `flushRecording` (gone with the session). */
  private readonly recordings = new WeakMap<PtySession, AsciicastWriter>();
  private readonly idleListeners = new Set<() => void>();
  private readonly shutdownListeners = new Set<() => void>();
  private shuttingDown: Promise<number> | undefined;
  private readonly protocol: number;
  private readonly log: NonNullable<HostServiceOptions["log"]>;

  constructor(private readonly options: HostServiceOptions) {
    this.protocol = options.protocol ?? HOST_PROTOCOL_VERSION;
    this.log = options.log ?? (() => undefined);
    this.store = new SessionStore({ runningMs: () => this.keepalive.runningMs, exitedMs: () => this.keepalive.exitedMs });
    this.store.onEvent((event) => {
      if (event.type === "removed") {
        this.sendToApp({ t: "removed", taskId: event.taskId, executionId: event.session.executionId });
        this.checkIdle();
      } else {
        this.sendToApp({ t: "session", info: sessionInfo(event.session) });
      }
    });
  }

  get sessionCount(): number {
    return this.store.list().length;
  }

  /** The host-side session of a task (for in-process inspection: tests, the bench). */
  sessionFor(taskId: string): PtySession | undefined {
    return this.store.get(taskId);
  }

  get hasApp(): boolean {
    return this.app !== undefined;
  }

  /** Fires when the host holds no session and no app server is connected. */
  onIdle(listener: () => void): () => void {
    this.idleListeners.add(listener);
    return () => this.idleListeners.delete(listener);
  }

  /** Fires once a shutdown (`npm run stop`) has stopped every session. */
  onShutdown(listener: () => void): void {
    this.shutdownListeners.add(listener);
  }

  /** Serves one connection: `input` and `output` are its two directions. */
  accept(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): void {
    const peer: Peer = { stream: undefined as unknown as FramedStream, role: undefined, pid: 0, channels: new Map(), watched: new Map() };
    const helloTimer = setTimeout(() => peer.stream.close("no hello"), HELLO_TIMEOUT_MS);
    helloTimer.unref();
    peer.stream = new FramedStream(input, output, (frame) => {
      try {
        this.onFrame(peer, frame, helloTimer);
      } catch (error) {
        this.log("a host message failed", { error: (error as Error).message });
      }
    });
    peer.stream.onClose((reason) => {
      clearTimeout(helloTimer);
      this.disconnect(peer, reason);
    });
    peer.stream.onDrain(() => {
      for (const channel of peer.channels.values()) channel.session.viewerDrained(channel.viewer);
    });
  }

  /** Stops every session and forgets them (`npm run stop`, SIGTERM of the host). */
  shutdown(): Promise<number> {
    this.shuttingDown ??= (async () => {
      const running = this.store.runningCount();
      this.log("stopping every session", { running });
      await this.store.stopAll("The terminal host is stopping");
      // After every exit went out (the app server records them), so it can leave with nothing lost.
      this.sendToApp({ t: "hostStopping" });
      for (const listener of this.shutdownListeners) listener();
      return running;
    })();
    return this.shuttingDown;
  }

  private onFrame(peer: Peer, frame: Frame, helloTimer: NodeJS.Timeout): void {
    if (frame.kind !== FRAME_JSON) return this.refuse(peer, "bad_request", "Viewer output only flows from the host.");
    if (peer.role === undefined) {
      clearTimeout(helloTimer);
      return this.handshake(peer, frame.value);
    }
    const parsed = parseAppMessage(frame.value);
    if (!parsed.ok) {
      // A request we cannot read still gets an answer, so the caller does not wait forever.
      const id = requestId(frame.value);
      if (id !== undefined) this.reply(peer, id, { ok: false, error: { code: "bad_request:host", message: parsed.error } });
      else this.log("refused a malformed host message", { error: parsed.error });
      return;
    }
    this.handle(peer, parsed.message);
  }

  private handshake(peer: Peer, value: unknown): void {
    const hello = helloSchema.safeParse(value);
    if (!hello.success) return this.refuse(peer, "bad_request", "The first message must be a hello.");
    if (!safeEqual(hello.data.token, this.options.token)) return this.refuse(peer, "token", "Wrong terminal host token.");
    if (hello.data.protocol !== this.protocol) {
      return this.refuse(peer, "protocol", `This terminal host speaks protocol ${this.protocol}; the other end speaks ${hello.data.protocol}.`);
    }
    if (hello.data.role === "app" && this.app && !this.app.stream.isClosed) {
      return this.refuse(peer, "busy", `Another app server (pid ${this.app.pid}) is connected to this terminal host.`, this.app.pid);
    }
    peer.role = hello.data.role;
    peer.pid = hello.data.pid;
    if (peer.role === "app") this.app = peer;
    const welcome: HostWelcome = {
      t: "welcome",
      protocol: this.protocol,
      hostPid: process.pid,
      startedAt: this.startedAt.toISOString(),
      sessions: this.store.list().map(sessionInfo),
      endedWhileAway: [...this.unrecordedExits.values()],
    };
    peer.stream.send(welcome);
    this.log("connected", { role: peer.role, pid: peer.pid, sessions: welcome.sessions.length });
  }

  private refuse(peer: Peer, code: HostRefused["code"], message: string, appPid?: number): void {
    const refused: HostRefused = {
      t: "refused",
      code,
      message,
      protocol: this.protocol,
      hostPid: process.pid,
      runningSessions: this.store.runningCount(),
      ...(appPid !== undefined ? { appPid } : {}),
    };
    peer.stream.send(refused);
    peer.stream.close(`refused: ${code}`);
  }

  private disconnect(peer: Peer, reason: string): void {
    for (const [channel, entry] of peer.channels) {
      peer.channels.delete(channel);
      entry.session.detachViewer(entry.viewer);
    }
    for (const off of peer.watched.values()) off();
    peer.watched.clear();
    if (this.app === peer) {
      this.app = undefined;
      this.log("the app server disconnected", { reason, running: this.store.runningCount() });
      this.checkIdle();
    }
  }

  private checkIdle(): void {
    if (this.app || this.store.list().length > 0) return;
    for (const listener of this.idleListeners) listener();
  }

  private sendToApp(message: HostMessage): void {
    this.app?.stream.send(message);
  }

  private handle(peer: Peer, message: AppMessage): void {
    // A control connection only asks questions; sessions are driven by the app server.
    if (peer.role !== "app" && message.t !== "req") return;
    switch (message.t) {
      case "req":
        return void this.call(peer, message.call).then(
          (value) => this.reply(peer, message.id, { ok: true, value }),
          (error: unknown) => this.reply(peer, message.id, { ok: false, error: callError(error) }),
        );
      case "write": {
        const session = this.store.get(message.taskId);
        if (session?.running) session.write(message.data);
        return;
      }
      case "resize":
        return this.store.get(message.taskId)?.resize(message.cols, message.rows);
      case "watchOutput":
        return this.watchOutput(peer, message.taskId, message.on);
      case "viewerOpen":
        return this.openViewer(peer, message.channel, message.taskId);
      case "viewerMessage": {
        const channel = peer.channels.get(message.channel);
        if (channel) channel.session.handleViewerMessage(channel.viewer, message.message);
        return;
      }
      case "viewerBlocked": {
        const channel = peer.channels.get(message.channel);
        if (!channel) return;
        channel.blocked = message.blocked;
        if (!message.blocked) channel.session.viewerDrained(channel.viewer);
        return;
      }
      case "viewerClose": {
        const channel = peer.channels.get(message.channel);
        if (!channel) return;
        peer.channels.delete(message.channel);
        channel.session.detachViewer(channel.viewer);
        return;
      }
    }
  }

  private reply(peer: Peer, id: number, result: { ok: true; value: HostCallResults[keyof HostCallResults] } | { ok: false; error: { code: string; message: string } }): void {
    peer.stream.send({ t: "res", id, ...result } as HostMessage);
  }

  private async call(peer: Peer, call: HostCall): Promise<HostCallResults[keyof HostCallResults]> {
    if (peer.role !== "app" && call.op !== "status" && call.op !== "shutdown") {
      throw new HostCallFailure("forbidden:host", "Only the app server drives sessions.");
    }
    switch (call.op) {
      case "configure":
        this.keepalive = call.keepalive;
        return null;
      case "spawn":
        return this.spawn(call.spec);
      case "stop": {
        const session = this.store.get(call.taskId);
        if (!session?.running) throw new HostCallFailure("conflict:session", "This task has no running terminal to stop.");
        await session.stop(call.signal ? { signal: call.signal } : {});
        return sessionInfo(session);
      }
      case "remove":
        await this.store.remove(call.taskId, call.reason);
        return null;
      case "readLog":
        return this.session(call.taskId, call.executionId).log.read(call.query);
      case "snapshot": {
        const session = this.session(call.taskId, call.executionId);
        await settled(session);
        return session.mirror.snapshot(call.mode, { nLines: call.nLines, contextLines: call.contextLines });
      }
      case "stats":
        return stats(this.session(call.taskId, call.executionId));
      case "flushRecording": {
        const session = this.session(call.taskId, call.executionId);
        const recording = this.recordings.get(session);
        recording?.flush();
        const state = !recording ? "none" : recording.truncated ? "cut" : "complete";
        return { recording: state, firstLine: session.log.firstLine, totalLines: session.log.totalLines };
      }
      case "exitsRecorded":
        for (const id of call.executionIds) this.unrecordedExits.delete(id);
        return null;
      case "shutdown":
        return { stopped: await this.shutdown() };
      case "status":
        return {
          hostPid: process.pid,
          protocol: this.protocol,
          startedAt: this.startedAt.toISOString(),
          appPid: this.app?.pid ?? null,
          runningSessions: this.store.runningCount(),
          sessions: this.store.list().length,
        };
    }
  }

  private spawn(spec: Extract<HostCall, { op: "spawn" }>["spec"]): HostCallResults["spawn"] {
    if (this.shuttingDown) throw new HostCallFailure("unavailable:shutdown", "The terminal host is stopping; no new sessions start.");
    if (this.store.hasRunning(spec.taskId)) {
      throw new HostCallFailure("conflict:session", "This task's terminal is already running; stop it before starting again.");
    }
    const recording = new AsciicastWriter(
      spec.recording.file,
      { width: spec.cols, height: spec.rows, title: spec.recording.title, command: spec.recording.command, env: spec.recording.env },
      spec.recording.maxBytes,
      (error) => this.log("recording failed; the run goes on unrecorded", { executionId: spec.executionId, error: error instanceof Error ? error.message : String(error) }),
    );
    const spawned = PtySession.spawn({
      taskId: spec.taskId,
      executionId: spec.executionId,
      command: spec.command,
      args: spec.args,
      cwd: spec.cwd,
      env: spec.env,
      cols: spec.cols,
      rows: spec.rows,
      scrollbackLines: spec.scrollbackLines,
      niceness: spec.niceness,
      initialInput: spec.initialInput,
      sinks: [recording],
    });
    if (!spawned.ok) {
      recording.close();
      fs.rmSync(recording.file, { force: true });
      throw new HostCallFailure(spawned.code, spawned.message);
    }
    const session = spawned.session;
    this.recordings.set(session, recording);
    session.onExit((exit) => this.exited(session, exit));
    this.store.add(session);
    return { pid: session.pid, commandLine: session.commandLine, startedAt: session.startedAt.toISOString(), recordingStartedAt: recording.startedAt };
  }

  private exited(session: PtySession, exit: ExitInfo): void {
    const run: EndedRun = {
      taskId: session.taskId,
      executionId: session.executionId,
      exitCode: exit.exitCode,
      signal: exit.signal,
      endedAt: exit.endedAt.toISOString(),
      stopped: exit.stopped,
    };
    this.unrecordedExits.set(run.executionId, run);
    this.sendToApp({ t: "exit", run });
  }

  private session(taskId: string, executionId: string): PtySession {
    const session = this.store.get(taskId);
    if (!session || session.executionId !== executionId) {
      throw new HostCallFailure("not_found:session", `Task ${taskId} has no live terminal session for run ${executionId}.`);
    }
    return session;
  }

  private watchOutput(peer: Peer, taskId: string, on: boolean): void {
    peer.watched.get(taskId)?.();
    peer.watched.delete(taskId);
    if (!on) return;
    const session = this.store.get(taskId);
    if (!session) return;
    const off = session.onOutput(() => peer.stream.send({ t: "output", taskId, executionId: session.executionId } satisfies HostMessage));
    peer.watched.set(taskId, off);
  }

  private openViewer(peer: Peer, channel: number, taskId: string): void {
    const session = this.store.get(taskId);
    if (!session || peer.channels.has(channel)) {
      peer.stream.send({ t: "viewerClosed", channel, code: CLOSE_CODES.noSession, reason: "No terminal session for this task" } satisfies HostMessage);
      return;
    }
    const entry = { session, viewer: undefined as unknown as Viewer, blocked: false };
    const transport: ViewerTransport = {
      sendBinary: (data) => peer.stream.sendOutput(channel, data),
      sendMessage: (message) => peer.stream.send({ t: "viewerMessage", channel, message } satisfies HostMessage),
      // The browser's socket (reported by the app server) or the host's own socket to the app server.
      get bufferedAmount() {
        return (entry.blocked ? SOCKET_HIGH_WATERMARK : 0) + peer.stream.writableLength;
      },
      close: (code, reason) => {
        if (peer.channels.get(channel) !== entry) return;
        peer.channels.delete(channel);
        peer.stream.send({ t: "viewerClosed", channel, code, reason } satisfies HostMessage);
      },
    };
    peer.channels.set(channel, entry);
    entry.viewer = session.attachViewer(transport);
  }
}

export class HostCallFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function callError(error: unknown): { code: string; message: string } {
  if (error instanceof HostCallFailure) return { code: error.code, message: error.message };
  return { code: "internal:host", message: `The terminal host failed: ${error instanceof Error ? error.message : String(error)}` };
}

function requestId(value: unknown): number | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as { t?: unknown; id?: unknown };
  return record.t === "req" && typeof record.id === "number" && Number.isSafeInteger(record.id) ? record.id : undefined;
}

function sessionInfo(session: PtySession): HostedSessionInfo {
  return { ...session.state, commandLine: session.commandLine, stopped: session.exit?.stopped ?? false };
}

function stats(session: PtySession): SessionStats {
  return {
    totalLines: session.log.totalLines,
    totalBytes: session.log.totalBytes,
    outputBytes: session.outputBytes,
    lastOutputAt: session.lastOutputAt?.toISOString() ?? null,
  };
}

function settled(session: PtySession): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, MIRROR_SETTLE_MS);
    session.mirror.whenIdle(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
