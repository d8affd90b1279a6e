import fs from "node:fs";
import { OutputLog } from "./output-log";
import { killSessionTree, sessionProcesses, signalProcesses } from "./process-tree";
import { BATCH_FULL_BYTES, BATCH_MS, ECHO_WINDOW_MS, MAX_BATCH_BYTES } from "../contract/flow-control";
import { CLOSE_CODES, PROTOCOL_VERSION, type ClientMessage, type SessionState, type TerminalCloseCode } from "../contract/protocol";
import { MIRROR_SERIALIZE_SCROLLBACK_LINES, ScreenMirror } from "./screen-mirror";
import { signalName } from "./signals";
import { ViewerHub, type Viewer, type ViewerTransport } from "./viewer-hub";
import { resolveCommand } from "./command-resolver";
import { ptyReader, type ReaderPty } from "./pty-reader";
import { applySessionNiceness } from "./session-priority";

/** Grace between SIGTERM/SIGHUP and SIGKILL when a session is stopped. */
export const STOP_GRACE_MS = 2_000;
/** After the stop's kill: how long the reader thread may stay silent before the exit is taken as given. */
const EXIT_REPORT_QUIET_MS = 1_500;
/** …and the longest wait for it while output still arrives (inside the server's 9 s shutdown deadline). */
const EXIT_REPORT_LIMIT_MS = 5_000;
const EXIT_REPORT_POLL_MS = 250;
export const DEFAULT_COLS = 120;
export const DEFAULT_ROWS = 32;
/** The Shell profile's prompt is typed once the shell has been quiet this long after its first output. */
const INITIAL_INPUT_QUIET_MS = 80;
/** …or after this long at the latest, if the shell prints nothing. */
const INITIAL_INPUT_MAX_WAIT_MS = 3_000;

/** Receives every batch of output, e.g. the recording on disk. */
export interface OutputSink {
  output(data: string): void;
  resize(cols: number, rows: number): void;
  /** The process ended; flush what is buffered. */
  end(exit: ExitInfo): void;
}

export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
  endedAt: Date;
  /** True when the session was stopped on request (stop, reap, shutdown). */
  stopped: boolean;
}

export interface PtySessionOptions {
  taskId: string;
  executionId: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols?: number;
  rows?: number;
  scrollbackLines: number;
  /** Typed into the terminal once the program has drawn its first screen (Shell profile prompts). */
  initialInput?: string;
  sinks?: OutputSink[];
  /** The nice of the program's session (session-priority.ts); 0 or absent: as the host's. */
  niceness?: number;
}

export type SpawnResult =
  | { ok: true; session: PtySession }
  | { ok: false; code: "bad_request:cwd" | "bad_request:command" | "internal:spawn"; message: string };

export class PtySession {
  readonly taskId: string;
  readonly executionId: string;
  readonly startedAt = new Date();
  readonly log: OutputLog;
  readonly mirror: ScreenMirror;
  readonly commandLine: string;

  private readonly pty: ReaderPty;
  private readonly hub: ViewerHub;
  private readonly sinks: OutputSink[];
  private readonly exitListeners = new Set<(exit: ExitInfo) => void>();
  private readonly outputListeners = new Set<() => void>();
  private readonly stateListeners = new Set<() => void>();
  /** Output read since the last flush, as node-pty delivered it (bytes: viewers get them as they are). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The first bytes of a UTF-8 character split by the last flush, decoded with the next one. */
  private carry: Buffer | undefined;
  private batchTimer: NodeJS.Timeout | undefined;
  private lastInputAt = 0;
  /** The PTY is paused (not read) — while the mirror is behind or a snapshot waits for it. */
  private paused = false;
  private mirrorBehind = false;
  private snapshotsWaiting = 0;
  private mirrorFedOffset = 0;
  private exitInfo: ExitInfo | undefined;
  private stopRequested = false;
  private stopping: Promise<void> | undefined;
  /** The viewer whose fitted size the PTY has (the size policy, handleViewerMessage). */
  private sizeOwnerId: string | undefined;
  private cols: number;
  private rows: number;
  private disposed = false;
  private lastOutputAtMs: number | null = null;
  private readonly disposables: Array<() => void> = [];

  /** Launch errors (bad cwd, missing command) come back as values, never as throws. */
  static spawn(options: PtySessionOptions): SpawnResult {
    try {
      if (!fs.statSync(options.cwd).isDirectory()) {
        return { ok: false, code: "bad_request:cwd", message: `Working directory is not a directory: ${options.cwd}` };
      }
    } catch {
      return { ok: false, code: "bad_request:cwd", message: `Working directory does not exist: ${options.cwd}` };
    }
    const file = resolveCommand(options.command, options.cwd, options.env.PATH);
    if (!file) {
      return {
        ok: false,
        code: "bad_request:command",
        message: `Command not found: "${options.command}" (looked in PATH${options.command.includes("/") ? " and the task's directory" : ""}). Install it or change the CLI profile.`,
      };
    }
    try {
      return { ok: true, session: new PtySession(options, file) };
    } catch (error) {
      return { ok: false, code: "internal:spawn", message: `Could not start "${options.command}": ${(error as Error).message}` };
    }
  }

  private constructor(options: PtySessionOptions, file: string) {
    this.taskId = options.taskId;
    this.executionId = options.executionId;
    this.cols = options.cols ?? DEFAULT_COLS;
    this.rows = options.rows ?? DEFAULT_ROWS;
    this.sinks = options.sinks ?? [];
    this.commandLine = [options.command, ...options.args].map(quoteArg).join(" ");
    this.log = new OutputLog({ maxLines: options.scrollbackLines });
    this.mirror = new ScreenMirror({
      cols: this.cols,
      rows: this.rows,
      // Viewers are restored with at most this much scrollback (the serialize bound); keeping more
      // in the mirror cost memory (~14 MB at 10k lines) and made floods costlier to fast-forward.
      // The buffer API's scrollback (the output log) keeps `scrollbackLines`.
      scrollback: Math.min(options.scrollbackLines, MIRROR_SERIALIZE_SCROLLBACK_LINES),
      // Plain floods are parsed only as far as they can still be seen (see ScreenMirror).
      fastForward: true,
      // The mirror is the one answerer of terminal queries (cursor position, device attributes),
      // so agent TUIs start and run with no browser attached. Browsers drop their own replies.
      onReply: (reply) => this.writeToPty(reply),
      // Agents ask for the background colour to pick a dark or light palette.
      replyColors: { foreground: "#d6deeb", background: "#0b0e14", cursor: "#d6deeb" },
    });
    this.hub = new ViewerHub({
      takeSnapshot: (deliver) => {
        // Under a flood the mirror is never idle on its own: hold the program back for the few
        // milliseconds it takes to parse what it kept back.
        this.snapshotsWaiting++;
        this.updatePause();
        this.mirror.whenIdle(() => {
          this.snapshotsWaiting = Math.max(0, this.snapshotsWaiting - 1);
          this.updatePause();
          deliver({
            data: this.mirror.serialize(),
            cols: this.cols,
            rows: this.rows,
            offset: this.mirrorFedOffset,
          });
        });
      },
    });
    // Read on the reader thread, as bytes: the viewers' ring takes them as they are (no
    // re-encoding), and one decode per batch (flush) replaces a decode per 4 KB read.
    this.pty = ptyReader().spawn(file, options.args, {
      name: "xterm-256color",
      cols: this.cols,
      rows: this.rows,
      cwd: options.cwd,
      env: options.env,
    });
    applySessionNiceness(this.pty.pid, options.niceness ?? 0);
    this.pty.onData((data) => this.onPtyData(data));
    this.pty.onExit(({ exitCode, signal }) => this.onPtyExit(exitCode, signal));
    this.disposables.push(
      () => this.pty.dispose(),
      this.mirror.onDrain(() => {
        this.mirrorBehind = false;
        this.updatePause();
      }),
    );
    if (options.initialInput) this.typeWhenReady(options.initialInput);
  }

  get pid(): number {
    return this.pty.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  get viewerCount(): number {
    return this.hub.count;
  }

  get size(): { cols: number; rows: number } {
    return { cols: this.cols, rows: this.rows };
  }

  get lastOutputAt(): Date | null {
    return this.lastOutputAtMs === null ? null : new Date(this.lastOutputAtMs);
  }

  /** Total bytes of output the session has produced (the stream offset of its head). */
  get outputBytes(): number {
    return this.hub.headOffset + this.pendingBytes;
  }

  get state(): SessionState {
    return {
      taskId: this.taskId,
      executionId: this.executionId,
      running: this.running,
      pid: this.pty.pid ?? null,
      exitCode: this.exitInfo?.exitCode ?? null,
      signal: this.exitInfo?.signal ?? null,
      startedAt: this.startedAt.toISOString(),
      endedAt: this.exitInfo?.endedAt.toISOString() ?? null,
      cols: this.cols,
      rows: this.rows,
      viewers: this.hub.count,
    };
  }

  viewers(): Viewer[] {
    return this.hub.list();
  }

  onExit(listener: (exit: ExitInfo) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Fires after each batch of output reached the log and the mirror. */
  onOutput(listener: () => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  /** Fires when viewers come or go, or the size changes. */
  onStateChange(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Input from a person or an agent. Output that follows soon is sent without batching delay. */
  write(data: string): void {
    if (data.length === 0) return;
    this.lastInputAt = Date.now();
    this.writeToPty(data);
  }

  resize(cols: number, rows: number): void {
    if (this.disposed) return;
    const c = Math.max(1, Math.floor(cols));
    const r = Math.max(1, Math.floor(rows));
    if (c === this.cols && r === this.rows) return;
    // Output already received was produced for the old size: it must reach the mirror first.
    this.flush();
    this.cols = c;
    this.rows = r;
    if (this.running) this.pty.resize(c, r);
    this.mirror.resize(c, r);
    for (const sink of this.sinks) sink.resize(c, r);
    this.broadcastSize();
    this.emitState();
  }

  private giveUpSize(viewer: Viewer): void {
    this.sizeOwnerId = undefined;
    this.hub.sendInOrder(viewer, { type: "size", cols: this.cols, rows: this.rows, owner: false });
  }

  /** Every viewer is told the PTY size, and whether its own fitted size is the one applied. */
  private broadcastSize(): void {
    this.hub.broadcast((viewer) => ({ type: "size", cols: this.cols, rows: this.rows, owner: viewer.id === this.sizeOwnerId }));
  }

  /**
   * `viewer` now owns the size: its fitted size is applied. Viewers whose ownership changed are
   * told, even when the size itself stays (a "Fit to this view" button comes and goes with it).
   */
  private giveSizeTo(viewer: Viewer): void {
    const previous = this.sizeOwnerId;
    this.sizeOwnerId = viewer.id;
    const before = { cols: this.cols, rows: this.rows };
    if (viewer.size) this.resize(viewer.size.cols, viewer.size.rows);
    if (before.cols !== this.cols || before.rows !== this.rows) return; // resize told everyone
    if (previous === viewer.id) return;
    for (const v of this.hub.list()) {
      if (v.id === viewer.id || v.id === previous) this.hub.sendInOrder(v, { type: "size", cols: this.cols, rows: this.rows, owner: v.id === viewer.id });
    }
  }

  attachViewer(transport: ViewerTransport): Viewer {
    const viewer = this.hub.attach(transport);
    transport.sendMessage({ type: "hello", protocol: PROTOCOL_VERSION, viewerId: viewer.id, state: this.state });
    this.hub.start(viewer);
    this.emitState();
    return viewer;
  }

  detachViewer(viewer: Viewer): void {
    this.hub.detach(viewer);
    // The size stays as it is: nobody else's view changes just because one went away.
    if (this.sizeOwnerId === viewer.id) this.sizeOwnerId = undefined;
    this.emitState();
  }

  /**
   * The size policy (docs/protocol.md): one viewer at a time owns the PTY size. A `lead` viewer (a
   * desktop task view) takes it by typing, or by reporting its size when nobody owns it; a
   * `follow` viewer (a Missions tile, a phone) only when its person asks (`take`). Opening a view
   * on a phone never re-wraps the agent for everyone else.
   */
  handleViewerMessage(viewer: Viewer, message: ClientMessage): void {
    switch (message.type) {
      case "input":
        viewer.lastActiveAt = Date.now();
        if (viewer.sizing === "lead" && this.sizeOwnerId !== viewer.id) this.giveSizeTo(viewer);
        // Before the write: the echo must come after the snapshot a lagging viewer is given.
        this.hub.typed(viewer, message.catchUp === true);
        if (this.running) this.write(message.data);
        break;
      case "resize": {
        viewer.size = { cols: message.cols, rows: message.rows };
        const turnedFollower = viewer.sizing === "lead" && message.sizing === "follow";
        if (message.sizing) viewer.sizing = message.sizing;
        if (message.take || (this.sizeOwnerId === undefined && viewer.sizing === "lead")) this.giveSizeTo(viewer);
        else if (this.sizeOwnerId === viewer.id) {
          // An owner turned follower (a tile collapsed) leaves the size it set, and no longer owns it.
          if (turnedFollower) this.giveUpSize(viewer);
          else this.resize(message.cols, message.rows);
        }
        break;
      }
      case "resync":
        this.hub.resync(viewer);
        break;
      case "ack":
        this.hub.ack(viewer, message.bytes);
        break;
      case "ping":
        viewer.transport.sendMessage({ type: "pong", id: message.id });
        break;
    }
  }

  /** A viewer's socket drained its send buffer. */
  viewerDrained(viewer: Viewer): void {
    this.hub.drained(viewer);
  }

  /**
   * Stops the process and everything it started: SIGTERM and SIGHUP to the whole session, then
   * SIGKILL after the grace. Resolves once the exit has been recorded.
   */
  stop(options: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<void> {
    if (!this.running) return Promise.resolve();
    this.stopRequested = true;
    this.stopping ??= (async () => {
      const exited = new Promise<void>((resolve) => {
        if (!this.running) resolve();
        else this.onExit(() => resolve());
      });
      // Read what the dying program prints: nothing may hold the PTY back any more.
      this.mirrorBehind = false;
      this.snapshotsWaiting = 0;
      this.updatePause();
      await killSessionTree(this.pty.pid, { graceMs: options.graceMs ?? STOP_GRACE_MS, signal: options.signal ?? "SIGTERM" });
      // The reader thread reports the exit after the last byte the program printed. On a busy
      // machine that tail can take seconds to come through, queued behind other sessions' output
      // (found by the shutdown suite: 100 kB of a flood's tail lost while this session looked
      // quiet): wait while the reader has anything for anyone, and give up only when the whole reader
      // has gone quiet (or, bounded, if it never reports at all).
      const gaveUpAt = Date.now() + EXIT_REPORT_LIMIT_MS;
      for (;;) {
        await Promise.race([exited, new Promise((r) => setTimeout(r, EXIT_REPORT_POLL_MS))]);
        if (!this.running) break;
        if (this.pty.readerQuietForMs() >= EXIT_REPORT_QUIET_MS || Date.now() >= gaveUpAt) break;
      }
      if (this.running) this.onPtyExit(undefined, 9);
    })();
    return this.stopping;
  }

  /** Leftover processes of a session whose main process already exited (background jobs). */
  killLeftovers(): void {
    signalProcesses(sessionProcesses(this.pty.pid), "SIGKILL");
  }

  /**
   * Closes viewers (with `closeCode`: ended, or replaced by a new run), frees the mirror and the
   * pty. The process must have been stopped first.
   */
  dispose(reason = "Session ended", closeCode: TerminalCloseCode = CLOSE_CODES.sessionEnded): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.flush();
    this.hub.closeAll(closeCode, reason.slice(0, 120));
    // Disposing the pty also kills its process (SIGKILL) if it still runs.
    for (const dispose of this.disposables) dispose();
    this.exitListeners.clear();
    this.outputListeners.clear();
    this.stateListeners.clear();
    if (this.running) this.killLeftovers();
    this.mirror.dispose();
  }

  private writeToPty(data: string): void {
    if (!this.running || this.disposed) return;
    this.pty.write(data);
  }

  private onPtyData(buf: Buffer): void {
    if (this.disposed || buf.length === 0) return;
    this.lastOutputAtMs = Date.now();
    // Reads are not joined past a batch (see MAX_BATCH_BYTES): what is pending goes first.
    if (this.pendingBytes > 0 && this.pendingBytes + buf.length > MAX_BATCH_BYTES) this.flush();
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    if (this.lastOutputAtMs - this.lastInputAt < ECHO_WINDOW_MS || this.pendingBytes >= BATCH_FULL_BYTES) {
      this.flush();
    } else if (!this.batchTimer) {
      // The flush itself runs in the terminal host's drain slices (see PtyReader.runSoon).
      this.batchTimer = setTimeout(() => {
        this.batchTimer = undefined;
        ptyReader().runSoon(() => this.flush());
      }, BATCH_MS);
    }
  }

  private flush(): void {
    if (this.batchTimer) {
      clearTimeout(this.batchTimer);
      this.batchTimer = undefined;
    }
    if (this.pendingBytes === 0) return;
    const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    // The log, the mirror and the recording take text; a character split at the end waits for its rest.
    const bytes = this.carry ? Buffer.concat([this.carry, buf]) : buf;
    const complete = this.exitInfo ? bytes.length : completeUtf8Length(bytes);
    this.carry = complete < bytes.length ? Buffer.from(bytes.subarray(complete)) : undefined;
    const data = bytes.toString("utf8", 0, complete);
    let mirrorKeepsUp = true;
    if (data.length > 0) {
      this.log.append(data, complete);
      mirrorKeepsUp = this.mirror.write(data);
    }
    // The mirror has seen every byte but the carried ones: a snapshot corresponds to this offset.
    this.mirrorFedOffset = this.hub.headOffset + buf.length - (this.carry?.length ?? 0);
    if (data.length > 0) for (const sink of this.sinks) sink.output(data);
    this.hub.push(buf);
    if (!mirrorKeepsUp && !this.mirrorBehind && !this.stopRequested) {
      // The mirror must see every byte; hold the program back rather than let it fall behind.
      this.mirrorBehind = true;
      this.updatePause();
    }
    for (const listener of this.outputListeners) listener();
  }

  /** At the exit: an unfinished character at the very end is decoded as it is (U+FFFD). */
  private flushCarry(): void {
    if (!this.carry) return;
    const data = this.carry.toString("utf8");
    this.carry = undefined;
    this.log.append(data);
    this.mirror.write(data);
    this.mirrorFedOffset = this.hub.headOffset;
    for (const sink of this.sinks) sink.output(data);
  }

  private updatePause(): void {
    const pause = this.running && !this.disposed && (this.mirrorBehind || this.snapshotsWaiting > 0);
    if (pause === this.paused) return;
    this.paused = pause;
    this.pty.hold(pause);
  }

  private onPtyExit(exitCode: number | undefined, signal: number | undefined): void {
    if (this.exitInfo) return;
    this.flush();
    this.flushCarry();
    const sig = signalName(signal);
    this.exitInfo = {
      exitCode: sig ? null : (exitCode ?? null),
      signal: sig,
      endedAt: new Date(),
      stopped: this.stopRequested,
    };
    for (const sink of this.sinks) sink.end(this.exitInfo);
    this.hub.broadcast({ type: "exit", exitCode: this.exitInfo.exitCode, signal: this.exitInfo.signal });
    for (const listener of [...this.exitListeners]) listener(this.exitInfo);
    this.emitState();
  }

  private emitState(): void {
    if (this.disposed) return;
    this.hub.broadcast({ type: "state", state: this.state });
    for (const listener of this.stateListeners) listener();
  }

  private typeWhenReady(input: string): void {
    let quietTimer: NodeJS.Timeout | undefined;
    let done = false;
    const send = () => {
      if (done) return;
      done = true;
      clearTimeout(quietTimer);
      clearTimeout(maxTimer);
      unsubscribe();
      this.write(input.endsWith("\r") || input.endsWith("\n") ? input : `${input}\r`);
    };
    const maxTimer = setTimeout(send, INITIAL_INPUT_MAX_WAIT_MS);
    const unsubscribe = this.onOutput(() => {
      clearTimeout(quietTimer);
      quietTimer = setTimeout(send, INITIAL_INPUT_QUIET_MS);
    });
    this.disposables.push(() => {
      done = true;
      clearTimeout(quietTimer);
      clearTimeout(maxTimer);
    });
  }
}

function quoteArg(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Length of the longest prefix of `buf` that does not end inside a UTF-8 character. */
export function completeUtf8Length(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const byte = buf[n - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n; // no lead byte within 3 bytes: invalid, decoded as it is
}
