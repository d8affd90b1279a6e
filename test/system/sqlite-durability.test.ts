import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { killAllAppProcesses, startApp, type AppProcess } from "../helpers/app-process";

/**
 * kill -9 during a burst of task writes: every task whose 201 the client received is there after
 * a restart, the database file passes `PRAGMA integrity_check`, and the app starts on it.
 */

/** Requests in flight at once: enough to keep SQLite's writer busy, few enough for 2 cores. */
const IN_FLIGHT = 48;
/** The kill lands once this many 201s came back, with the burst still going. */
const KILL_AFTER_CREATED = 150;

interface Burst {
  created: Map<string, string>;
  sent: number;
  failedAfterKill: number;
}

/** Fires task creations, IN_FLIGHT at a time, until `kill` resolves; records every 201 received. */
async function burstUntilKilled(app: AppProcess, round: number): Promise<Burst> {
  const created = new Map<string, string>();
  let sent = 0;
  let failedAfterKill = 0;
  let killing: Promise<unknown> | undefined;
  const token = app.internalToken;
  const url = `${app.baseURL}/api/internal/tasks`;
  const worker = async () => {
    while (!killing) {
      const title = `burst ${round}-${sent++}`;
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ title, cwd: os.tmpdir(), prompt: `prompt for ${title}`, description: "x".repeat(2000) }),
        });
        const text = await res.text();
        if (res.status !== 201) throw new Error(`Unexpected ${res.status}: ${text}`);
        const id = (JSON.parse(text) as { data: { id: string } }).data.id;
        created.set(id, title);
        if (created.size >= KILL_AFTER_CREATED && !killing) killing = app.kill("SIGKILL");
      } catch (error) {
        // Only the kill may cut a request short.
        if (!killing && app.running) throw error;
        failedAfterKill++;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const exit = await killing;
  expect(exit).toEqual({ code: null, signal: "SIGKILL" });
  return { created, sent, failedAfterKill };
}

function checkDatabaseFile(dataDir: string): { integrity: string; taskTitles: Map<string, string> } {
  const db = new Database(path.join(dataDir, "ai-manager.db"), { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma("integrity_check") as Array<{ integrity_check: string }>).map((row) => row.integrity_check).join("; ");
    const rows = db.prepare("SELECT id, title FROM tasks").all() as Array<{ id: string; title: string }>;
    return { integrity, taskTitles: new Map(rows.map((row) => [row.id, row.title])) };
  } finally {
    db.close();
  }
}

describe("SQLite durability under kill -9", () => {
  let app: AppProcess | undefined;

  afterAll(async () => {
    await app?.dispose();
    killAllAppProcesses();
  });

  it("keeps every acknowledged task write across two kills in the middle of a burst", async () => {
    app = await startApp();
    const acknowledged = new Map<string, string>();
    for (const round of [1, 2]) {
      const burst = await burstUntilKilled(app, round);
      // The kill came while requests were still in flight, so this really was "during" the burst.
      expect(burst.sent).toBeGreaterThan(burst.created.size);
      for (const [id, title] of burst.created) acknowledged.set(id, title);

      // With the server down: the file is consistent and already holds every acknowledged write.
      const file = checkDatabaseFile(app.dataDir);
      expect(file.integrity).toBe("ok");
      const missing = [...acknowledged].filter(([id, title]) => file.taskTitles.get(id) !== title);
      expect(missing, "acknowledged tasks missing from the database file").toEqual([]);

      // The app starts cleanly on it and serves each one by id.
      await app.restart();
      expect(app.stderr()).not.toMatch(/error|SQLITE_/i);
      for (const [id, title] of acknowledged) {
        const res = await app.api("GET", `/api/internal/tasks/${id}`);
        expect(res.status, res.text).toBe(200);
        expect(res.body.data.title).toBe(title);
      }
      const list = await app.api("GET", "/api/internal/tasks");
      expect(list.status).toBe(200);
      expect(list.body.data.length).toBeGreaterThanOrEqual(acknowledged.size);
    }
    expect(acknowledged.size).toBeGreaterThanOrEqual(2 * KILL_AFTER_CREATED);
  });
});
