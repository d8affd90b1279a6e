import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAllAppProcesses, startApp, until, type AppProcess } from "../helpers/app-process";
import { firstGap, readCastFile } from "../helpers/cast-file";
import { aliveKeys, describeProcess, killKeys, sessionTree, type ProcessKey } from "../helpers/procs";
import { createScriptProfile } from "../helpers/server-actions";
import { runNpmStop } from "../helpers/npm-scripts";

/**
 * `npm run stop` (scripts/stop.mjs, run as a person runs it) while 20 sessions run in the
 * terminal host of the real server: five flood their terminal (and say goodbye on
 * SIGTERM/SIGHUP), five ignore SIGTERM and SIGHUP, five leave background grandchildren behind —
 * one ignoring both signals, one in a session of its own (setsid) — and five are plain loops.
 * `npm run stop` must exit 0 — which says the host and the server were gone within its 10 s, on
 * its own clock — and the server exit 0 (server/index.ts exits 1 when its close overruns its
 * deadline); no process of any session may be left,
 * mark every execution stopped, and have flushed every recording up to the last line its program
 * printed.
 *
 * The last line printed is checkable: floods print `BYE flood <i> <n>` from their signal trap
 * (their last line) and then note it in a file — a flood that the grace's SIGKILL cut off before
 * its trap ran printed no goodbye, which a loaded machine can cause and no recording can fix —
 * the others write the number of the line they just printed to a file after printing it
 * (`<tag> <i> <n>`), so that line must be in the recording.
 */
const PER_KIND = 5;

type Kind = "flood" | "stub" | "gc" | "plain";

function program(kind: Kind, i: number, dir: string): string {
  // Written to a temp name and renamed, so a kill never leaves a half-written number.
  const count = (tag: string) => `echo $n > ${dir}/${tag}-${i}.tmp && mv -f ${dir}/${tag}-${i}.tmp ${dir}/${tag}-${i}`;
  switch (kind) {
    case "flood":
      return `n=0; bye() { echo "BYE flood ${i} $n"; ${count("bye")}; exit 0; }; trap bye TERM HUP; pad=$(printf '%0120d' 0); while :; do n=$((n+1)); echo "flood ${i} $n $pad"; done`;
    case "stub":
      return `trap '' TERM HUP INT; n=0; while :; do n=$((n+1)); echo "stub ${i} $n"; ${count("stub")}; sleep 0.02; done`;
    case "gc":
      return [
        `(trap '' TERM HUP; exec sleep 600) &`,
        `nohup sleep 600 >/dev/null 2>&1 &`,
        `setsid sh -c 'trap "" TERM HUP; while :; do sleep 0.2; done' >/dev/null 2>&1 &`,
        `sh -c 'sleep 600 & wait' &`,
        `n=0; while :; do n=$((n+1)); echo "gc ${i} $n"; ${count("gc")}; sleep 0.02; done`,
      ].join("\n");
    case "plain":
      return `n=0; while :; do n=$((n+1)); echo "plain ${i} $n"; ${count("plain")}; sleep 0.05; done`;
  }
}

interface Run {
  kind: Kind;
  i: number;
  taskId: string;
  executionId: string;
  pid: number;
}

describe("npm run stop under load: 20 sessions", () => {
  let app: AppProcess;
  let dir: string;
  const processes = new Set<ProcessKey>();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-shutdown-"));
    app = await startApp();
    await createScriptProfile(app);
  });

  afterAll(async () => {
    killKeys(processes);
    await app?.dispose();
    killAllAppProcesses();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("exits 0 before its shutdown deadline, leaves no process, marks every run stopped and flushes every recording", async () => {
    const runs: Run[] = [];
    for (const kind of ["flood", "stub", "gc", "plain"] as const) {
      for (let i = 0; i < PER_KIND; i++) {
        const created = await app.api("POST", "/api/internal/tasks", { title: `${kind} ${i}`, cwd: dir, profile: "script", prompt: program(kind, i, dir) });
        expect(created.status, created.text).toBe(201);
        const started = await app.api("POST", `/api/internal/terminal/${created.body.data.id}/start`, {});
        expect(started.status, started.text).toBe(201);
        runs.push({ kind, i, taskId: created.body.data.id, executionId: started.body.data.id, pid: started.body.data.pid });
      }
    }
    // Each program is under way (floods well into their flood), the grandchildren exist.
    for (const run of runs) {
      const wanted = run.kind === "flood" ? 2_000 : 5;
      await until(async () => (await app.api("GET", `/api/internal/terminal/${run.taskId}/status`)).body.data.totalLines >= wanted, 30_000, `${run.kind} ${run.i} to print`);
    }
    await until(() => runs.filter((r) => r.kind === "gc").every((r) => sessionTree(r.pid).length >= 6), 10_000, "the grandchildren to start");
    for (const run of runs) for (const key of sessionTree(run.pid)) processes.add(key);
    expect(processes.size).toBeGreaterThanOrEqual(20 + PER_KIND * 5);

    const signalledAt = Date.now();
    const stop = await runNpmStop(app.dataDir);
    const exit = await app.exited;
    const tookMs = Date.now() - signalledAt;
    console.info(`shutdown: ${runs.length} sessions, ${processes.size} processes; npm run stop took ${tookMs} ms`);
    // Exit 0: everything ended within the limit the script keeps on its own clock (a limit
    // measured here would count this machine's load).
    expect(stop, stop.output).toMatchObject({ code: 0 });
    expect(stop.output).toMatch(new RegExp(`Stopped ${runs.length} sessions, the terminal host \\(pid \\d+\\) and the app server`));
    expect(exit).toEqual({ code: 0, signal: null });

    // Nothing of any session is left (SIGKILLed processes may take a moment to be torn down).
    const left = await until(() => (aliveKeys(processes).length === 0 ? [] : undefined), 15_000, "the sessions' processes to be gone").catch(() =>
      aliveKeys(processes),
    );
    expect(left.map(describeProcess), "processes left behind").toEqual([]);

    // Every execution is marked stopped with an end time; every task interrupted.
    const db = new Database(path.join(app.dataDir, "ai-manager.db"), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare("SELECT id, status, ended_at AS endedAt FROM executions").all() as Array<{ id: string; status: string; endedAt: number | null }>;
      expect(rows).toHaveLength(runs.length);
      for (const row of rows) {
        expect(row.status, row.id).toBe("stopped");
        expect(row.endedAt, row.id).toBeGreaterThanOrEqual(signalledAt);
      }
      const statuses = db.prepare("SELECT DISTINCT status FROM tasks").all() as Array<{ status: string }>;
      expect(statuses).toEqual([{ status: "interrupted" }]);
    } finally {
      db.close();
    }

    // Every recording is complete up to the last line its program printed.
    for (const run of runs) {
      const cast = readCastFile(path.join(app.dataDir, "recordings", `${run.executionId}.cast`));
      const where = `${run.kind} ${run.i}`;
      expect(cast.badLines, where).toEqual([]);
      expect(cast.halfWrittenLastLine, where).toBe(false);
      const lines = cast.output.split(/\r?\n/).filter((line) => line.startsWith(`${run.kind} ${run.i} `) || line.startsWith("BYE"));
      const numbered = lines.filter((line) => !line.startsWith("BYE")).map((line) => ({ n: Number(line.split(" ")[2]) }));
      expect(firstGap(numbered), `${where}: first line out of sequence`).toBe(-1);
      const lastPrinted = numbered.at(-1)?.n ?? 0;
      if (run.kind === "flood") {
        if (!fs.existsSync(path.join(dir, `bye-${run.i}`))) {
          console.info(`shutdown: ${where} was killed before its trap printed a goodbye`);
          continue;
        }
        // The goodbye is the last thing the program printed, and it is in the file.
        const bye = lines.at(-1) ?? "";
        expect(bye, where).toMatch(new RegExp(`^BYE flood ${run.i} \\d+$`));
        expect(Math.abs(Number(bye.split(" ")[3]) - lastPrinted), where).toBeLessThanOrEqual(1);
      } else {
        const confirmed = Number(fs.readFileSync(path.join(dir, `${run.kind}-${run.i}`), "utf8").trim());
        expect(confirmed, where).toBeGreaterThan(0);
        // The file is written after the line is printed, so the recording has at least that line.
        expect(lastPrinted, where).toBeGreaterThanOrEqual(confirmed);
      }
    }
  }, 300_000); // a hang guard: starting 20 sessions beside five floods is slow on a busy 2-core machine
});
