import { describe, expect, it } from "vitest";
import type { ServerMessage } from "./protocol";
import { MAX_FRAME_BYTES, VIEWER_HIGH_WATERMARK, VIEWER_MAX_WINDOW, ViewerHub, type ViewerTransport } from "./viewer-hub";

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

/** A hub on a hand-driven clock whose snapshots are the text pushed so far, delivered at once. */
function hubWithClock(highWatermark = 10) {
  let now = 0;
  let text = "";
  const hub: ViewerHub = new ViewerHub({
    highWatermark,
    maxWindow: 1_000,
    now: () => now,
    takeSnapshot: (deliver) => deliver({ data: text, cols: 80, rows: 24, offset: hub.headOffset }),
  });
  return {
    hub,
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
    const { hub, push, advance } = hubWithClock();
    const { transport, received } = recordingTransport();
    const viewer = hub.attach(transport);
    hub.start(viewer);
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
    const { hub, push, advance } = hubWithClock();
    const { transport, received } = recordingTransport();
    const viewer = hub.attach(transport);
    hub.start(viewer);
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
});

describe("ViewerHub: the window follows how fast a viewer acks", () => {
  function floodHub() {
    let now = 0;
    const hub: ViewerHub = new ViewerHub({ now: () => now, takeSnapshot: (deliver) => deliver({ data: "", cols: 80, rows: 24, offset: hub.headOffset }) });
    const frames: number[] = [];
    const viewer = hub.attach({ sendBinary: (data) => void frames.push(data.length), sendMessage: () => undefined, bufferedAmount: 0, close: () => undefined });
    hub.start(viewer);
    return { hub, viewer, frames, advance: (ms: number) => (now += ms) };
  }
  const unsent = (hub: ViewerHub, viewer: { position: number }) => hub.headOffset - viewer.position;

  it("grows for a viewer that acks a whole window quickly, up to the maximum, and sends frames of at most 64 KiB", () => {
    const { hub, viewer, frames, advance } = floodHub();
    hub.push(Buffer.alloc(16 * 1024 * 1024, 0x61));
    expect(viewer.unacked).toBeGreaterThanOrEqual(VIEWER_HIGH_WATERMARK);
    expect(viewer.unacked).toBeLessThan(VIEWER_HIGH_WATERMARK + MAX_FRAME_BYTES);
    // Acks every millisecond for what was sent: ~100 kB per ms is far more than 100 kB per 20 ms.
    for (let i = 0; i < 25; i++) {
      advance(1);
      hub.ack(viewer, viewer.unacked);
    }
    expect(viewer.window).toBe(VIEWER_MAX_WINDOW);
    expect(viewer.unacked).toBeGreaterThan(VIEWER_HIGH_WATERMARK);
    expect(Math.max(...frames)).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(unsent(hub, viewer)).toBeGreaterThan(0);
  });

  it("keeps the smallest window for a viewer that acks slowly (a browser rendering a flood)", () => {
    const { hub, viewer, advance } = floodHub();
    hub.push(Buffer.alloc(4 * 1024 * 1024, 0x61));
    // 64 kB every 20 ms: 3.2 MB/s of rendering.
    for (let i = 0; i < 50; i++) {
      advance(20);
      hub.ack(viewer, 64 * 1024);
    }
    expect(viewer.window).toBe(VIEWER_HIGH_WATERMARK);
    expect(viewer.unacked).toBeLessThan(VIEWER_HIGH_WATERMARK + MAX_FRAME_BYTES);
  });
});
