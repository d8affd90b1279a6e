import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FloodSkimmer, type SkimTarget } from "./flood-skimmer";

const INTERVAL = 100;
const FLOOD = 10;

/** What the skimmer did to the terminal and the connection, in order. */
function recordingTarget() {
  const log: string[] = [];
  const state = { idle: true, open: true };
  const target: SkimTarget = {
    requestSnapshot: () => {
      log.push("snapshot?");
      return state.open;
    },
    idle: () => state.idle,
    feed: (data, done) => {
      log.push(`feed ${new TextDecoder().decode(data)}`);
      done();
    },
    discard: (bytes, done) => {
      log.push(`skip ${bytes}`);
      done();
    },
    apply: (action) => action(),
  };
  return { target, log, state };
}

const bytes = (text: string) => new TextEncoder().encode(text);
const skimmerOf = (target: SkimTarget) => new FloodSkimmer(target, { intervalMs: INTERVAL, floodBytes: FLOOD });

describe("FloodSkimmer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("streams as usual until a resync reaches a view in front", () => {
    const { target } = recordingTarget();
    const skimmer = skimmerOf(target);
    expect(skimmer.write(bytes("a"), () => undefined)).toBe(false);
    skimmer.snapshot("attach", true);
    expect(skimmer.write(bytes("a"), () => undefined)).toBe(false);
    // A background tile keeps its own pacing.
    skimmer.snapshot("resync", false);
    expect(skimmer.write(bytes("a"), () => undefined)).toBe(false);
    skimmer.snapshot("resync", true);
    expect(skimmer.skimming).toBe(true);
  });

  it("while the flood lasts, draws one screen per interval and acks what it skipped only after asking for the next", () => {
    const { target, log } = recordingTarget();
    const skimmer = skimmerOf(target);
    const acked: number[] = [];
    skimmer.snapshot("resync", true);
    expect(skimmer.write(bytes("0123456789"), () => acked.push(10))).toBe(true);
    expect(skimmer.write(bytes("abc"), () => acked.push(3))).toBe(true);
    vi.advanceTimersByTime(INTERVAL - 1);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(["snapshot?", "skip 10", "skip 3"]);
    expect(acked).toEqual([10, 3]);
    // No second request before that screen arrived, however long it takes.
    vi.advanceTimersByTime(INTERVAL * 5);
    expect(log).toHaveLength(3);
    skimmer.snapshot("resync", true);
    skimmer.write(bytes("0123456789"), () => undefined);
    vi.advanceTimersByTime(INTERVAL);
    expect(log.slice(3)).toEqual(["snapshot?", "skip 10"]);
  });

  it("waits for the last screen to be drawn before it asks for the next", () => {
    const { target, log, state } = recordingTarget();
    const skimmer = skimmerOf(target);
    skimmer.snapshot("resync", true);
    skimmer.write(bytes("0123456789"), () => undefined);
    state.idle = false;
    vi.advanceTimersByTime(INTERVAL * 3);
    expect(log).toEqual([]);
    state.idle = true;
    vi.advanceTimersByTime(INTERVAL);
    expect(log).toEqual(["snapshot?", "skip 10"]);
  });

  it("when less than a window arrives in an interval, streams again: what it held follows the last screen, in order", () => {
    const { target, log } = recordingTarget();
    const skimmer = skimmerOf(target);
    skimmer.snapshot("resync", true);
    skimmer.write(bytes("tail"), () => undefined);
    skimmer.write(bytes("$ "), () => undefined);
    vi.advanceTimersByTime(INTERVAL);
    expect(log).toEqual(["feed tail", "feed $ "]);
    expect(skimmer.skimming).toBe(false);
    expect(skimmer.write(bytes("x"), () => undefined)).toBe(false);
  });

  it("a resize between held output keeps its place, whether that output is drawn or skipped", () => {
    const { target, log } = recordingTarget();
    const skimmer = skimmerOf(target);
    skimmer.snapshot("resync", true);
    skimmer.write(bytes("ab"), () => undefined);
    expect(skimmer.hold(() => log.push("resize"))).toBe(true);
    skimmer.write(bytes("cd"), () => undefined);
    vi.advanceTimersByTime(INTERVAL);
    expect(log).toEqual(["feed ab", "resize", "feed cd"]);
    expect(skimmer.hold(() => log.push("resize"))).toBe(false);

    log.length = 0;
    skimmer.snapshot("resync", true);
    skimmer.write(bytes("0123456789"), () => undefined);
    skimmer.hold(() => log.push("resize"));
    vi.advanceTimersByTime(INTERVAL);
    expect(log).toEqual(["snapshot?", "skip 10", "resize"]);
  });

  it("feeds what it holds when the socket cannot take the request (it reconnects with a snapshot anyway)", () => {
    const { target, log, state } = recordingTarget();
    const skimmer = skimmerOf(target);
    skimmer.snapshot("resync", true);
    skimmer.write(bytes("0123456789"), () => undefined);
    state.open = false;
    vi.advanceTimersByTime(INTERVAL);
    expect(log).toEqual(["snapshot?", "feed 0123456789"]);
    expect(skimmer.skimming).toBe(false);
  });

  it("keys stop the skimming: what it held is skipped, and the snapshot that answers them does not start it again", () => {
    const { target, log } = recordingTarget();
    const skimmer = skimmerOf(target);
    expect(skimmer.stopForKeys()).toBe(false);
    skimmer.snapshot("resync", true);
    skimmer.write(bytes("abc"), () => undefined);
    expect(skimmer.stopForKeys()).toBe(true);
    expect(log).toEqual(["skip 3"]);
    // The catch-up snapshot, then the echo: streamed, not held.
    skimmer.snapshot("resync", true);
    expect(skimmer.write(bytes("^C"), () => undefined)).toBe(false);
    vi.advanceTimersByTime(INTERVAL * 2);
    expect(log).toEqual(["skip 3"]);
    // Still too slow for the flood later: the next resync skims again.
    skimmer.snapshot("resync", true);
    expect(skimmer.skimming).toBe(true);
  });

  it("a new connection forgets what was held for the old one, without acking it", () => {
    const { target, log } = recordingTarget();
    const skimmer = skimmerOf(target);
    let acked = false;
    skimmer.snapshot("resync", true);
    skimmer.write(bytes("0123456789"), () => (acked = true));
    skimmer.reset();
    vi.advanceTimersByTime(INTERVAL * 2);
    expect(log).toEqual([]);
    expect(acked).toBe(false);
    expect(skimmer.skimming).toBe(false);
  });
});
