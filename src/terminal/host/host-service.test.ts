import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { encodeJsonFrame, encodeOutputHeader, FrameReader, type Frame } from "../contract/host-wire";
import { FRAME_JSON, FRAME_OUTPUT, HOST_PROTOCOL_VERSION, type HostMessage } from "../contract/host-protocol";
import { TerminalHostService } from "./host-service";

const TOKEN = "test-token-0123456789abcdef0123456789";

/** A raw peer of the host: writes bytes, collects the frames the host sends back. */
function rawPeer(service: TerminalHostService) {
  const toHost = new PassThrough();
  const fromHost = new PassThrough();
  const frames: Frame[] = [];
  let ended = false;
  const reader = new FrameReader((frame) => frames.push(frame));
  fromHost.on("data", (chunk: Buffer) => reader.push(chunk));
  fromHost.on("end", () => (ended = true));
  service.accept(toHost, fromHost);
  return {
    frames,
    get ended() {
      return ended;
    },
    write: (bytes: Buffer) => toHost.write(bytes),
    // JSON has no `undefined`: a generated one goes out as null.
    send: (value: unknown) => toHost.write(encodeJsonFrame(value === undefined ? null : value)),
    json: () => frames.filter((f): f is Extract<Frame, { kind: typeof FRAME_JSON }> => f.kind === FRAME_JSON).map((f) => f.value as HostMessage | { t: string }),
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never: ${what}`);
}

/** A small deterministic generator, so a failure can be replayed from its seed. */
function generator(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const value = (depth = 0): unknown => {
    const kind = Math.floor(next() * (depth > 2 ? 6 : 8));
    switch (kind) {
      case 0:
        return null;
      case 1:
        return next() < 0.5;
      case 2:
        return pick([0, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER, 1e300]);
      case 3:
        return pick(["", "x", "../../etc", "\u0000", "spawn", "a".repeat(300)]);
      case 4:
        return pick(["task", "run", "req", "write", "viewerOpen"]);
      case 5:
        return undefined;
      case 6:
        return Array.from({ length: Math.floor(next() * 3) }, () => value(depth + 1));
      default: {
        const keys = ["t", "op", "id", "taskId", "executionId", "call", "data", "channel", "query", "spec", "message", "on", "cols", "rows"];
        return Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, () => [pick(keys), value(depth + 1)]));
      }
    }
  };
  return { next, pick, value };
}

const services: TerminalHostService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.shutdown();
});

function host(): TerminalHostService {
  const service = new TerminalHostService({ token: TOKEN });
  services.push(service);
  return service;
}

describe("host wire frames", () => {
  it("reads the same frames however the stream is cut", () => {
    const frames = [encodeJsonFrame({ t: "hello", n: 1 }), Buffer.concat([encodeOutputHeader(7, 5), Buffer.from("héllo".slice(0, 4))]), encodeJsonFrame({ t: "x", s: "é".repeat(100) })];
    // The output frame's header says 5 bytes: give it exactly 5.
    frames[1] = Buffer.concat([encodeOutputHeader(7, 5), Buffer.from("abcde")]);
    const stream = Buffer.concat(frames);
    for (let cut = 1; cut < stream.length; cut++) {
      const seen: Frame[] = [];
      const reader = new FrameReader((frame) => seen.push(frame));
      reader.push(stream.subarray(0, cut));
      reader.push(stream.subarray(cut));
      // Output may come in pieces (cut where the stream was): the pieces of one frame join up.
      const joined: string[] = [];
      let lastOutput: string | undefined;
      for (const f of seen) {
        if (f.kind === FRAME_OUTPUT) {
          if (lastOutput !== undefined) joined.pop();
          lastOutput = `${lastOutput ?? `${f.channel}:`}${f.data.toString()}`;
          joined.push(lastOutput);
        } else {
          lastOutput = undefined;
          joined.push(JSON.stringify(f.value));
        }
      }
      expect(joined).toEqual([
        JSON.stringify({ t: "hello", n: 1 }),
        "7:abcde",
        JSON.stringify({ t: "x", s: "é".repeat(100) }),
      ]);
    }
  });

  it("refuses lengths it cannot hold and unknown kinds", () => {
    const reader = new FrameReader(() => undefined);
    expect(() => reader.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0]))).toThrow(/out of range/);
    const kinds = new FrameReader(() => undefined);
    expect(() => kinds.push(Buffer.from([0, 0, 0, 1, 9]))).toThrow(/unknown frame kind/);
  });
});

describe("the host's handshake and messages, fuzzed", () => {
  it("answers every generated hello with a refusal and closes, and still serves a good one", async () => {
    const service = host();
    for (let seed = 1; seed <= 200; seed++) {
      const gen = generator(seed);
      const hello = gen.next() < 0.5 ? gen.value() : { t: "hello", protocol: gen.pick([HOST_PROTOCOL_VERSION, 0, HOST_PROTOCOL_VERSION + 1, -1]), token: gen.pick(["", "nope", TOKEN.slice(1)]), role: gen.pick(["app", "control", "root"]), pid: gen.pick([1, -1, 1.5]) };
      const peer = rawPeer(service);
      peer.send(hello);
      await until(() => peer.json().length > 0, `an answer to hello #${seed}`);
      expect(peer.json()[0], `seed ${seed}: ${JSON.stringify(hello)}`).toMatchObject({ t: "refused" });
      await until(() => peer.ended, `the refused connection #${seed} to close`);
    }
    const good = rawPeer(service);
    good.send({ t: "hello", protocol: HOST_PROTOCOL_VERSION, token: TOKEN, role: "control", pid: 1 });
    good.send({ t: "req", id: 1, call: { op: "status" } });
    await until(() => good.json().length >= 2, "a welcome and a status");
    expect(good.json()[0]).toMatchObject({ t: "welcome", protocol: HOST_PROTOCOL_VERSION });
    expect(good.json()[1]).toMatchObject({ t: "res", id: 1, ok: true, value: { sessions: 0 } });
  });

  it("answers every generated request after a good hello, with a result or a clear error, and keeps serving", async () => {
    const service = host();
    const peer = rawPeer(service);
    peer.send({ t: "hello", protocol: HOST_PROTOCOL_VERSION, token: TOKEN, role: "app", pid: 1 });
    const ops = ["configure", "spawn", "stop", "remove", "readLog", "snapshot", "stats", "exitsRecorded", "status", "nope"];
    let id = 0;
    for (let seed = 1; seed <= 500; seed++) {
      const gen = generator(seed);
      // Requests with a real id get an answer whatever their call holds.
      const call = gen.next() < 0.3 ? gen.value() : { op: gen.pick(ops), taskId: gen.value(), executionId: gen.value(), query: gen.value(), spec: gen.value(), keepalive: gen.value() };
      peer.send({ t: "req", id: ++id, call });
      // Other messages (notices) are dropped or applied; they must not break anything either.
      peer.send(gen.next() < 0.5 ? gen.value() : { t: gen.pick(["write", "resize", "watchOutput", "viewerOpen", "viewerMessage", "viewerBlocked", "viewerClose"]), taskId: gen.value(), channel: gen.value(), data: gen.value(), message: gen.value() });
    }
    await until(() => peer.json().filter((m) => m.t === "res").length >= id, "an answer to every request");
    const answers = peer.json().filter((m): m is Extract<HostMessage, { t: "res" }> => m.t === "res");
    expect(new Set(answers.map((a) => a.id)).size).toBe(id);
    for (const answer of answers) {
      if (!answer.ok) expect(answer.error.code, JSON.stringify(answer)).toMatch(/^(bad_request|not_found|conflict|forbidden):/);
    }
    // Still serving: a status request answers.
    peer.send({ t: "req", id: ++id, call: { op: "status" } });
    await until(() => peer.json().some((m) => m.t === "res" && (m as { id: number }).id === id), "the final status");
    expect(peer.ended).toBe(false);
  });

  it("closes a connection that sends garbage bytes, and keeps serving the others", async () => {
    const service = host();
    const good = rawPeer(service);
    good.send({ t: "hello", protocol: HOST_PROTOCOL_VERSION, token: TOKEN, role: "control", pid: 1 });
    for (let seed = 1; seed <= 50; seed++) {
      const bad = rawPeer(service);
      // A first byte of 0x7f–0xff makes an impossible length; the rest is noise.
      bad.write(Buffer.concat([Buffer.from([0x80 + (seed % 0x7f)]), randomBytes(64)]));
      await until(() => bad.ended, `garbage connection #${seed} to close`);
    }
    good.send({ t: "req", id: 1, call: { op: "status" } });
    await until(() => good.json().length >= 2, "the status");
    expect(good.json()[1]).toMatchObject({ t: "res", id: 1, ok: true });
  });
});
