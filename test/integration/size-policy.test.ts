import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ServerMessage } from "../../src/terminal/contract/protocol";
import type { PtySession } from "../../src/terminal/host/pty-session";
import { FakeViewer } from "../helpers/fake-viewer";
import { commandProfile, createTestServices, makeTask, waitFor } from "../helpers/test-services";
import type { TestServices } from "../helpers/test-services";

/**
 * The size policy (docs/protocol.md, "Size policy") on a real PTY: the program itself reports the
 * size it has (`stty size` on every Enter), so each assertion is what the agent would see.
 */
describe("the PTY size policy with many viewers", () => {
  let services: TestServices;
  let session: PtySession;
  beforeEach(async () => {
    services = await createTestServices();
    // Prints "size <rows> <cols>" for each line it reads: the program's own view of its terminal.
    const task = makeTask(services, commandProfile(services, "sizer", "/bin/bash", ["--norc", "--noprofile", "-c", "while read -r _; do echo \"size $(stty size)\"; done"]));
    await services.terminals.start(task.id, { cols: 120, rows: 32 });
    session = services.host.sessionFor(task.id)!;
  });
  afterEach(async () => {
    await services.dispose();
  });

  let probe = 0;
  /** The size the program sees now: asked through the PTY, answered by `stty`. */
  async function programSize(): Promise<string> {
    const marker = `${++probe}`;
    const before = session.log.read({ mode: "full" }).totalLines;
    session.write(`${marker}\r`);
    let answer = "";
    await waitFor(() => {
      const lines = session.log.read({ mode: "full", since: before }).output.split("\n");
      answer = lines.find((line) => /^size \d+ \d+/.test(line)) ?? "";
      return answer !== "";
    }, 10_000, "stty's answer");
    const [, rows, cols] = answer.split(" ");
    return `${cols}x${rows}`;
  }

  const lastSize = (viewer: FakeViewer) => [...viewer.messages].reverse().find((m): m is Extract<ServerMessage, { type: "size" }> => m.type === "size");

  it("a desktop view opening sizes an unowned PTY; a phone or a tile opening, typing or resizing never does", async () => {
    const desktop = new FakeViewer(session).attach();
    session.handleViewerMessage(desktop.viewer, { type: "resize", cols: 150, rows: 40, sizing: "lead" });
    expect(await programSize()).toBe("150x40");
    expect(lastSize(desktop)).toMatchObject({ cols: 150, rows: 40, owner: true });

    const phone = new FakeViewer(session).attach();
    session.handleViewerMessage(phone.viewer, { type: "resize", cols: 42, rows: 26, sizing: "follow" });
    session.handleViewerMessage(phone.viewer, { type: "input", data: "x" });
    session.handleViewerMessage(phone.viewer, { type: "resize", cols: 40, rows: 20, sizing: "follow" });
    const tile = new FakeViewer(session).attach();
    session.handleViewerMessage(tile.viewer, { type: "resize", cols: 70, rows: 18, sizing: "follow" });
    session.handleViewerMessage(tile.viewer, { type: "input", data: "y" });
    expect(await programSize()).toBe("150x40");
    expect(session.size).toEqual({ cols: 150, rows: 40 });
    expect(lastSize(desktop)?.owner).toBe(true);
  });

  it("the phone takes the size only when asked, and a desktop view that types takes it back", async () => {
    const desktop = new FakeViewer(session).attach();
    session.handleViewerMessage(desktop.viewer, { type: "resize", cols: 150, rows: 40, sizing: "lead" });
    const phone = new FakeViewer(session).attach();
    session.handleViewerMessage(phone.viewer, { type: "resize", cols: 42, rows: 26, sizing: "follow" });

    session.handleViewerMessage(phone.viewer, { type: "resize", cols: 42, rows: 26, sizing: "follow", take: true });
    expect(await programSize()).toBe("42x26");
    expect(lastSize(phone)).toMatchObject({ cols: 42, rows: 26, owner: true });
    expect(lastSize(desktop)).toMatchObject({ cols: 42, rows: 26, owner: false });
    // Owned by the phone now: its later fits apply.
    session.handleViewerMessage(phone.viewer, { type: "resize", cols: 44, rows: 26, sizing: "follow" });
    expect(await programSize()).toBe("44x26");

    desktop.type("z");
    expect(await programSize()).toBe("150x40");
    expect(lastSize(desktop)?.owner).toBe(true);
    expect(lastSize(phone)?.owner).toBe(false);
  });

  it("when the owner leaves the size stays; the next desktop view to open or type takes it", async () => {
    const first = new FakeViewer(session).attach();
    session.handleViewerMessage(first.viewer, { type: "resize", cols: 100, rows: 30, sizing: "lead" });
    const second = new FakeViewer(session).attach();
    session.handleViewerMessage(second.viewer, { type: "resize", cols: 160, rows: 45, sizing: "lead" });
    expect(await programSize()).toBe("100x30");
    expect(lastSize(second)).toBeUndefined(); // nothing changed for it: the size it was given at attach holds

    first.detach();
    expect(await programSize()).toBe("100x30");
    const tile = new FakeViewer(session).attach();
    session.handleViewerMessage(tile.viewer, { type: "resize", cols: 60, rows: 15, sizing: "follow" });
    expect(await programSize()).toBe("100x30");

    second.type("q");
    expect(await programSize()).toBe("160x45");
  });

  it("an owner that turns follower (an expanded tile collapsing) leaves the size as it is", async () => {
    const tile = new FakeViewer(session).attach();
    session.handleViewerMessage(tile.viewer, { type: "resize", cols: 130, rows: 36, sizing: "lead" });
    expect(await programSize()).toBe("130x36");
    session.handleViewerMessage(tile.viewer, { type: "resize", cols: 70, rows: 18, sizing: "follow" });
    expect(await programSize()).toBe("130x36");
    expect(lastSize(tile)).toMatchObject({ cols: 130, rows: 36, owner: false });
    // A client that says nothing of sizing (API clients, older pages) leads, as before.
    const plain = new FakeViewer(session).attach();
    session.handleViewerMessage(plain.viewer, { type: "resize", cols: 90, rows: 24 });
    expect(await programSize()).toBe("90x24");
  });
});
