import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { TerminalSocketServer } from "../../server/terminal-socket";
import type { SessionState } from "../../src/terminal/contract/protocol";
import { TerminalConnection, type ConnectionStatus, type TerminalRenderer } from "../../src/terminal/client/terminal-connection";
import { RING_BYTES } from "../../src/terminal/contract/flow-control";
import { stripAnsi } from "../helpers/strip-ansi";
import { commandProfile, createTestServices, makeTask, shellProfile, waitFor } from "../helpers/test-services";
import type { TestServices } from "../helpers/test-services";

/**
 * The browser side of a terminal (TerminalConnection) against the real socket bridge and real
 * PTYs: what a person would see — the screen drawn from the snapshot, then the output — through
 * a dropped connection, a view too slow for a flood, and a task started again.
 */

/**
 * Stands in for xterm: `restore` resets the screen to the snapshot, `write` appends. With
 * `rendering = false` it holds writes unrendered (a busy tab): their acks wait for `renderAll()`.
 */
class RecordingRenderer implements TerminalRenderer {
  /** The serialized screen of the last restore, then everything written since, as text. */
  screen = "";
  restores = 0;
  writtenBytes = 0;
  rendering = true;
  private readonly held: Array<() => void> = [];
  private decoder = new StringDecoder("utf8");

  restore(data: string): void {
    this.restores++;
    this.decoder = new StringDecoder("utf8");
    this.screen = data;
  }

  write(data: Uint8Array, done: () => void): void {
    this.writtenBytes += data.byteLength;
    this.screen += this.decoder.write(Buffer.from(data));
    if (this.rendering) done();
    else this.held.push(done);
  }

  resize(): void {}

  renderAll(): void {
    this.rendering = true;
    for (const done of this.held.splice(0)) done();
  }

  text(): string {
    return stripAnsi(this.screen).replace(/\r/g, "");
  }
}

describe("TerminalConnection (browser side) against the terminal socket", () => {
  let services: TestServices;
  let server: http.Server;
  let bridge: TerminalSocketServer;
  let baseUrl: string;
  /** The server side of every upgraded connection, to cut them as a network drop would. */
  const sockets = new Set<Duplex>();
  const connections: TerminalConnection[] = [];

  beforeEach(async () => {
    // What the browser provides; the `ws` client implements the same interface.
    vi.stubGlobal("WebSocket", WebSocket);
    services = await createTestServices();
    bridge = new TerminalSocketServer(services);
    server = http.createServer((_req, res) => res.writeHead(404).end());
    server.on("upgrade", (req, socket, head) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      const taskId = decodeURIComponent((req.url ?? "").replace(/^\/ws\/terminals\//, ""));
      bridge.handleUpgrade(req, socket, head, taskId);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.dispose();
    bridge.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await services.dispose();
    vi.unstubAllGlobals();
  });

  function open(taskId: string, renderer = new RecordingRenderer()) {
    const statuses: ConnectionStatus[] = [];
    const states: SessionState[] = [];
    const exits: Array<{ exitCode: number | null; signal: string | null }> = [];
    const connection = new TerminalConnection(
      taskId,
      renderer,
      { onStatus: (s) => statuses.push(s), onState: (s) => states.push(s), onExit: (e) => exits.push(e) },
      baseUrl,
    );
    connections.push(connection);
    connection.connect();
    return { connection, renderer, statuses, states, exits };
  }

  it("draws the screen, then live output; typed keys reach the program; a long output arrives whole (acks flow)", async () => {
    const task = makeTask(services, shellProfile(services), "shell", "echo BEFORE-ATTACH");
    await services.terminals.start(task.id);
    const session = services.host.sessionFor(task.id)!;
    await waitFor(() => /^BEFORE-ATTACH$/m.test(session.log.read({ mode: "full" }).output), 10_000, "the first command");
    const view = open(task.id);
    await waitFor(() => view.connection.currentStatus === "live", 10_000, "live");
    expect(view.statuses).toEqual(["live"]);
    expect(view.renderer.restores).toBe(1);
    expect(view.renderer.text()).toContain("BEFORE-ATTACH");
    // ~290 kB: about three flow-control windows, so it only all arrives if the view acks as it renders.
    view.connection.sendInput("seq 1 50000; echo TYPED-$((6*7))\r");
    await waitFor(() => view.renderer.text().includes("TYPED-42\n"), 20_000, "the command's output");
    const numbers = view.renderer.text().match(/^\d+$/gm)!.map(Number);
    expect(numbers.slice(-3)).toEqual([49_998, 49_999, 50_000]);
    expect(numbers).toEqual(Array.from({ length: 50_000 }, (_, i) => i + 1));
    expect(view.renderer.restores).toBe(1);
  });

  it("reconnects after the connection drops, and shows what was printed meanwhile", async () => {
    const task = makeTask(services, shellProfile(services), "shell");
    await services.terminals.start(task.id);
    const view = open(task.id);
    await waitFor(() => view.connection.currentStatus === "live", 10_000, "live");
    view.connection.sendInput("echo ONE\r");
    await waitFor(() => view.renderer.text().includes("ONE\n"), 10_000, "ONE");

    for (const socket of sockets) socket.destroy();
    await waitFor(() => view.connection.currentStatus === "reconnecting", 10_000, "the drop to be noticed");
    // Printed while nobody is connected: it reaches the view through the snapshot.
    services.sessions.get(task.id)!.write("echo DURING-DROP\r");
    await waitFor(() => view.connection.currentStatus === "live", 10_000, "the reconnect");
    await waitFor(() => view.renderer.text().includes("DURING-DROP\n"), 10_000, "the output printed during the drop");
    expect(view.statuses).toEqual(["live", "reconnecting", "live"]);
    expect(view.renderer.restores).toBe(2);
    // Live again: typing works on the new connection.
    view.connection.sendInput("echo AFTER\r");
    await waitFor(() => view.renderer.text().includes("AFTER\n"), 10_000, "AFTER");
  });

  it("a view too slow for a flood is redrawn from the present screen instead of replaying it", async () => {
    const floodBytes = 2 * RING_BYTES;
    const script = `head -c ${floodBytes} /dev/zero | tr '\\0' x | fold -w 100; echo FLOOD-END; sleep 30`;
    const task = makeTask(services, commandProfile(services, "flood", "/bin/bash", ["-c", script]));
    await services.terminals.start(task.id);
    const session = services.host.sessionFor(task.id)!;
    const renderer = new RecordingRenderer();
    renderer.rendering = false;
    const view = open(task.id, renderer);
    await waitFor(() => session.log.read({ mode: "tail", tailLines: 2 }).output.includes("FLOOD-END"), 60_000, "the flood to end");
    // The view rendered nothing meanwhile, so it was sent no more than its window.
    const beforeRender = renderer.writtenBytes;
    expect(beforeRender).toBeLessThan(RING_BYTES);
    expect(renderer.text()).not.toContain("FLOOD-END");
    renderer.renderAll();
    await waitFor(() => renderer.text().includes("FLOOD-END"), 20_000, "the present screen");
    // Redrawn once from the snapshot, not sent the megabytes it missed.
    expect(renderer.restores).toBe(2);
    expect(renderer.writtenBytes).toBeLessThan(RING_BYTES);
    expect(view.connection.currentStatus).toBe("live");
  });

  it("follows the task to its new run when the session is replaced, and says idle when it is only reaped", async () => {
    const profile = commandProfile(services, "runs", "/bin/bash", ["-c", 'echo "RUN-$RANDOM$RANDOM"; read -r _']);
    const task = makeTask(services, profile);
    const first = await services.terminals.start(task.id);
    const view = open(task.id);
    await waitFor(() => /RUN-\d+/.test(view.renderer.text()), 10_000, "the first run's output");
    const firstRun = /RUN-\d+/.exec(view.renderer.text())![0];
    // The first run ends (its exit is shown), then the task is started again.
    services.sessions.get(task.id)!.write("\r");
    await waitFor(() => view.exits.length === 1, 10_000, "the exit");
    const second = await services.terminals.start(task.id);
    expect(second.id).not.toBe(first.id);
    // Moved to the new run without being told: the new run's state, screen and output.
    await waitFor(() => view.states.at(-1)?.executionId === second.id, 10_000, "the new run's hello");
    await waitFor(() => /RUN-\d+/.test(view.renderer.text()) && !view.renderer.text().includes(firstRun), 10_000, "the new run's screen");
    expect(view.connection.currentStatus).toBe("live");

    // Reaped (not replaced): nothing to follow, so it waits, idle, until told a run started.
    await services.sessions.remove(task.id, "Session expired");
    await waitFor(() => view.connection.currentStatus === "idle", 10_000, "idle");
    await services.terminals.start(task.id);
    view.connection.reconnect();
    await waitFor(() => view.connection.currentStatus === "live", 10_000, "live again");
  });

  it("reports the exit of a run that ended before the view attached (its exit was broadcast to nobody)", async () => {
    const task = makeTask(services, commandProfile(services, "quick", "/bin/bash", ["-c", "echo QUICK-END; exit 3"]));
    await services.terminals.start(task.id);
    const session = services.sessions.get(task.id)!;
    await waitFor(() => !session.running, 10_000, "the run to end");
    const view = open(task.id);
    await waitFor(() => view.exits.length === 1, 10_000, "the exit");
    expect(view.exits[0]).toEqual({ exitCode: 3, signal: null });
    await waitFor(() => view.renderer.text().includes("QUICK-END"), 10_000, "the screen");
  });

  it("is idle for a task without a session, and closed (no more reconnects) once disposed", async () => {
    const task = makeTask(services, shellProfile(services), "never started");
    const view = open(task.id);
    await waitFor(() => view.connection.currentStatus === "idle", 10_000, "idle");
    await services.terminals.start(task.id);
    view.connection.reconnect();
    await waitFor(() => view.connection.currentStatus === "live", 10_000, "live");
    view.connection.dispose();
    expect(view.connection.currentStatus).toBe("closed");
    await waitFor(() => services.sessions.get(task.id)!.viewerCount === 0, 10_000, "the server to see the viewer leave");
    expect(view.statuses.at(-1)).toBe("closed");
  });
});
