import { describe, expect, it } from "vitest";
import type { ServerMessage } from "./protocol";
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
});
