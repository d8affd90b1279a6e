import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CLOSE_CODES } from "../contract/protocol";
import type { PtySession } from "./pty-session";
import { SessionStore, type StoreEvent } from "./session-store";

/**
 * The store's rules (replace, reap, keepalive) on stand-in sessions and vitest's fake clock, so
 * "two hours without a viewer" takes no time and each boundary is checked to the millisecond.
 * The process side of a reap (the tree really dies) is covered on real PTYs in
 * test/integration/terminal-sessions.test.ts.
 */
class StandInSession {
  running = true;
  viewerCount = 0;
  exit: { endedAt: Date } | undefined;
  disposedWith: string | undefined;
  disposedCode: number | undefined;
  stopCalls = 0;
  leftoverKills = 0;
  /** When false, stop() waits for finishStop(): a process that takes its grace to die. */
  stopsAtOnce = true;
  private finish: (() => void) | undefined;
  private readonly exitListeners = new Set<() => void>();
  private readonly stateListeners = new Set<() => void>();

  constructor(readonly taskId: string) {}

  onExit(listener: () => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  onStateChange(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  stop(): Promise<void> {
    this.stopCalls++;
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      this.finish = () => {
        this.exitNow();
        resolve();
      };
      if (this.stopsAtOnce) this.finish();
    });
  }

  finishStop(): void {
    this.finish?.();
  }

  killLeftovers(): void {
    this.leftoverKills++;
  }

  dispose(reason: string, closeCode?: number): void {
    this.disposedWith ??= reason;
    this.disposedCode ??= closeCode;
  }

  exitNow(): void {
    if (!this.running) return;
    this.running = false;
    this.exit = { endedAt: new Date() };
    for (const listener of [...this.exitListeners]) listener();
  }

  setViewers(count: number): void {
    this.viewerCount = count;
    for (const listener of [...this.stateListeners]) listener();
  }

  get listenerCount(): number {
    return this.exitListeners.size + this.stateListeners.size;
  }

  asSession(): PtySession {
    return this as unknown as PtySession;
  }
}

const RUNNING_MS = 2 * 60 * 60_000;
const EXITED_MS = 5 * 60_000;

describe("SessionStore", () => {
  let store: SessionStore;
  let events: string[];

  beforeEach(() => {
    vi.useFakeTimers();
    store = new SessionStore({ runningMs: () => RUNNING_MS, exitedMs: () => EXITED_MS });
    events = [];
    store.onEvent((event: StoreEvent) => events.push(`${event.type} ${event.taskId}`));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  function added(taskId = "t1"): StandInSession {
    const session = new StandInSession(taskId);
    store.add(session.asSession());
    return session;
  }

  /** Lets the promise callbacks of a stop run (fake timers do not touch microtasks). */
  const settle = () => vi.advanceTimersByTimeAsync(0);

  describe("replace", () => {
    it("refuses a second session while the first still runs, and keeps the first", () => {
      const first = added();
      expect(() => store.add(new StandInSession("t1").asSession())).toThrowError(/already has a running session/);
      expect(store.get("t1")).toBe(first.asSession());
      expect(first.disposedWith).toBeUndefined();
      expect(events).toEqual(["added t1"]);
    });

    it("replaces an exited session: the old one is disposed and forgotten, its timers and listeners with it", () => {
      const first = added();
      first.exitNow();
      const second = added();
      expect(store.get("t1")).toBe(second.asSession());
      expect(first.disposedWith).toBe("Replaced by a new run");
      expect(first.disposedCode).toBe(CLOSE_CODES.sessionReplaced);
      expect(events).toEqual(["added t1", "removed t1", "added t1"]);
      expect(first.listenerCount).toBe(0);
      // The old session's exited-keepalive would have fired here: it must not reap the new one.
      second.setViewers(1);
      vi.advanceTimersByTime(EXITED_MS + 1);
      expect(store.get("t1")).toBe(second.asSession());
      expect(second.disposedWith).toBeUndefined();
      expect(events).toEqual(["added t1", "removed t1", "added t1", "changed t1"]);
    });

    it("keeps other tasks' sessions apart", () => {
      const a = added("a");
      const b = added("b");
      a.exitNow();
      added("a");
      expect(store.get("b")).toBe(b.asSession());
      expect(b.disposedWith).toBeUndefined();
      expect(store.runningCount()).toBe(2);
    });
  });

  describe("keepalive and reap", () => {
    it("stops a running session nobody ever watched runningMs after it started, then forgets it", async () => {
      const session = added();
      vi.advanceTimersByTime(RUNNING_MS - 1);
      expect(session.stopCalls).toBe(0);
      vi.advanceTimersByTime(1);
      expect(session.stopCalls).toBe(1);
      await settle();
      expect(store.get("t1")).toBeUndefined();
      expect(session.disposedWith).toMatch(/nobody watched it/);
      expect(events).toEqual(["added t1", "removed t1"]);
    });

    it("forgets a reaped running session only once its stop has finished", async () => {
      const session = added();
      session.stopsAtOnce = false;
      vi.advanceTimersByTime(RUNNING_MS);
      expect(session.stopCalls).toBe(1);
      await settle();
      // Still stopping (its grace): still listed, so its final output and exit stay readable.
      expect(store.get("t1")).toBe(session.asSession());
      session.finishStop();
      await settle();
      expect(store.get("t1")).toBeUndefined();
      expect(session.disposedWith).toMatch(/nobody watched it/);
    });

    it("never reaps a running session while someone watches it", () => {
      const session = added();
      session.setViewers(1);
      vi.advanceTimersByTime(10 * RUNNING_MS);
      expect(session.stopCalls).toBe(0);
      expect(store.get("t1")).toBe(session.asSession());
    });

    it("counts the running keepalive from when the last viewer left, not from when it came", async () => {
      const session = added();
      session.setViewers(1);
      // Watched for longer than the keepalive, with nothing else happening meanwhile.
      vi.advanceTimersByTime(3 * RUNNING_MS);
      session.setViewers(0);
      vi.advanceTimersByTime(RUNNING_MS - 1);
      expect(session.stopCalls).toBe(0);
      vi.advanceTimersByTime(1);
      expect(session.stopCalls).toBe(1);
      await settle();
      expect(store.get("t1")).toBeUndefined();
    });

    it("a viewer who comes back before the keepalive ends saves the session", () => {
      const session = added();
      vi.advanceTimersByTime(RUNNING_MS - 1_000);
      session.setViewers(1);
      vi.advanceTimersByTime(2_000);
      session.setViewers(0);
      vi.advanceTimersByTime(RUNNING_MS - 1);
      expect(session.stopCalls).toBe(0);
      expect(store.get("t1")).toBe(session.asSession());
    });

    it("reaps an exited session exitedMs after its exit, watched or not, killing leftovers without a stop", () => {
      const session = added();
      session.setViewers(1);
      vi.advanceTimersByTime(1_000);
      session.exitNow();
      vi.advanceTimersByTime(EXITED_MS - 1);
      expect(store.get("t1")).toBe(session.asSession());
      vi.advanceTimersByTime(1);
      expect(store.get("t1")).toBeUndefined();
      expect(session.stopCalls).toBe(0);
      expect(session.leftoverKills).toBe(1);
      expect(session.disposedWith).toMatch(/after its process exited/);
    });

    it("counts the exited keepalive from the exit's own time, not from when the store heard of it", () => {
      // Registered already exited (as when the exit raced the registration): 1 min of it is spent.
      const session = new StandInSession("t1");
      session.exitNow();
      vi.advanceTimersByTime(60_000);
      store.add(session.asSession());
      vi.advanceTimersByTime(EXITED_MS - 60_000 - 1);
      expect(store.get("t1")).toBe(session.asSession());
      vi.advanceTimersByTime(1);
      expect(store.get("t1")).toBeUndefined();
    });

    it("reads the keepalive settings when it schedules, so a change applies to the next timer", () => {
      let runningMs = RUNNING_MS;
      store = new SessionStore({ runningMs: () => runningMs, exitedMs: () => EXITED_MS });
      const session = new StandInSession("t1");
      store.add(session.asSession());
      runningMs = 1_000;
      // The pending timer keeps its deadline until something reschedules it.
      vi.advanceTimersByTime(1_000);
      expect(session.stopCalls).toBe(0);
      session.setViewers(1);
      session.setViewers(0);
      vi.advanceTimersByTime(1_000);
      expect(session.stopCalls).toBe(1);
    });
  });

  describe("remove and stopAll", () => {
    it("remove stops the session, then forgets it with the reason given", async () => {
      const session = added();
      await store.remove("t1", "Task deleted");
      expect(session.stopCalls).toBe(1);
      expect(session.disposedWith).toBe("Task deleted");
      expect(store.get("t1")).toBeUndefined();
      await store.remove("t1", "again");
      expect(session.stopCalls).toBe(1);
    });

    it("stopAll stops every session at once and forgets them all", async () => {
      const sessions = ["a", "b", "c"].map((id) => added(id));
      for (const s of sessions) s.stopsAtOnce = false;
      const done = store.stopAll("The server is shutting down");
      // All three are stopping before any has finished.
      expect(sessions.map((s) => s.stopCalls)).toEqual([1, 1, 1]);
      for (const s of sessions) s.finishStop();
      await done;
      expect(store.list()).toEqual([]);
      for (const s of sessions) expect(s.disposedWith).toBe("The server is shutting down");
    });
  });
});
