import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { killAllAppProcesses, serverEnv, startApp, until, type AppProcess } from "../helpers/app-process";
import { readCastFile } from "../helpers/cast-file";
import { createScriptProfile, callAction, runTerminalsAtNormalPriority } from "../helpers/server-actions";
import { connect, nextMessage } from "../helpers/ws-client";
import { runNpmStop } from "../helpers/npm-scripts";
import { aliveAmong, killKeys, processKey, sessionMembers, type ProcessKey } from "../helpers/procs";
import { isAlive } from "../../src/terminal/host/process-tree";
import { encodeJsonFrame, FrameReader, type Frame } from "../../src/terminal/contract/host-wire";
import { HOST_PROTOCOL_VERSION } from "../../src/terminal/contract/host-protocol";
import { HostConnection } from "../../src/terminal/server/host-connection";
import { HOST_SOCKET_FILE, HOST_TOKEN_FILE } from "../../src/terminal/host/host-files";

/**
 * The terminal host process (docs/terminal-host.md) on the real server: sessions survive a kill -9
 * of the app server with nothing lost; a dead host's runs are interrupted with their recordings
 * intact; the socket is the data dir's alone; versions and second servers are refused clearly.
 */

const ROOT = path.resolve(__dirname, "../..");
const PRINTERS = 5;
/** Lines per tick and tick length: ~500 lines a second each, so the first lines stay in the log's 10k. */
const LINES_PER_TICK = 10;
const TICK_MS = 20;

/**
 * A program that prints numbered lines until `<dir>/stop` exists, then exits 0. The terminal is
 * raw (no \n → \r\n), and every chunk goes to `<dir>/out-<i>` too before it is printed: at the end
 * the recording must hold exactly the file's bytes.
 */
function printer(i: number, dir: string): string {
  return `stty raw -echo; exec "${process.execPath}" -e '
const fs = require("fs");
const file = ${JSON.stringify(path.join(dir, `out-${i}`))};
const stop = ${JSON.stringify(path.join(dir, "stop"))};
let n = 0;
const tick = () => {
  if (fs.existsSync(stop)) process.exit(0);
  let s = "";
  for (let k = 0; k < ${LINES_PER_TICK}; k++) s += "p${i} " + ++n + "\\n";
  fs.appendFileSync(file, s);
  fs.writeSync(1, s);
  setTimeout(tick, ${TICK_MS});
};
tick();'`;
}

const apps: AppProcess[] = [];
const dirs: string[] = [];
/** Processes a test expects the app to kill: killed here when it did not (a failed test). */
const strays = new Set<ProcessKey>();

/** Remembers a process the app should end (by pid and start time: its pid may be reused later). */
function expectEnded(pid: number): void {
  const key = processKey(pid);
  if (key) strays.add(key);
}

afterEach(async () => {
  killKeys(strays);
  strays.clear();
  for (const app of apps.splice(0)) await app.dispose();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
afterAll(() => killAllAppProcesses());

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function started(options: Parameters<typeof startApp>[0] = {}): Promise<AppProcess> {
  const app = await startApp(options);
  apps.push(app);
  return app;
}

/**
 * A server whose tasks run shell scripts (the "script" profile), at normal CPU priority: under a
 * busy machine a terminal group at the default nice 15 gets too little CPU for these timeouts (the
 * priority itself is tested where it is set).
 */
async function startedWithScripts(options: Parameters<typeof startApp>[0] = {}): Promise<AppProcess> {
  const app = await started(options);
  await createScriptProfile(app);
  await runTerminalsAtNormalPriority(app);
  return app;
}

async function startTask(app: AppProcess, title: string, prompt: string, cwd = os.tmpdir()): Promise<{ taskId: string; executionId: string; pid: number }> {
  const created = await app.api("POST", "/api/internal/tasks", { title, cwd, profile: "script", prompt });
  expect(created.status, created.text).toBe(201);
  const run = await app.api("POST", `/api/internal/terminal/${created.body.data.id}/start`, {});
  expect(run.status, run.text).toBe(201);
  return { taskId: created.body.data.id, executionId: run.body.data.id, pid: run.body.data.pid };
}

async function lastNumber(app: AppProcess, taskId: string, tag: string): Promise<number> {
  const read = await app.api("GET", `/api/internal/terminal/${taskId}/buffer?mode=tail&tailLines=3`);
  const numbers = [...String(read.body.data?.output ?? "").matchAll(new RegExp(`^${tag} (\\d+)$`, "gm"))].map((m) => Number(m[1]));
  return numbers.at(-1) ?? 0;
}

async function updateSettings(app: AppProcess, patch: Record<string, number>): Promise<void> {
  const res = await callAction(app, "updateSettings", [patch]);
  expect(res.result?.ok, res.text.slice(0, 300)).toBe(true);
}

describe("kill -9 of the app server while five sessions print", () => {
  it("loses nothing: sessions run on, viewers reattach, line numbers hold, recordings are byte-exact, rows stay running", async () => {
    const dir = tempDir("aim-host-");
    const app = await startedWithScripts();
    await updateSettings(app, { "system.maxConcurrentExecutions": PRINTERS });
    const runs: Array<{ taskId: string; executionId: string; pid: number }> = [];
    for (let i = 0; i < PRINTERS; i++) runs.push(await startTask(app, `printer ${i}`, printer(i, dir)));
    for (const [i, run] of runs.entries()) await until(async () => (await lastNumber(app, run.taskId, `p${i}`)) >= 300, 30_000, `printer ${i} to print`);

    // What the buffer API says of lines 100–104, and a viewer attached to the first session.
    const before = await Promise.all(runs.map((run) => app.api("GET", `/api/internal/terminal/${run.taskId}/buffer?mode=full&since=100&maxLines=5`)));
    for (const read of before) expect(read.body.data.fromLine).toBe(100);
    const cookie = await app.sessionCookie();
    const wsUrl = (taskId: string) => `${app.baseURL.replace("http", "ws")}/ws/terminals/${taskId}`;
    const first = await connect(wsUrl(runs[0]!.taskId), { origin: app.baseURL, cookie });
    if (first.kind !== "open") throw new Error(`the viewer was refused: ${first.status}`);
    await nextMessage(first.messages, first.ws, (m) => m.json?.type === "snapshot");

    const hostPid = app.hostPid();
    expect(await app.kill("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
    // With no app server the programs keep printing into the host.
    const heardBeforeKill = await Promise.all(runs.map((_, i) => fileLines(dir, i)));
    await until(async () => (await Promise.all(runs.map((_, i) => fileLines(dir, i)))).every((n, i) => n > heardBeforeKill[i]! + 100), 30_000, "the programs to go on printing");

    await app.restart();
    expect(app.hostPid(), "the same terminal host").toBe(hostPid);
    for (const [i, run] of runs.entries()) {
      const status = await app.api("GET", `/api/internal/terminal/${run.taskId}/status`);
      expect(status.body.data, `printer ${i}`).toMatchObject({ live: true, running: true, pid: run.pid, executionId: run.executionId, executionStatus: "running", taskStatus: "running" });
      const again = await app.api("GET", `/api/internal/terminal/${run.taskId}/buffer?mode=full&since=100&maxLines=5`);
      expect(again.body.data.fromLine, `printer ${i}`).toBe(100);
      expect(again.body.data.output, `printer ${i}: lines 100–104`).toBe(before[i]!.body.data.output);
      expect(again.body.data.output).toBe(["101", "102", "103", "104", "105"].map((n) => `p${i} ${n}`).join("\n"));
    }

    // A viewer reattaches and gets the screen as it is now, then the live stream.
    const latest = await lastNumber(app, runs[0]!.taskId, "p0");
    const viewer = await connect(wsUrl(runs[0]!.taskId), { origin: app.baseURL, cookie: await app.sessionCookie() });
    if (viewer.kind !== "open") throw new Error(`the viewer was refused: ${viewer.status}`);
    const snapshot = await nextMessage(viewer.messages, viewer.ws, (m) => m.json?.type === "snapshot");
    const shown = [...String(snapshot.json.data).matchAll(/p0 (\d+)/g)].map((m) => Number(m[1]));
    expect(Math.max(...shown)).toBeGreaterThanOrEqual(latest);
    await nextMessage(viewer.messages, viewer.ws, (m) => m.binary && /p0 \d+/.test(m.text));
    viewer.ws.close();

    // The limit still counts the sessions that outlived the server.
    const extra = await app.api("POST", "/api/internal/tasks", { title: "sixth", cwd: os.tmpdir(), profile: "script", prompt: "sleep 5" });
    const refused = await app.api("POST", `/api/internal/terminal/${extra.body.data.id}/start`, {});
    expect(refused.status, refused.text).toBe(429);
    expect(refused.body.error.code).toBe("limit:executions");

    // The programs end on their own; each recording holds exactly what its program wrote.
    fs.writeFileSync(path.join(dir, "stop"), "");
    for (const [i, run] of runs.entries()) {
      await until(async () => (await app.api("GET", `/api/internal/terminal/${run.taskId}/status`)).body.data.executionStatus === "succeeded", 30_000, `printer ${i} to end`);
      const cast = readCastFile(path.join(app.dataDir, "recordings", `${run.executionId}.cast`));
      expect(cast.badLines).toEqual([]);
      const written = fs.readFileSync(path.join(dir, `out-${i}`), "utf8");
      expect(written.length).toBeGreaterThan(0);
      // Byte for byte: no gap, no duplicate around the kill.
      expect(cast.output === written, `printer ${i}: the recording differs from what the program wrote (${cast.output.length} vs ${written.length} chars)`).toBe(true);
    }
  });
});

function fileLines(dir: string, i: number): number {
  try {
    return fs.readFileSync(path.join(dir, `out-${i}`), "utf8").split("\n").length - 1;
  } catch {
    return 0;
  }
}

describe("while no app server is connected", () => {
  it("the host applies the keepalive rule, and the next server records the runs that ended meanwhile", async () => {
    const app = await startedWithScripts();
    const quitter = await startTask(app, "quitter", "echo done-early; exit 3");
    const idler = await startTask(app, "idler", "echo idling; exec sleep 600");
    await until(async () => (await app.api("GET", `/api/internal/terminal/${quitter.taskId}/status`)).body.data.executionStatus === "failed", 15_000, "the quitter to end");
    // Watch the idler, so only the host (after the kill) can reap it.
    const viewer = await connect(`${app.baseURL.replace("http", "ws")}/ws/terminals/${idler.taskId}`, { origin: app.baseURL, cookie: await app.sessionCookie() });
    if (viewer.kind !== "open") throw new Error("viewer refused");
    await nextMessage(viewer.messages, viewer.ws, (m) => m.json?.type === "snapshot");
    // Short enough to see, set once the idler is watched (an unwatched session would be reaped now).
    await updateSettings(app, { "terminal.keepaliveRunningMs": 1_500 });
    await app.kill("SIGKILL");
    // The host reaps the unwatched running session after the keepalive: its process tree is gone.
    await until(() => aliveAmong(sessionMembers(idler.pid)).length === 0, 30_000, "the host to reap the idle session");
    await app.restart();
    const status = await app.api("GET", `/api/internal/terminal/${idler.taskId}/status`);
    expect(status.body.data).toMatchObject({ live: false, executionId: idler.executionId, executionStatus: "stopped" });
    expect(status.body.data.endedAt).not.toBeNull();
  });
});

describe("lifecycle", () => {
  it("Ctrl+C of npm start leaves sessions running and says so; npm run restart reattaches; the host exits once idle", async () => {
    // A short idle time, so the host's own exit can be seen (the default is 30 s).
    const app = await startedWithScripts({ env: { AI_MANAGER_HOST_IDLE_MS: "300" } });
    const run = await startTask(app, "sleeper", "echo sleeping; exec sleep 600");
    await until(async () => (await app.api("GET", `/api/internal/terminal/${run.taskId}/buffer`)).body.data?.output.includes("sleeping"), 20_000, "the sleeper");
    const hostPid = app.hostPid()!;

    expect(await app.stop()).toEqual({ code: 0, signal: null });
    expect(app.stdout()).toMatch(/1 session keeps running in the terminal host \(pid \d+\)/);
    expect(app.stdout()).toMatch(/npm run stop/);
    expect(isAlive(run.pid)).toBe(true);

    // `npm run restart` with no server running just starts one, reattached.
    await app.restart();
    expect(app.hostPid()).toBe(hostPid);
    const status = await app.api("GET", `/api/internal/terminal/${run.taskId}/status`);
    expect(status.body.data).toMatchObject({ live: true, running: true, pid: run.pid });

    // With its last session gone and no server connected, the host exits on its own.
    await updateSettings(app, { "terminal.keepaliveExitedMs": 1_000 });
    const stopped = await app.api("POST", `/api/internal/terminal/${run.taskId}/stop`, {});
    expect(stopped.status, stopped.text).toBe(200);
    expect(await app.stop()).toEqual({ code: 0, signal: null });
    await until(() => !isAlive(hostPid), 20_000, "the idle host to exit");
    expect(fs.existsSync(path.join(app.dataDir, HOST_SOCKET_FILE))).toBe(false);
  });

  it("npm run restart stops the running server and starts one reattached to the same sessions", async () => {
    const app = await startedWithScripts();
    const run = await startTask(app, "sleeper", "echo sleeping; exec sleep 600");
    await until(async () => (await app.api("GET", `/api/internal/terminal/${run.taskId}/buffer`)).body.data?.output.includes("sleeping"), 20_000, "the sleeper");
    const restart = spawn(process.execPath, [path.join(ROOT, "scripts", "restart.mjs")], {
      cwd: ROOT,
      env: serverEnv(app.dataDir),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    restart.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    restart.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    try {
      const url = await until(() => /AI Manager is running at (http:\/\/\S+)/.exec(out)?.[1], 60_000, "the restarted server");
      expect(out).toMatch(/Stopping the app server \(pid \d+\); sessions keep running/);
      expect(await app.exited).toEqual({ code: 0, signal: null });
      const token = fs.readFileSync(path.join(app.dataDir, "internal-token"), "utf8").trim();
      const res = await fetch(`${url}/api/internal/terminal/${run.taskId}/status`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await res.json()) as { data: unknown }).data).toMatchObject({ live: true, running: true, pid: run.pid });
    } finally {
      restart.kill("SIGKILL");
    }
  });
});

describe("kill -9 of the terminal host", () => {
  it("ends its sessions as interrupted with their end time, keeps their recordings, and the server starts a new host", async () => {
    const app = await startedWithScripts();
    const dir = tempDir("aim-host-kill-");
    const escapeeFile = path.join(dir, "escapee");
    // Beside the ticker, a process that left the session and ignores the hang-up: once the ticker
    // dies with its terminal, nothing but the run's environment ties it to the run.
    const run = await startTask(
      app,
      "ticker",
      `setsid sh -c 'trap "" HUP; echo $$ > ${escapeeFile}; while :; do sleep 0.2; done' & n=0; while :; do n=$((n+1)); echo "tick $n"; sleep 0.05; done`,
    );
    await until(async () => (await lastNumber(app, run.taskId, "tick")) >= 20, 20_000, "the ticker");
    await until(() => fs.existsSync(escapeeFile) && fs.readFileSync(escapeeFile, "utf8").endsWith("\n"), 20_000, "the escapee's pid");
    const escapee = Number(fs.readFileSync(escapeeFile, "utf8"));
    expectEnded(escapee);
    const members = [...sessionMembers(run.pid), escapee];
    expect(sessionMembers(run.pid)).not.toContain(escapee);
    const hostPid = app.hostPid()!;
    process.kill(hostPid, "SIGKILL");
    await until(async () => {
      const res = await app.api("GET", `/api/internal/terminal/${run.taskId}/status`);
      if (!res.body?.data) throw new Error(`status answered ${res.status}: ${res.text}`);
      return res.body.data.executionStatus === "interrupted";
    }, 20_000, "the run to be interrupted");
    const status = (await app.api("GET", `/api/internal/terminal/${run.taskId}/status`)).body.data;
    expect(status).toMatchObject({ live: false, taskStatus: "interrupted" });
    await until(() => aliveAmong(members).length === 0, 10_000, "the session's processes to be gone");
    // The end time is the recording's last event, not when the server noticed.
    const cast = readCastFile(path.join(app.dataDir, "recordings", `${run.executionId}.cast`));
    expect(cast.badLines).toEqual([]);
    const lastEventAt = cast.header.timestamp * 1000 + cast.events.at(-1)![0] * 1000;
    expect(Math.abs(Date.parse(status.endedAt) - lastEventAt)).toBeLessThan(1000);
    // Intact: every line up to the writer's last flush (at most FLUSH_INTERVAL_MS behind), none missing.
    const ticks = [...cast.output.matchAll(/^tick (\d+)\r?$/gm)].map((m) => Number(m[1]));
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks).toEqual(ticks.map((_, i) => i + 1));
    // The next start gets a new host.
    const next = await startTask(app, "after", "echo fresh-host; sleep 30");
    await until(() => app.hostPid() !== undefined && app.hostPid() !== hostPid, 20_000, "a new host");
    await until(async () => String((await app.api("GET", `/api/internal/terminal/${next.taskId}/buffer`)).body.data?.output).includes("fresh-host"), 20_000, "output from the new host");
  });
});

describe("kill -9 of the app server, then of the terminal host", () => {
  it("the next app server ends what the run left behind: processes that ignored the hang-up, in the session or out of it", async () => {
    const app = await startedWithScripts();
    const dir = tempDir("aim-orphans-");
    const stubborn = (name: string) => `sh -c 'trap "" HUP TERM INT; echo $$ > ${path.join(dir, name)}; while :; do sleep 0.2; done'`;
    const run = await startTask(app, "stubborn", `${stubborn("in-session")} & setsid ${stubborn("left-session")} & echo ready; wait`);
    const pidOf = (name: string) => {
      const file = path.join(dir, name);
      return fs.existsSync(file) && fs.readFileSync(file, "utf8").endsWith("\n") ? Number(fs.readFileSync(file, "utf8")) : undefined;
    };
    await until(() => pidOf("in-session") !== undefined && pidOf("left-session") !== undefined, 20_000, "both stubborn processes");
    const stubbornPids = [pidOf("in-session")!, pidOf("left-session")!];
    for (const pid of stubbornPids) expectEnded(pid);
    expect(sessionMembers(run.pid)).toContain(stubbornPids[0]);
    expect(sessionMembers(run.pid)).not.toContain(stubbornPids[1]);
    const hostPid = app.hostPid()!;
    expect(await app.kill("SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
    process.kill(hostPid, "SIGKILL");
    await until(() => !isAlive(hostPid), 10_000, "the terminal host to be gone");
    // The kernel hung up the terminal when the host died; these ignored it, and no server saw it.
    expect(aliveAmong(stubbornPids)).toEqual(stubbornPids);
    await app.restart();
    await until(() => aliveAmong(stubbornPids).length === 0, 10_000, "the next server to end the run's leftovers");
    const status = (await app.api("GET", `/api/internal/terminal/${run.taskId}/status`)).body.data;
    expect(status).toMatchObject({ live: false, executionId: run.executionId, executionStatus: "interrupted", taskStatus: "interrupted" });
  });
});

describe("the host's socket and handshake", () => {
  it("lives in the 0700 data dir as a 0600 socket, and refuses a wrong token and a second app server", async () => {
    const app = await started();
    expect(fs.statSync(app.dataDir).mode & 0o777).toBe(0o700);
    const socketPath = path.join(app.dataDir, HOST_SOCKET_FILE);
    expect(fs.statSync(socketPath).isSocket()).toBe(true);
    expect(fs.statSync(socketPath).mode & 0o777).toBe(0o600);

    const wrong = await rawHello(socketPath, { t: "hello", protocol: HOST_PROTOCOL_VERSION, token: "not-the-token", role: "app", pid: process.pid });
    expect(wrong).toMatchObject({ t: "refused", code: "token" });
    const garbage = await rawHello(socketPath, { hello: "there" });
    expect(garbage).toMatchObject({ t: "refused", code: "bad_request" });

    const token = fs.readFileSync(path.join(app.dataDir, HOST_TOKEN_FILE), "utf8").trim();
    const second = await rawHello(socketPath, { t: "hello", protocol: HOST_PROTOCOL_VERSION, token, role: "app", pid: process.pid });
    expect(second).toMatchObject({ t: "refused", code: "busy", appPid: app.pid });

    // A second server on the same data dir says why it will not start, and the first keeps working.
    const other = await startApp({ dataDir: app.dataDir }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(other).toMatch(/another AI Manager server \(pid \d+\) already uses this data dir/);
    expect((await app.api("GET", "/api/internal/tasks")).status).toBe(200);
  });

  it("an app server finding a host of another protocol version leaves it and its sessions alone and says what to do", async () => {
    const dataDir = tempDir("aim-oldhost-");
    const host = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "src/terminal/host/host-main.ts"), "--data-dir", dataDir], {
      cwd: ROOT,
      env: { ...process.env, AI_MANAGER_HOST_PROTOCOL: "999", NODE_OPTIONS: "" },
      stdio: "ignore",
    });
    await until(() => fs.existsSync(path.join(dataDir, HOST_SOCKET_FILE)), 30_000, "the old host to listen");
    const refusal = await startApp({ dataDir }).then(
      () => "started",
      (error: Error) => error.message,
    );
    expect(refusal).toMatch(/speaks protocol 999, this version speaks \d+/);
    expect(refusal).toMatch(/npm run stop/);
    expect(host.exitCode).toBeNull();
    // `npm run stop` still ends it (by signal: it cannot speak its protocol).
    const stop = await runNpmStop(dataDir);
    expect(stop.code, stop.output).toBe(0);
    expect(stop.output).toMatch(/another version, stopped by SIGTERM/);
    await until(() => host.exitCode !== null || !isAlive(host.pid!), 10_000, "the old host to exit");
  });
});

describe("the host protocol over a subprocess's stdio (the seam for remote hosts)", () => {
  it("starts a session, reads its output and stops it through a pipe, with no socket", async () => {
    const dataDir = tempDir("aim-stdio-");
    const host = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "src/terminal/host/host-main.ts"), "--stdio", "--data-dir", dataDir], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: "", LOG_LEVEL: "warn" },
      stdio: ["pipe", "pipe", "inherit"],
    });
    try {
      await until(() => fs.existsSync(path.join(dataDir, HOST_TOKEN_FILE)), 30_000, "the host's token");
      const token = fs.readFileSync(path.join(dataDir, HOST_TOKEN_FILE), "utf8").trim();
      const connection = await HostConnection.open(host.stdout!, host.stdin!, { token, role: "app" });
      expect(fs.existsSync(path.join(dataDir, HOST_SOCKET_FILE))).toBe(false);
      const exited = new Promise<{ exitCode: number | null }>((resolve) =>
        connection.onMessage((m) => {
          if (m.t === "exit") resolve({ exitCode: m.run.exitCode });
        }),
      );
      const spawned = await connection.call({
        op: "spawn",
        spec: {
          taskId: "stdio-task",
          executionId: "stdio-run",
          command: "/bin/sh",
          args: ["-c", "read line; echo got:$line; exit 7"],
          cwd: os.tmpdir(),
          env: { PATH: process.env.PATH ?? "/usr/bin:/bin", TERM: "xterm-256color" },
          cols: 80,
          rows: 24,
          scrollbackLines: 1000,
          recording: { file: path.join(dataDir, "stdio-run.cast"), title: "stdio", command: "sh", env: {}, maxBytes: 1_000_000 },
        },
      });
      expect(spawned.pid).toBeGreaterThan(0);
      connection.send({ t: "write", taskId: "stdio-task", data: "over-the-pipe\r" });
      expect(await exited).toEqual({ exitCode: 7 });
      const read = await connection.call({ op: "readLog", taskId: "stdio-task", executionId: "stdio-run", query: { mode: "full" } });
      expect(read.output).toContain("got:over-the-pipe");
      expect(readCastFile(path.join(dataDir, "stdio-run.cast")).output).toContain("got:over-the-pipe");
      const shot = await connection.call({ op: "snapshot", taskId: "stdio-task", executionId: "stdio-run", mode: "full" });
      expect(shot.lines.join("\n")).toContain("got:over-the-pipe");
      connection.close();
      await until(() => host.exitCode !== null, 15_000, "the host to exit with its stream");
    } finally {
      if (host.exitCode === null) host.kill("SIGKILL");
    }
  });
});

/** Sends one raw hello frame on the socket and returns the host's first answer. */
function rawHello(socketPath: string, hello: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    const reader = new FrameReader((frame: Frame) => {
      if (frame.kind === 0) {
        resolve(frame.value);
        socket.destroy();
      }
    });
    socket.on("data", (chunk) => reader.push(chunk));
    socket.on("error", reject);
    socket.on("connect", () => socket.write(encodeJsonFrame(hello)));
  });
}
