import net from "node:net";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { FRAME_JSON } from "./host-protocol";
import { encodeJsonFrame, encodeOutputHeader, FramedStream, FrameReader, ReusedReadBuffer, type Frame } from "./host-wire";

type Sent = { json: unknown } | { channel: number; data: Buffer };

function encode(sent: Sent[]): Buffer {
  return Buffer.concat(sent.flatMap((s) => ("json" in s ? [encodeJsonFrame(s.json)] : [encodeOutputHeader(s.channel, s.data.length), s.data])));
}

/** What a consumer that copies output during the call ends up with: JSON values, and each channel's bytes. */
function collect() {
  const json: unknown[] = [];
  const output = new Map<number, Buffer[]>();
  const onFrame = (frame: Frame) => {
    if (frame.kind === FRAME_JSON) json.push(frame.value);
    else output.set(frame.channel, [...(output.get(frame.channel) ?? []), Buffer.from(frame.data)]);
  };
  const bytes = (channel: number) => Buffer.concat(output.get(channel) ?? []);
  return { json, bytes, onFrame };
}

const sentArbitrary = fc.array(
  fc.oneof(
    fc.record({ json: fc.jsonValue({ maxDepth: 2 }) }),
    fc.record({ channel: fc.integer({ min: 1, max: 3 }), data: fc.uint8Array({ minLength: 0, maxLength: 300 }).map((a) => Buffer.from(a)) }),
  ),
  { maxLength: 30 },
);

describe("FrameReader on a reused read buffer", () => {
  it("gives every frame exactly once, wherever the reads cut the stream, though each read's memory is overwritten after it", () => {
    fc.assert(
      fc.property(sentArbitrary, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }), (sent, cuts) => {
        const stream = encode(sent);
        const got = collect();
        const reader = new FrameReader(got.onFrame);
        // One buffer for every read, scribbled over after each push, as the socket reuses it.
        const reused = Buffer.alloc(64);
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const n = Math.min(cuts[i % cuts.length]!, stream.length - at);
          stream.copy(reused, 0, at, at + n);
          reader.push(reused.subarray(0, n), true);
          reused.fill(0xee);
          at += n;
        }
        const expectedJson = sent.flatMap((s) => ("json" in s ? [JSON.parse(JSON.stringify(s.json)) as unknown] : []));
        expect(got.json).toEqual(expectedJson);
        for (const channel of [1, 2, 3]) {
          const expected = Buffer.concat(sent.flatMap((s) => ("channel" in s && s.channel === channel ? [s.data] : [])));
          expect(got.bytes(channel).equals(expected)).toBe(true);
        }
      }),
    );
  });
});

describe("FramedStream over a socket that reads into a ReusedReadBuffer", () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it("receives frames written before and after it listens, then sees the other end close", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "host-wire-"));
    const socketPath = path.join(dir, "s.sock");
    const big = Buffer.alloc(300 * 1024, 7);
    const server = net.createServer((peer) => {
      // The first frames are on their way before the client's FramedStream exists.
      peer.write(encodeJsonFrame({ t: "first" }));
      peer.once("data", () => {
        peer.write(Buffer.concat([encodeOutputHeader(4, big.length), big, encodeJsonFrame({ t: "last" })]));
        peer.end();
      });
    });
    cleanups.push(() => {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const reads = new ReusedReadBuffer(1024);
    const socket = net.connect({ path: socketPath, onread: reads.onread });
    await new Promise((resolve) => socket.once("connect", resolve));
    // The first frame arrives while nobody listens.
    while (socket.bytesRead === 0) await new Promise((resolve) => setImmediate(resolve));
    const got = collect();
    const closed = new Promise<string>((resolve) => {
      const stream = new FramedStream(socket, socket, got.onFrame, reads);
      stream.onClose(resolve);
      stream.send({ t: "go" });
    });
    await expect(closed).resolves.toMatch(/closed/);
    expect(got.json).toEqual([{ t: "first" }, { t: "last" }]);
    expect(got.bytes(4).equals(big)).toBe(true);
  });
});
