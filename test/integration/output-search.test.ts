import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { expectFailure, query, readBuffer, sendInput, startTask, terminalPath, waitForExit } from "../helpers/api-calls";
import { commandProfile, makeTask, shellProfile } from "../helpers/test-services";

/**
 * Output search on real PTYs: a run's whole output (recording + live log, beyond the in-memory
 * ring), line numbers that are the buffer API's, paging, toggles, refusals, and the search across
 * all runs of all tasks.
 */
describe("internal API: output search", () => {
  let h: ApiHarness;

  beforeEach(async () => {
    h = await startApiHarness();
    // The smallest ring the settings allow: most of the output below is only on disk.
    h.services.settings.update({ "terminal.scrollbackLines": 100 });
  });

  afterEach(async () => {
    await h.close();
  });

  const search = (taskId: string, params: Record<string, string | number | boolean | undefined>) =>
    h.request("GET", terminalPath(taskId, "search", params));

  /** The clean text of line `n`, read through the buffer API. */
  async function bufferLine(taskId: string, n: number, executionId?: string): Promise<string> {
    const res = await readBuffer(h, taskId, { since: n, maxLines: 1, clean: true, executionId });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.fromLine).toBe(n);
    return res.body.data.output;
  }

  async function finishedTask(script: string, title = "task"): Promise<string> {
    const task = makeTask(h.services, commandProfile(h.services, `run-${Math.random()}`, "/bin/bash", ["--norc", "--noprofile", "-c", script]), title);
    await startTask(h, task.id);
    await waitForExit(h, task.id);
    return task.id;
  }

  it("searches a live run's whole output, recording and live log, with the buffer's line numbers", async () => {
    const task = makeTask(h.services, shellProfile(h.services), "shell");
    await startTask(h, task.id);
    // 1000 lines: ten times the ring. Colour codes around the marker: the search sees clean text.
    // (NEE''DLE: the echoed command line must not match.)
    await sendInput(h, task.id, `for i in $(seq 1 1000); do if [ $((i % 250)) = 0 ]; then printf 'hit \\033[31mNEE''DLE\\033[0m %d\\n' $i; else echo "row-$i"; fi; done; echo FINISHED`);
    const done = await readBuffer(h, task.id, { since: 0, waitFor: "pattern", pattern: "^FINISHED", flags: "m", timeoutMs: 20_000 });
    expect(done.body.data.wait, done.text).toMatchObject({ satisfied: true });
    const ring = (await readBuffer(h, task.id, { since: 0 })).body.data;
    expect(ring.firstLine).toBeGreaterThan(900); // the early hits are gone from memory

    const res = await search(task.id, { q: "needle", context: 1 });
    expect(res.status, res.text).toBe(200);
    const data = res.body.data;
    expect(data).toMatchObject({ taskId: task.id, source: "live", running: true, totalMatches: 4, hasMore: false, nextFrom: null, complete: true, unsearchable: null });
    expect(data.matches.map((m: any) => m.text)).toEqual([250, 500, 750, 1000].map((i) => `hit NEEDLE ${i}`));
    for (const match of data.matches) expect(match.text.slice(match.column, match.column + match.length)).toBe("NEEDLE");
    // The first hit is far before the ring: it came from the recording; the last one is in the ring.
    expect(data.matches[0].line).toBeLessThan(ring.firstLine);
    const inRing = data.matches[3];
    expect(inRing.line).toBeGreaterThanOrEqual(ring.firstLine);
    expect(await bufferLine(task.id, inRing.line)).toBe(inRing.text);
    expect(inRing.before).toEqual([await bufferLine(task.id, inRing.line - 1)]);
    expect(inRing.after).toEqual([await bufferLine(task.id, inRing.line + 1)]);

    // The unfinished line (the prompt) is searched too: it has the next number.
    await sendInput(h, task.id, "printf 'PARTIAL-TAIL'", "line");
    // The prompt follows the printed text on the same, unfinished line ("$ ", its space trimmed here).
    const prompted = await readBuffer(h, task.id, { since: 0, waitFor: "pattern", pattern: "PARTIAL-TAIL\\$", timeoutMs: 20_000 });
    expect(prompted.body.data.wait, prompted.text).toMatchObject({ satisfied: true });
    const tail = (await search(task.id, { q: "PARTIAL-TAIL", caseSensitive: true, context: 0 })).body.data;
    const last = tail.matches.at(-1);
    expect(last.text).toBe("PARTIAL-TAIL$");
    expect(last.line).toBe((await readBuffer(h, task.id, { since: 0 })).body.data.totalLines);

    // Once the session is gone the buffer reads the recording: every hit's line number is its line there.
    expect((await h.request("POST", terminalPath(task.id, "stop"), { body: {} })).status).toBe(200);
    await h.services.sessions.remove(task.id, "test");
    // A recording is read back into a ring of this size: large enough now to hold line 250.
    h.services.settings.update({ "terminal.scrollbackLines": 5000 });
    for (const match of data.matches) {
      expect(await bufferLine(task.id, match.line)).toBe(match.text);
      expect(match.before).toEqual([await bufferLine(task.id, match.line - 1)]);
      expect(match.after).toEqual([await bufferLine(task.id, match.line + 1)]);
    }
    const again = (await search(task.id, { q: "needle", context: 1 })).body.data;
    expect(again).toMatchObject({ source: "recording", running: false });
    expect(again.matches.slice(0, 4)).toEqual(data.matches);
  });

  it("a recording cut at its size cap: the lines after the cut come from the live log, the gap between is reported", async () => {
    h.services.settings.update({ "terminal.recordingMaxBytes": 1024 * 1024 });
    const task = makeTask(h.services, shellProfile(h.services), "cut");
    await startTask(h, task.id);
    // About 2.4 MB of lines: the recording stops near the middle, the ring keeps the last 100.
    await sendInput(h, task.id, 'for i in $(seq 1 40000); do printf "row-%06d %s\\n" $i ________________________________________; done; echo ALL-DONE');
    const done = await readBuffer(h, task.id, { since: 0, waitFor: "pattern", pattern: "^ALL-DONE", flags: "m", timeoutMs: 45_000 });
    expect(done.body.data.wait, done.text).toMatchObject({ satisfied: true });
    const ring = (await readBuffer(h, task.id, { since: 0 })).body.data;

    const res = await search(task.id, { q: "^row-(000005|040000) ", regex: true, context: 0 });
    expect(res.status, res.text).toBe(200);
    const data = res.body.data;
    expect(data.matches.map((m: any) => m.text.slice(0, 10))).toEqual(["row-000005", "row-040000"]);
    expect(data.unsearchable).not.toBeNull();
    expect(data.unsearchable.toLine).toBe(ring.firstLine);
    expect(data.unsearchable.fromLine).toBeGreaterThan(data.matches[0].line);
    expect(data.unsearchable.fromLine).toBeLessThan(data.unsearchable.toLine);
    // Every row outside the gap is found once: the numbering is continuous on both sides of it.
    const all = (await search(task.id, { q: "^row-", regex: true, context: 0, maxMatches: 1 })).body.data;
    const gap = data.unsearchable.toLine - data.unsearchable.fromLine;
    expect(all.totalMatches).toBe(40_000 - gap);
  }, 120_000);

  it("searches a finished run from its recording after the session is gone, and a past run by executionId", async () => {
    const taskId = await finishedTask('for i in $(seq 1 600); do echo "line-$i"; done; echo "last Marker"');
    const first = h.services.executions.latestForTask(taskId)!;
    await h.services.sessions.remove(taskId, "test");
    expect(h.services.sessions.get(taskId)).toBeUndefined();
    const res = await search(taskId, { q: "^line-(1|600)$", regex: true });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ source: "recording", running: false, executionId: first.id, totalMatches: 2 });
    expect(res.body.data.matches.map((m: any) => [m.line, m.text])).toEqual([
      [0, "line-1"],
      [599, "line-600"],
    ]);
    expect(await bufferLine(taskId, 599)).toBe("line-600");

    // A second run; the first stays searchable by its id.
    await startTask(h, taskId);
    await waitForExit(h, taskId);
    const second = h.services.executions.latestForTask(taskId)!;
    expect(second.id).not.toBe(first.id);
    const old = (await search(taskId, { q: "last marker", executionId: first.id, context: 0 })).body.data;
    expect(old).toMatchObject({ executionId: first.id, source: "recording", totalMatches: 1 });
    expect(old.matches[0]).toMatchObject({ line: 600, text: "last Marker", before: [], after: [] });
    expect(await bufferLine(taskId, 600, first.id)).toBe("last Marker");
  });

  it("pages with since/maxMatches, and the toggles change what matches", async () => {
    const taskId = await finishedTask('for i in $(seq 1 50); do echo "Item $i"; echo "item lower $i"; done');
    const page1 = (await search(taskId, { q: "item", maxMatches: 30, context: 0 })).body.data;
    expect(page1).toMatchObject({ totalMatches: 100, hasMore: true });
    expect(page1.matches).toHaveLength(30);
    const seen: number[] = page1.matches.map((m: any) => m.line);
    let next = page1.nextFrom;
    expect(next).toBe(30);
    while (next !== null) {
      const page = (await search(taskId, { q: "item", maxMatches: 30, context: 0, since: next })).body.data;
      seen.push(...page.matches.map((m: any) => m.line));
      next = page.nextFrom;
    }
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));

    expect((await search(taskId, { q: "item", caseSensitive: true })).body.data.totalMatches).toBe(50);
    expect((await search(taskId, { q: "Item", caseSensitive: true })).body.data.totalMatches).toBe(50);
    // Plain text: regex characters are literal.
    expect((await search(taskId, { q: "Item 1.", context: 0 })).body.data.totalMatches).toBe(0);
    const regex = (await search(taskId, { q: "^Item 1.$", regex: true, caseSensitive: true, context: 0 })).body.data;
    expect(regex.matches.map((m: any) => m.text)).toEqual(Array.from({ length: 10 }, (_, i) => `Item ${10 + i}`));
  });

  it("a catastrophic regex answers 400 while the server keeps answering; bad parameters answer 400", async () => {
    const taskId = await finishedTask(`for i in $(seq 1 20); do printf '%s\\n' "${"a".repeat(40)}b"; done`);
    const order: string[] = [];
    const evil = search(taskId, { q: "(a+)+$", regex: true }).then((res) => {
      order.push("search");
      return res;
    });
    // Sent after the search: answered while the regex backtracks in its worker.
    const status = await h.request("GET", terminalPath(taskId, "status"));
    order.push("status");
    expect(status.status).toBe(200);
    const res = await evil;
    expect(order).toEqual(["status", "search"]);
    expectFailure(res, 400, "bad_request:pattern", /backtracks catastrophically/);
    // The pool recovers: the next search works.
    expect((await search(taskId, { q: "ab$", regex: true })).body.data.totalMatches).toBe(20);

    expectFailure(await search(taskId, {}), 400, "bad_request:query", /q: /);
    expectFailure(await search(taskId, { q: "" }), 400, "bad_request:query", /q: must not be empty/);
    expectFailure(await search(taskId, { q: "(", regex: true }), 400, "bad_request:query", /q: is not a valid regular expression/);
    expectFailure(await search(taskId, { q: "x", context: 11 }), 400, "bad_request:query", /context: must be at most 10/);
    expectFailure(await search(taskId, { q: "x", maxMatches: 0 }), 400, "bad_request:query", /maxMatches: must be at least 1/);
    expectFailure(await search(taskId, { q: "x", regex: "yes" }), 400, "bad_request:query", /regex: must be true or false/);
    expectFailure(await search(taskId, { q: "x", since: -1 }), 400, "bad_request:query", /since: must be at least 0/);
    expectFailure(await search(taskId, { q: "x", flags: "g" }), 400, "bad_request:query", /flags/);
    expectFailure(await search(taskId, { q: "x", executionId: "../etc" }), 400, "bad_request:query", /executionId: must be an execution id/);
    expectFailure(await search(taskId, { q: "x", executionId: "nope" }), 404, "not_found:execution");
    expectFailure(await search("no-such-task", { q: "x" }), 404, "not_found:task");
    expectFailure(await h.request("GET", `/api/internal/search${query({ q: "x", offset: -2 })}`), 400, "bad_request:query", /offset/);
  });

  it("searches every run of every task, newest first, with task, run and line", async () => {
    const alpha = await finishedTask('echo "alpha start"; echo "shared TOKEN-XYZ in alpha"; echo end', "Alpha task");
    const beta = await finishedTask('for i in 1 2 3; do echo "beta token-xyz $i"; done', "Beta task");
    await finishedTask("echo nothing to see", "Gamma task");
    const res = await h.request("GET", `/api/internal/search${query({ q: "token-xyz" })}`);
    expect(res.status, res.text).toBe(200);
    const data = res.body.data;
    expect(data.runsSearched).toBe(3);
    expect(data.nextOffset).toBeNull();
    expect(data.runs.map((r: any) => [r.taskTitle, r.totalMatches])).toEqual([
      ["Beta task", 3],
      ["Alpha task", 1],
    ]);
    const alphaRun = data.runs[1];
    expect(alphaRun).toMatchObject({ taskId: alpha, executionId: h.services.executions.latestForTask(alpha)!.id });
    expect(alphaRun.matches[0]).toMatchObject({ line: 1, text: "shared TOKEN-XYZ in alpha", before: ["alpha start"], after: ["end"] });
    expect(await bufferLine(alpha, 1)).toBe("shared TOKEN-XYZ in alpha");

    const one = (await h.request("GET", `/api/internal/search${query({ q: "token-xyz", taskId: beta })}`)).body.data;
    expect(one.runs.map((r: any) => r.taskId)).toEqual([beta]);
  });

  it("a damaged recording is skipped and named; every other run is still searched", async () => {
    const good = await finishedTask('echo "needle in good"', "Good task");
    const damaged = await finishedTask('echo "needle in damaged"', "Damaged task");
    const damagedRun = h.services.executions.latestForTask(damaged)!.id;
    fs.writeFileSync(path.join(h.services.dataDir, "recordings", `${damagedRun}.cast`), "not a header\n[0.1, \"o\", \"needle\"]\n");
    const res = await h.request("GET", `/api/internal/search${query({ q: "needle" })}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.runs.map((r: any) => r.taskId)).toEqual([good]);
    expect(res.body.data.runsSearched).toBe(2);
    expect(res.body.data.unreadable).toEqual([
      { taskId: damaged, taskTitle: "Damaged task", executionId: damagedRun, message: "The run's recording is not readable: The recording does not start with a JSON header line." },
    ]);
  });

  it("a live run whose session is still open is found by the search across all tasks", async () => {
    const task = makeTask(h.services, shellProfile(h.services), "Live shell");
    await startTask(h, task.id, { prompt: "echo LIVE-ONLY-$((6 * 7))" });
    await readBuffer(h, task.id, { since: 0, waitFor: "pattern", pattern: "^LIVE-ONLY-42", flags: "m", timeoutMs: 20_000 });
    const data = (await h.request("GET", `/api/internal/search${query({ q: "LIVE-ONLY-42", context: 0 })}`)).body.data;
    expect(data.runs).toHaveLength(1);
    expect(data.runs[0]).toMatchObject({ taskTitle: "Live shell", source: "live", totalMatches: 1 });
  });
});
