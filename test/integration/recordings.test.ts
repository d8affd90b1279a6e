import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordingPath } from "../../src/terminal/recording/asciicast-writer";
import { readCast } from "../../src/terminal/recording/recording-reader";
import { commandProfile, createTestServices, makeTask, waitFor } from "../helpers/test-services";
import type { TestServices } from "../helpers/test-services";
import { FakeViewer } from "../helpers/fake-viewer";

async function castLines(file: string) {
  const items = [];
  for await (const item of readCast(file)) items.push(item);
  return items;
}

describe("recordings on disk", () => {
  let services: TestServices;
  beforeEach(async () => {
    services = await createTestServices();
  });
  afterEach(async () => {
    await services.dispose();
  });

  it("records output and resizes as asciicast v2, in time with the PTY", async () => {
    const task = makeTask(services, commandProfile(services, "printer", "/bin/bash", ["-c", "echo first; sleep 0.5; printf '\\033[31mred\\033[0m\\n'; sleep 1.2; echo last"]));
    const execution = await services.terminals.start(task.id, { cols: 100, rows: 30 });
    const session = services.host.sessionFor(task.id)!;
    const file = recordingPath(services.dataDir, execution.id);
    // Never more than a second behind: "red" is on disk while the program still sleeps.
    await waitFor(() => session.log.read({ mode: "full" }).output.includes("red"), 5_000, "red printed");
    await waitFor(() => fs.readFileSync(file, "utf8").includes("red"), 1_000, "red on disk within a second");
    expect(session.running).toBe(true);
    const viewer = new FakeViewer(session).attach();
    session.handleViewerMessage(viewer.viewer, { type: "resize", cols: 90, rows: 20 });
    await waitFor(() => !session.running, 10_000, "exit");

    const lines = fs.readFileSync(file, "utf8").trim().split("\n");
    const header = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(header).toMatchObject({ version: 2, width: 100, height: 30, title: task.title });
    expect(typeof header.timestamp).toBe("number");
    const events = lines.slice(1).map((l) => JSON.parse(l) as [number, string, string]);
    for (const e of events) expect(["o", "r"]).toContain(e[1]);
    for (let i = 1; i < events.length; i++) expect(events[i]![0]).toBeGreaterThanOrEqual(events[i - 1]![0]);
    const output = events.filter((e) => e[1] === "o").map((e) => e[2]).join("");
    expect(output).toContain("first");
    expect(output).toContain("\u001b[31mred\u001b[0m");
    expect(output).toContain("last");
    expect(events.some((e) => e[1] === "r" && e[2] === "90x20")).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it("stops a recording at terminal.recordingMaxBytes and says it was cut", async () => {
    services.settings.update({ "terminal.recordingMaxBytes": 1024 * 1024 });
    const task = makeTask(services, commandProfile(services, "flood", "/bin/bash", ["-c", "head -c 4000000 /dev/zero | tr '\\0' 'y' | fold -w 80; echo AFTER-CUT"]));
    const execution = await services.terminals.start(task.id);
    const session = services.host.sessionFor(task.id)!;
    await waitFor(() => !session.running, 30_000, "exit");
    const file = recordingPath(services.dataDir, execution.id);
    const size = fs.statSync(file).size;
    expect(size).toBeLessThanOrEqual(1024 * 1024 + 512);
    // Filled up to the cap, not abandoned at the first large batch.
    expect(size).toBeGreaterThan(900 * 1024);
    const recorded = fs.readFileSync(file, "utf8").split("\n").slice(1).join("\n");
    expect(recorded).toContain("the recording was cut here at 1 MB");
    expect(recorded).not.toContain("AFTER-CUT");
    // The live session still saw everything.
    expect(session.log.read({ mode: "tail", tailLines: 2 }).output).toContain("AFTER-CUT");
    const items = await castLines(file);
    expect(items.length).toBeGreaterThan(2);
  });

  it("answers buffer and snapshot reads from the recording once the session is gone", async () => {
    services.settings.update({ "terminal.keepaliveExitedMs": 1_000 });
    const task = makeTask(services, commandProfile(services, "seq", "/bin/bash", ["-c", "seq 1 3000; echo HISTORY-END"]));
    await services.terminals.start(task.id);
    await waitFor(() => services.sessions.get(task.id) && !services.sessions.get(task.id)!.running, 10_000, "exit");
    await waitFor(() => !services.sessions.get(task.id), 10_000, "reaped");

    const { result } = await services.history.readBuffer(task.id, { mode: "tail", tailLines: 2 });
    expect(result.output).toBe("3000\nHISTORY-END");
    expect(result.totalLines).toBe(3001);
    const since = await services.history.readBuffer(task.id, { mode: "full", since: 2998 });
    expect(since.result.output).toBe("2999\n3000\nHISTORY-END");
    const { snapshot } = await services.history.snapshot(task.id, "last_line", {});
    expect(snapshot.lines).toEqual(["HISTORY-END"]);
  });
});
