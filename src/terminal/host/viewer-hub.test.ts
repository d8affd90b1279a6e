import { describe, expect, it } from "vitest";
import { CLOSE_CODES, type ServerMessage } from "../contract/protocol";
import { BATCH_MS, MAX_FRAME_BYTES } from "../contract/flow-control";
import { ViewerHub, type ViewerTransport } from "./viewer-hub";

function recordingTransport() {
  const received: Array<{ bytes: string } | ServerMessage> = [];
  const transport: ViewerTransport = {
    sendBinary: (data) => void received.push({ bytes: data.toString() }),
    sendMessage: (message) => void received.push(message),
    bufferedAmount: 0,
    close: () => undefined,
  };
  return { transport, received };
}

/**
 * A hub on a hand-driven clock whose snapshots are the text pushed so far, delivered at once,
 * with one attached viewer that records what it is sent.
 */
function hubWithClock(highWatermark = 10) {
  let now = 0;
  let text = "";
  const hub: ViewerHub = new ViewerHub({
    highWatermark,
    lowWatermark: 0,
    floodWindowBytes: 0,
    now: () => now,
    takeSnapshot: (deliver) => deliver({ data: text, cols: 80, rows: 24, offset: hub.headOffset }),
  });
  const { transport, received } = recordingTransport();
  const viewer = hub.attach(transport);
  hub.start(viewer);
  return {
    hub,
    viewer,
    received,
    push(chunk: string) {
      text += chunk;
      hub.push(Buffer.from(chunk));
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

describe("ViewerHub: typing into a lagging view", () => {
  it("resyncs a viewer whose unsent output is older than the catch-up bound, so the echo comes next", () => {
    const { hub, viewer, received, push, advance } = hubWithClock();
    // The view has not acked its first 10 bytes: what follows waits in the ring.
    push("0123456789");
    push("abcdefghij");
    advance(600);
    push("klmnop");
    hub.typed(viewer);
    push("^C");
    expect(received).toEqual([
      { type: "snapshot", reason: "attach", cols: 80, rows: 24, data: "" },
      { bytes: "0123456789" },
      { type: "snapshot", reason: "resync", cols: 80, rows: 24, data: "0123456789abcdefghijklmnop" },
    ]);
    expect(viewer.resyncs).toBe(1);
    expect(viewer.position).toBe(26);
    // Once the view acks what it had, the echo is the next thing it is sent.
    hub.ack(viewer, 10);
    expect(received.at(-1)).toEqual({ bytes: "^C" });
  });

  it("leaves a viewer alone that is current, or only briefly behind", () => {
    const { hub, viewer, received, push, advance } = hubWithClock();
    push("abc");
    hub.typed(viewer);
    push("0123456789");
    push("abcdefghij");
    advance(400);
    hub.typed(viewer);
    expect(received.at(-1)).toEqual({ bytes: "0123456789" });
    expect(viewer.resyncs).toBe(0);
    expect(received.filter((m) => "type" in m && m.type === "snapshot")).toHaveLength(1);
  });

  it("resyncs a viewer that dropped output it was sent (the browser's catch-up), even one that is current", () => {
    const { hub, viewer, received, push } = hubWithClock(100);
    push("0123456789");
    // Everything was sent: nothing is old on the server's side, but the view threw it away unrendered.
    hub.ack(viewer, 10);
    hub.typed(viewer, true);
    push("^C");
    expect(received).toEqual([
      { type: "snapshot", reason: "attach", cols: 80, rows: 24, data: "" },
      { bytes: "0123456789" },
      { type: "snapshot", reason: "resync", cols: 80, rows: 24, data: "0123456789" },
      { bytes: "^C" },
    ]);
    expect(viewer.resyncs).toBe(1);
  });

  it("resyncs a viewer that asks (it skimmed a flood): held at its window, it gets the screen as it is now and the stream from there", () => {
    const { hub, viewer, received, push } = hubWithClock(4);
    push("aaaa");
    // The window is full and the viewer does not ack: the rest waits on the server.
    push("bbbb");
    push("cccc");
    hub.resync(viewer);
    // Its acks of what it skipped come after the request: they release nothing older.
    hub.ack(viewer, 4);
    push("dddd");
    expect(received).toEqual([
      { type: "snapshot", reason: "attach", cols: 80, rows: 24, data: "" },
      { bytes: "aaaa" },
      { type: "snapshot", reason: "resync", cols: 80, rows: 24, data: "aaaabbbbcccc" },
      { bytes: "dddd" },
    ]);
    expect(viewer.resyncs).toBe(1);
  });
});

/**
 * A hub whose snapshots are the text pushed so far (delivered at once, or held until
 * `deliverSnapshot()` when `manualSnapshots`), with viewers that record what they are sent and
 * render (ack) only when told to — what a browser tab sees, frame by frame.
 */
function hubWithViewers(
  options: { high?: number; low?: number; ringBytes?: number; socketHigh?: number; manualSnapshots?: boolean; now?: () => number; floodWindow?: number } = {},
) {
  let text = "";
  let snapshotsTaken = 0;
  const pending: Array<() => void> = [];
  const hub: ViewerHub = new ViewerHub({
    highWatermark: options.high ?? 10,
    lowWatermark: options.low ?? 0,
    ...(options.ringBytes !== undefined ? { ringBytes: options.ringBytes } : {}),
    ...(options.socketHigh !== undefined ? { socketHighWatermark: options.socketHigh } : {}),
    ...(options.now ? { now: options.now } : {}),
    // The plain watermarks, unless a test is about the flood's extra window.
    floodWindowBytes: options.floodWindow ?? 0,
    takeSnapshot: (deliver) => {
      snapshotsTaken++;
      const take = () => deliver({ data: text, cols: 80, rows: 24, offset: hub.headOffset });
      if (options.manualSnapshots) pending.push(take);
      else take();
    },
  });
  const attach = () => {
    const received: Array<{ bytes: string } | ServerMessage> = [];
    const closed: Array<{ code: number; reason: string }> = [];
    const socket = { buffered: 0 };
    const transport: ViewerTransport = {
      sendBinary: (data) => void received.push({ bytes: data.toString() }),
      sendMessage: (message) => void received.push(message),
      get bufferedAmount() {
        return socket.buffered;
      },
      close: (code, reason) => void closed.push({ code, reason }),
    };
    const viewer = hub.attach(transport);
    hub.start(viewer);
    return {
      viewer,
      received,
      closed,
      socket,
      /** The bytes it was sent, joined. */
      text: () => received.map((m) => ("bytes" in m ? m.bytes : "")).join(""),
      /** Renders (acks) everything it was sent and not yet acked. */
      render: () => hub.ack(viewer, viewer.unacked),
      /** What the screen would show: the last snapshot, then the bytes after it. */
      screen: () => {
        const last = received.findLastIndex((m) => "type" in m && m.type === "snapshot");
        const snapshot = received[last] as { data: string };
        return snapshot.data + received.slice(last + 1).map((m) => ("bytes" in m ? m.bytes : "")).join("");
      },
      kinds: () => received.map((m) => ("bytes" in m ? `bytes:${m.bytes}` : m.type === "snapshot" ? `snapshot:${m.reason}` : m.type)),
    };
  };
  return {
    hub,
    attach,
    push(chunk: string) {
      text += chunk;
      hub.push(Buffer.from(chunk));
    },
    get snapshotsTaken() {
      return snapshotsTaken;
    },
    deliverSnapshot() {
      for (const take of pending.splice(0)) take();
    },
  };
}

const exitMessage: ServerMessage = { type: "exit", exitCode: 0, signal: null };

describe("ViewerHub: ack windows", () => {
  it("stops sending to a viewer at the window, resumes when it acks, and it ends with every byte once", () => {
    let now = 0;
    const h = hubWithViewers({ high: 10, low: 4, now: () => now });
    const v = h.attach();
    // Pushes BATCH_MS apart: each is a frame of its own.
    for (const c of "abcde") {
      h.push(c.repeat(5));
      now += BATCH_MS;
    }
    // Sending stops once 10 bytes are unacknowledged.
    expect(v.text()).toBe("aaaaabbbbb");
    // Acking down to 5 unacked is above the low watermark: still holding.
    h.hub.ack(v.viewer, 5);
    expect(v.text()).toBe("aaaaabbbbb");
    // At the low watermark it resumes, up to the window again (the chunk that crosses it goes whole).
    h.hub.ack(v.viewer, 1);
    expect(v.text()).toBe("aaaaabbbbbcccccddddd");
    v.render();
    expect(v.text()).toBe("aaaaabbbbbcccccdddddeeeee");
    expect(v.screen()).toBe("aaaaabbbbbcccccdddddeeeee");
    expect(v.viewer.resyncs).toBe(0);
  });

  it("a viewer behind gets the pushes that fit its window as one frame, the first one whole, up to MAX_FRAME_BYTES", () => {
    const h = hubWithViewers({ high: 20, low: 0 });
    const v = h.attach();
    h.push("aaaaaaaaaaaaaaaaaaaaaaaaa");
    for (const c of "bcdef") h.push(c.repeat(5));
    h.push("x".repeat(MAX_FRAME_BYTES));
    h.push("y".repeat(10));
    expect(v.kinds()).toEqual(["snapshot:attach", "bytes:aaaaaaaaaaaaaaaaaaaaaaaaa"]);
    v.render();
    // 20 bytes of window: four pushes of 5 in one frame.
    expect(v.kinds().slice(2)).toEqual(["bytes:bbbbbcccccdddddeeeee"]);
    v.render();
    // The large push goes whole, on its own: "fffff" and it would exceed the window, and it
    // and "yyyyyyyyyy" MAX_FRAME_BYTES.
    v.render();
    v.render();
    expect(v.kinds().slice(3).map((k) => k.length)).toEqual(["bytes:fffff".length, "bytes:".length + MAX_FRAME_BYTES, "bytes:yyyyyyyyyy".length]);
    expect(v.text()).toBe(`aaaaaaaaaaaaaaaaaaaaaaaaabbbbbcccccdddddeeeeefffff${"x".repeat(MAX_FRAME_BYTES)}yyyyyyyyyy`);
  });

  it("a flood widens the window by what was printed in the last BATCH_MS, up to floodWindowBytes", () => {
    let now = 0;
    const h = hubWithViewers({ high: 10, low: 0, now: () => now, floodWindow: 12 });
    const v = h.attach();
    // Printed at once: the window grows with each push, to 10 + 12 (the push that crosses it goes whole).
    for (const c of "abcdef") h.push(c.repeat(5));
    expect(v.text()).toBe("aaaaabbbbbcccccdddddeeeee");
    // Once the burst is BATCH_MS old, only the high watermark is left.
    now += BATCH_MS;
    v.render();
    expect(v.text()).toBe("aaaaabbbbbcccccdddddeeeeefffff");
    h.push("ggggg");
    h.push("hhhhh");
    now += BATCH_MS;
    // Only "iiiii" is within BATCH_MS: a window of 15, full.
    h.push("iiiii");
    expect(v.text()).toBe("aaaaabbbbbcccccdddddeeeeefffffggggghhhhh");
    v.render();
    expect(v.text()).toBe("aaaaabbbbbcccccdddddeeeeefffffggggghhhhhiiiii");
  });

  it("a viewer that does not ack costs the others nothing: they get every byte as it comes", () => {
    const h = hubWithViewers({ high: 10 });
    const stalled = h.attach();
    const healthy = h.attach();
    for (let i = 0; i < 20; i++) {
      h.push(`line ${i}\n`);
      healthy.render();
    }
    const all = Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join("");
    expect(healthy.text()).toBe(all);
    expect(stalled.text()).toBe("line 0\nline 1\n");
  });

  it("also holds sending while the socket's own buffer is full, and resumes when it drains", () => {
    const h = hubWithViewers({ high: 1_000, socketHigh: 8 });
    const v = h.attach();
    h.push("first");
    v.socket.buffered = 8;
    h.push("second");
    h.push("third");
    expect(v.text()).toBe("first");
    v.socket.buffered = 0;
    h.hub.drained(v.viewer);
    expect(v.text()).toBe("firstsecondthird");
  });
});

describe("ViewerHub: the ring", () => {
  it("frames a socket still holds do not change when the ring wraps", () => {
    let now = 0;
    const frames: Buffer[] = [];
    const hub: ViewerHub = new ViewerHub({
      ringBytes: 16,
      highWatermark: 1000,
      lowWatermark: 0,
      now: () => now,
      takeSnapshot: (deliver) => deliver({ data: "", cols: 80, rows: 24, offset: hub.headOffset }),
    });
    // The socket is full at first: the pushes wait in the ring, and go out as copies of it.
    const socket = { buffered: 2 * 1024 * 1024 };
    const viewer = hub.attach({
      sendBinary: (data) => void frames.push(data),
      sendMessage: () => undefined,
      get bufferedAmount() {
        return socket.buffered;
      },
      close: () => undefined,
    });
    hub.start(viewer);
    const pushes = ["0123456789", "abcdef", "ABCDEFGHIJ", "klmnopqrst"];
    hub.push(Buffer.from(pushes[0]!));
    now += BATCH_MS;
    hub.push(Buffer.from(pushes[1]!));
    now += BATCH_MS;
    socket.buffered = 0;
    hub.drained(viewer);
    // One frame, copied out of the ring.
    expect(frames.map((f) => f.toString())).toEqual([pushes[0]! + pushes[1]!]);
    // These overwrite the ring where the first frame was taken from.
    hub.push(Buffer.from(pushes[2]!));
    now += BATCH_MS;
    hub.push(Buffer.from(pushes[3]!));
    expect(frames.map((f) => f.toString())).toEqual([pushes[0]! + pushes[1]!, pushes[2], pushes[3]]);
    expect(hub.ringStart).toBe(36 - 16);
  });
});

describe("ViewerHub: a viewer that fell out of the ring", () => {
  it("is resynced from the screen, then continues live with nothing missing or doubled; the others are untouched", () => {
    const h = hubWithViewers({ high: 10, ringBytes: 20 });
    const slow = h.attach();
    const fast = h.attach();
    for (let i = 0; i < 10; i++) {
      h.push(`<${i}>`.padEnd(6, "."));
      fast.render();
    }
    expect(slow.text()).toBe("<0>...<1>...");
    // It renders what it had; its next byte was evicted from the 20-byte ring meanwhile.
    slow.render();
    expect(slow.kinds().slice(-1)).toEqual(["snapshot:resync"]);
    expect(slow.viewer.resyncs).toBe(1);
    // The resync shows the present screen: everything printed so far.
    const printed = Array.from({ length: 10 }, (_, i) => `<${i}>`.padEnd(6, ".")).join("");
    expect(slow.screen()).toBe(printed);
    // And live output continues right after it.
    h.push("<10>..");
    expect(slow.screen()).toBe(`${printed}<10>..`);
    expect(fast.text()).toBe(`${printed}<10>..`);
    expect(fast.viewer.resyncs).toBe(0);
  });

  it("one serialization serves every viewer waiting for a snapshot at the same moment", () => {
    const h = hubWithViewers({ manualSnapshots: true });
    h.push("hello ");
    const a = h.attach();
    const b = h.attach();
    expect(h.snapshotsTaken).toBe(1);
    // Output printed while the snapshot is being taken is in it, not sent twice.
    h.push("world");
    h.deliverSnapshot();
    for (const v of [a, b]) {
      expect(v.kinds()).toEqual(["snapshot:attach"]);
      expect(v.screen()).toBe("hello world");
    }
    h.push("!");
    expect(a.screen()).toBe("hello world!");
  });

  it("a viewer that left while its snapshot was pending is sent nothing", () => {
    const h = hubWithViewers({ manualSnapshots: true });
    const gone = h.attach();
    const stays = h.attach();
    h.hub.detach(gone.viewer);
    h.deliverSnapshot();
    h.push("x");
    expect(gone.received).toEqual([]);
    expect(stays.screen()).toBe("x");
  });
});

describe("ViewerHub: control messages keep their place after output", () => {
  it("a viewer held back by its window gets the exit after the last output bytes, not before", () => {
    const h = hubWithViewers({ high: 10 });
    const held = h.attach();
    const current = h.attach();
    h.push("0123456789");
    current.render();
    h.push("last words");
    current.render();
    h.hub.broadcast(exitMessage);
    // The current viewer had everything: the exit follows at once.
    expect(current.kinds()).toEqual(["snapshot:attach", "bytes:0123456789", "bytes:last words", "exit"]);
    // The held one has not been sent "last words" yet, so not the exit either.
    expect(held.kinds()).toEqual(["snapshot:attach", "bytes:0123456789"]);
    held.render();
    expect(held.kinds()).toEqual(["snapshot:attach", "bytes:0123456789", "bytes:last words", "exit"]);
  });

  it("messages are interleaved with the output at the point they were broadcast", () => {
    const h = hubWithViewers({ high: 5 });
    const v = h.attach();
    h.push("aaaaa");
    h.push("bbbbb");
    h.hub.broadcast({ type: "size", cols: 100, rows: 30 });
    h.push("ccccc");
    h.hub.broadcast(exitMessage);
    for (let i = 0; i < 3; i++) v.render();
    expect(v.kinds()).toEqual(["snapshot:attach", "bytes:aaaaa", "bytes:bbbbb", "size", "bytes:ccccc", "exit"]);
  });

  it("a viewer waiting for its snapshot gets the messages after it", () => {
    const h = hubWithViewers({ manualSnapshots: true });
    const v = h.attach();
    h.hub.broadcast({ type: "size", cols: 100, rows: 30 });
    h.hub.broadcast(exitMessage);
    expect(v.received).toEqual([]);
    h.deliverSnapshot();
    expect(v.kinds()).toEqual(["snapshot:attach", "size", "exit"]);
  });

  it("a long-held viewer keeps a bounded queue of messages, and never loses the exit", () => {
    const h = hubWithViewers({ high: 5 });
    const v = h.attach();
    h.push("aaaaa");
    h.push("bbbbb");
    for (let i = 1; i <= 200; i++) h.hub.broadcast({ type: "size", cols: i, rows: 24 });
    h.hub.broadcast(exitMessage);
    for (let i = 1; i <= 100; i++) h.hub.broadcast({ type: "size", cols: 1000 - i, rows: 24 });
    v.render();
    const kinds = v.kinds();
    expect(kinds.slice(0, 3)).toEqual(["snapshot:attach", "bytes:aaaaa", "bytes:bbbbb"]);
    expect(kinds.filter((k) => k === "exit")).toHaveLength(1);
    expect(kinds.length - 3).toBeLessThanOrEqual(64);
    // The newest state wins: the last size sent is the last one broadcast.
    const sizes = v.received.filter((m): m is Extract<ServerMessage, { type: "size" }> => "type" in m && m.type === "size");
    expect(sizes.at(-1)).toMatchObject({ cols: 900 });
  });

  it("closeAll closes every viewer with the code and reason, and sends nothing afterwards", () => {
    const h = hubWithViewers();
    const a = h.attach();
    const b = h.attach();
    h.hub.closeAll(CLOSE_CODES.sessionReplaced, "Replaced by a new run");
    h.push("late");
    for (const v of [a, b]) {
      expect(v.closed).toEqual([{ code: CLOSE_CODES.sessionReplaced, reason: "Replaced by a new run" }]);
      expect(v.text()).toBe("");
    }
    expect(h.hub.count).toBe(0);
  });
});
