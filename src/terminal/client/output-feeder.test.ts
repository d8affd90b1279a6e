import { describe, expect, it } from "vitest";
import { FEED_SLICE_BYTES, MAX_FED_BYTES, OutputFeeder, type FeedSink } from "./output-feeder";

/** A terminal that parses only when told to (`parseNext`), recording what it was given, in order. */
function fakeTerminal() {
  const written: Array<Uint8Array | string> = [];
  const pending: Array<() => void> = [];
  let unparsed = 0;
  const sink: FeedSink = {
    write(data, parsed) {
      written.push(data);
      const n = typeof data === "string" ? data.length : data.byteLength;
      unparsed += n;
      pending.push(() => {
        unparsed -= n;
        parsed();
      });
    },
  };
  return {
    sink,
    written,
    get unparsed() {
      return unparsed;
    },
    /** Parses the oldest write (as xterm's write loop does: its callback may write more). */
    parseNext(): boolean {
      const next = pending.shift();
      next?.();
      return next !== undefined;
    },
    parseAll() {
      while (this.parseNext());
    },
    text(): string {
      return written.map((d) => (typeof d === "string" ? d : new TextDecoder().decode(d))).join("");
    },
  };
}

const bytes = (n: number, fill = "x") => new TextEncoder().encode(fill.repeat(n));

describe("OutputFeeder", () => {
  it("hands xterm at most MAX_FED_BYTES unparsed, in slices, and every byte in order", () => {
    const term = fakeTerminal();
    const feeder = new OutputFeeder(term.sink);
    const done: number[] = [];
    for (let i = 0; i < 5; i++) feeder.push(bytes(50_000, String(i)), () => done.push(i));
    expect(term.unparsed).toBeLessThanOrEqual(MAX_FED_BYTES);
    expect(term.written.every((d) => (typeof d === "string" ? d.length : d.byteLength) <= FEED_SLICE_BYTES)).toBe(true);
    expect(feeder.queuedBytes).toBe(250_000 - term.unparsed);
    term.parseAll();
    expect(term.text()).toBe(["0", "1", "2", "3", "4"].map((c) => c.repeat(50_000)).join(""));
    // Each frame is done (acked) once its last byte is parsed, in order.
    expect(done).toEqual([0, 1, 2, 3, 4]);
    expect(feeder.idle).toBe(true);
  });

  it("a frame is done only after its last slice is parsed", () => {
    const term = fakeTerminal();
    const feeder = new OutputFeeder(term.sink);
    const done: string[] = [];
    feeder.push(bytes(FEED_SLICE_BYTES + 10), () => done.push("big"));
    term.parseNext();
    expect(done).toEqual([]);
    term.parseNext();
    expect(done).toEqual(["big"]);
  });

  it("drop() skips what xterm has not been given, finishes those frames at once, and lets xterm finish its part", () => {
    const term = fakeTerminal();
    const feeder = new OutputFeeder(term.sink);
    const done: string[] = [];
    feeder.push(bytes(20_000, "a"), () => done.push("a"));
    feeder.push(bytes(20_000, "b"), () => done.push("b"));
    feeder.push(bytes(20_000, "c"), () => done.push("c"));
    // xterm holds all of "a" and the first 12 KB of "b"; the rest waits.
    expect(term.unparsed).toBe(MAX_FED_BYTES);
    const dropped = feeder.drop();
    expect(dropped).toBe(60_000 - MAX_FED_BYTES);
    expect(feeder.queuedBytes).toBe(0);
    // "c" was never given to xterm: done now. "b" is done once xterm parsed the part it has.
    expect(done).toEqual(["c"]);
    term.parseAll();
    expect(done).toEqual(["c", "a", "b"]);
    expect(term.text()).toBe("a".repeat(20_000) + "b".repeat(MAX_FED_BYTES - 20_000));
    expect(feeder.idle).toBe(true);
  });

  it("a reset runs only after everything before it is parsed, and what follows comes after its data", () => {
    const term = fakeTerminal();
    const feeder = new OutputFeeder(term.sink);
    const log: string[] = [];
    feeder.push(bytes(10, "o"), () => log.push("old parsed"));
    feeder.after(() => log.push("reset"), "SNAPSHOT");
    feeder.push(bytes(3, "n"), () => log.push("new parsed"));
    expect(log).toEqual([]);
    expect(term.written).toHaveLength(1);
    term.parseNext();
    expect(log).toEqual(["old parsed", "reset"]);
    term.parseAll();
    expect(log).toEqual(["old parsed", "reset", "new parsed"]);
    expect(term.text()).toBe("ooooooooooSNAPSHOTnnn");
  });

  it("drop() keeps a queued reset (a snapshot that is on its way must still be drawn)", () => {
    const term = fakeTerminal();
    const feeder = new OutputFeeder(term.sink);
    feeder.push(bytes(MAX_FED_BYTES, "o"));
    feeder.push(bytes(100, "x"));
    feeder.after(() => undefined, "S");
    feeder.push(bytes(5, "y"));
    feeder.drop();
    term.parseAll();
    expect(term.text()).toBe("o".repeat(MAX_FED_BYTES) + "S");
  });

  it("holds while it may not feed, and continues where it stopped when pumped", () => {
    const term = fakeTerminal();
    let allowed = false;
    const feeder = new OutputFeeder(term.sink, () => allowed);
    feeder.push(bytes(5, "a"));
    feeder.push(bytes(5, "b"));
    expect(term.written).toHaveLength(0);
    expect(feeder.queuedBytes).toBe(10);
    allowed = true;
    feeder.pump();
    term.parseAll();
    expect(term.text()).toBe("aaaaabbbbb");
  });

  it("after dispose nothing is written and no callback runs", () => {
    const term = fakeTerminal();
    const feeder = new OutputFeeder(term.sink);
    const done: string[] = [];
    feeder.push(bytes(MAX_FED_BYTES), () => done.push("a"));
    feeder.push(bytes(10), () => done.push("b"));
    feeder.dispose();
    term.parseAll();
    feeder.push(bytes(10), () => done.push("c"));
    expect(done).toEqual([]);
    expect(term.written).toHaveLength(2);
  });
});
