import { CLOSE_CODES, type TerminalCloseCode } from "../contract/protocol";
import type { PtySession } from "./pty-session";

/**
 * The registry of live sessions, keyed by task id: at most one per task. One store per process,
 * kept on globalThis, because the custom server and the Next bundle load separate module copies.
 *
 * Keepalive: a running session with no viewer is reaped `runningMs` after the last viewer left (or
 * after it started, if nobody ever watched); an exited session is reaped `exitedMs` after it
 * exited. Reaping a running session stops its whole process tree.
 */

export interface KeepalivePolicy {
  runningMs(): number;
  exitedMs(): number;
}

export type StoreEvent = { type: "added" | "removed" | "changed"; taskId: string; session: PtySession };

interface Entry {
  session: PtySession;
  timer: NodeJS.Timeout | undefined;
  /** Since when nobody watches: the start, or when the last viewer left. */
  idleSince: number;
  /** A viewer was there at the last reschedule (so the next one without viewers is "the last one left"). */
  watched: boolean;
  unsubscribe: Array<() => void>;
}

export class SessionStore {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  constructor(private readonly keepalive: KeepalivePolicy) {}

  get(taskId: string): PtySession | undefined {
    return this.entries.get(taskId)?.session;
  }

  list(): PtySession[] {
    return [...this.entries.values()].map((e) => e.session);
  }

  /** Sessions whose process is still running: what the concurrency limit counts. */
  runningCount(): number {
    let n = 0;
    for (const entry of this.entries.values()) if (entry.session.running) n++;
    return n;
  }

  hasRunning(taskId: string): boolean {
    return this.entries.get(taskId)?.session.running ?? false;
  }

  /**
   * Registers a freshly spawned session. A task's previous, exited session is replaced; a running
   * one is an error the caller must have ruled out (it checks and spawns synchronously).
   */
  add(session: PtySession): void {
    const previous = this.entries.get(session.taskId);
    if (previous?.session.running) throw new Error(`Task ${session.taskId} already has a running session`);
    if (previous) this.drop(previous, "Replaced by a new run", CLOSE_CODES.sessionReplaced);
    const entry: Entry = { session, timer: undefined, idleSince: Date.now(), watched: false, unsubscribe: [] };
    entry.unsubscribe.push(
      session.onStateChange(() => {
        this.reschedule(entry);
        this.emit({ type: "changed", taskId: session.taskId, session });
      }),
      session.onExit(() => this.reschedule(entry)),
    );
    this.entries.set(session.taskId, entry);
    this.reschedule(entry);
    this.emit({ type: "added", taskId: session.taskId, session });
  }

  /** Stops (if needed) and forgets the task's session now. */
  async remove(taskId: string, reason: string): Promise<void> {
    const entry = this.entries.get(taskId);
    if (!entry) return;
    await entry.session.stop();
    if (this.entries.get(taskId) === entry) this.drop(entry, reason);
  }

  onEvent(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Shutdown: stop every session in parallel and forget them. */
  async stopAll(reason: string): Promise<void> {
    const entries = [...this.entries.values()];
    await Promise.all(entries.map((e) => e.session.stop().catch(() => undefined)));
    for (const entry of entries) this.drop(entry, reason);
  }

  /** Re-evaluates the keepalive timer after viewers came or went, or the process exited. */
  private reschedule(entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    const { session } = entry;
    if (!this.entries.has(session.taskId) || this.entries.get(session.taskId) !== entry) return;
    if (!session.running) {
      const endedAt = session.exit?.endedAt.getTime() ?? Date.now();
      entry.timer = this.timer(endedAt + this.keepalive.exitedMs() - Date.now(), () => this.reap(entry, "Session expired after its process exited"));
      return;
    }
    if (session.viewerCount > 0) {
      entry.watched = true;
      return;
    }
    // Stamped when the last viewer leaves, not when one came: a session watched for longer than
    // the keepalive must not be stopped the moment its tab closes.
    if (entry.watched) {
      entry.watched = false;
      entry.idleSince = Date.now();
    }
    entry.timer = this.timer(entry.idleSince + this.keepalive.runningMs() - Date.now(), () =>
      this.reap(entry, "Session stopped: nobody watched it for the keepalive time"),
    );
  }

  private timer(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(fn, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    t.unref();
    return t;
  }

  private reap(entry: Entry, reason: string): void {
    if (this.entries.get(entry.session.taskId) !== entry) return;
    if (entry.session.running) {
      void entry.session.stop().finally(() => {
        if (this.entries.get(entry.session.taskId) === entry) this.drop(entry, reason);
      });
      return;
    }
    entry.session.killLeftovers();
    this.drop(entry, reason);
  }

  private drop(entry: Entry, reason: string, closeCode: TerminalCloseCode = CLOSE_CODES.sessionEnded): void {
    if (entry.timer) clearTimeout(entry.timer);
    for (const off of entry.unsubscribe) off();
    if (this.entries.get(entry.session.taskId) === entry) this.entries.delete(entry.session.taskId);
    entry.session.dispose(reason, closeCode);
    this.emit({ type: "removed", taskId: entry.session.taskId, session: entry.session });
  }

  private emit(event: StoreEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
