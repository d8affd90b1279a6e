import { spawn } from "node:child_process";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TASK_STATUSES } from "../../src/lib/domain";
import { clientMessageSchema } from "../../src/terminal/contract/protocol";
import { killAllAppProcesses, startApp, until, type AppProcess } from "../helpers/app-process";
import { EDGE_STRINGS, fieldsOf, pct, hostileNumber, hostileString, hostileValue, idSegment, leakIn, queryString, wireBody, type WireBody } from "../helpers/hostile";
import { rawRequest } from "../helpers/raw-http";
import { callAction, callActionOk, serverActions } from "../helpers/server-actions";
import { closed, connect } from "../helpers/ws-client";

/**
 * Hostile input at every surface of a real server process: the internal API, the callback URL,
 * the terminal and events WebSockets, the MCP server (the SDK's own client over stdio), the server
 * actions (POSTed as the browser does) and the pages. A few thousand fast-check generated cases.
 *
 * Every answer: no 5xx, no stack trace, no source path. The process never exits. Data stored
 * before the barrage — tasks, profiles, settings — is byte-for-byte the same afterwards.
 *
 * Safety: generated text is never run as a command. Every profile of this server ignores prompts
 * or only echoes them (`catter` runs `cat` in raw mode, Shell types into `cat`, Claude Code runs
 * `echo`), and generated profiles get commands that cannot run. Protected data is only ever sent
 * requests that must fail (an unknown key in a strict body, a status that does not exist).
 *
 * The seed is printed; rerun a failure with HOSTILE_SEED=<seed>.
 */
const SEED = Number(process.env.HOSTILE_SEED ?? Date.now() % 2 ** 31);
const RUNS = { api: 1_500, callback: 300, websocket: 600, mcp: 400, actions: 400, pages: 150 };

interface Problem {
  surface: string;
  what: string;
  detail: string;
}

const CATTER = `echo "CB=$CALLBACK_URL"; stty raw -echo; exec cat`;
/** A field no strict body accepts: requests for protected data carry it so they must fail. */
const POISON_KEY = "zz-not-a-field\u0000";

describe(`hostile input on every surface (seed ${SEED})`, () => {
  let app: AppProcess;
  let cookie: string;
  let victim: string;
  let disposable: string[] = [];
  let protectedTasks: string[] = [];
  let protectedProfiles: string[] = [];
  const problems: Problem[] = [];
  const counts: Record<string, number> = {};
  let before: Awaited<ReturnType<typeof snapshot>>;

  function note(surface: string, what: string, status: number, text: string): void {
    counts[surface] = (counts[surface] ?? 0) + 1;
    if (status >= 500) problems.push({ surface, what, detail: `HTTP ${status}: ${text.slice(0, 400)}` });
    const leak = leakIn(text);
    if (leak) problems.push({ surface, what, detail: `leaks "${leak}": ${text.slice(0, 400)}` });
  }

  function problemsOf(surface: string): string[] {
    return problems.filter((p) => p.surface === surface).slice(0, 15).map((p) => `${p.what}\n    → ${p.detail}`);
  }

  async function expectAlive(): Promise<void> {
    expect(app.running, `the server exited:\n${app.stderr().slice(-3000)}`).toBe(true);
    const health = await fetch(`${app.baseURL}/api/health`);
    expect(health.status).toBe(200);
  }

  const db = () => new Database(path.join(app.dataDir, "ai-manager.db"), { readonly: true, fileMustExist: true });

  async function snapshot() {
    const tasks: Record<string, unknown> = {};
    for (const id of protectedTasks) tasks[id] = (await app.api("GET", `/api/internal/tasks/${id}`)).body.data;
    const handle = db();
    try {
      const profiles = handle.prepare("SELECT * FROM cli_profiles ORDER BY id").all() as Array<{ id: string }>;
      const settings = handle.prepare("SELECT * FROM settings ORDER BY key").all();
      return { tasks, profiles: profiles.filter((p) => protectedProfiles.includes(p.id)), settings };
    } finally {
      handle.close();
    }
  }

  const action = (name: string, args: unknown[]) => callActionOk(app, name, args);

  /** The victim runs `cat` (raw mode) and is the target of input, WebSockets and the callback. */
  async function ensureVictim(): Promise<void> {
    const status = await app.api("GET", `/api/internal/terminal/${victim}/status`);
    if (status.body?.data?.running) return;
    await app.api("PATCH", `/api/internal/tasks/${victim}`, { profile: "catter", cwd: os.tmpdir() });
    let started = await app.api("POST", `/api/internal/terminal/${victim}/start`, {});
    if (started.status === 429) {
      for (const id of disposable) await app.api("POST", `/api/internal/terminal/${id}/stop`, { signal: "SIGKILL" });
      started = await app.api("POST", `/api/internal/terminal/${victim}/start`, {});
    }
    if (started.status !== 201 && started.status !== 409) throw new Error(`The victim did not start: ${started.text}`);
    await until(async () => (await app.api("GET", `/api/internal/terminal/${victim}/buffer?mode=head&headLines=1`)).body?.data?.output?.startsWith("CB="), 10_000, "the victim's CALLBACK_URL");
  }

  async function victimCallbackUrl(): Promise<string> {
    await ensureVictim();
    const head = await app.api("GET", `/api/internal/terminal/${victim}/buffer?mode=head&headLines=1`);
    return /CB=(\S+)/.exec(head.body.data.output)![1]!.replace(/^http:\/\/[^/]+/, "");
  }

  beforeAll(async () => {
    app = await startApp();
    cookie = await app.sessionCookie();
    // Every profile becomes harmless before anything random is sent (see the header).
    const seeded = (() => {
      const handle = db();
      try {
        return handle.prepare("SELECT id, name FROM cli_profiles").all() as Array<{ id: string; name: string }>;
      } finally {
        handle.close();
      }
    })();
    const shell = seeded.find((p) => p.name === "Shell")!;
    const claude = seeded.find((p) => p.name === "Claude Code")!;
    await action("updateProfile", [shell.id, { name: "Shell", kind: "shell", command: "/bin/cat", args: "", env: "", promptDelivery: "type" }]);
    await action("updateProfile", [claude.id, { name: "Claude Code", kind: "claude", command: "/bin/echo", args: "{prompt}", env: "", promptDelivery: "args" }]);
    const catter = await action("createProfile", [{ name: "catter", kind: "custom", command: "/bin/sh", args: JSON.stringify(["-c", CATTER]), env: "", promptDelivery: "args" }]);
    const keeper = await action("createProfile", [{ name: "Protected", kind: "custom", command: "/bin/echo", args: "hello\nworld", env: "A=1\nB=two words", promptDelivery: "args" }]);
    await action("setActiveProfile", [catter.data.id]);
    await action("updateSettings", [{ "terminal.scrollbackLines": 4321, "system.maxConcurrentExecutions": 37, "terminal.keepaliveExitedMs": 600_000 }]);
    protectedProfiles = [shell.id, claude.id, catter.data.id, keeper.data.id];

    const create = async (body: Record<string, unknown>) => {
      const res = await app.api("POST", "/api/internal/tasks", body);
      if (res.status !== 201) throw new Error(res.text);
      return res.body.data.id as string;
    };
    protectedTasks = [
      await create({ title: "Protected one", cwd: os.tmpdir(), prompt: "keep me", description: "ünïcødé ✓ 𝄞", profile: "Protected" }),
      await create({ title: "Protected two", cwd: "/", prompt: "", profile: "catter" }),
      await create({ title: "Protected three", cwd: os.tmpdir(), prompt: "p".repeat(5000) }),
    ];
    await app.api("PATCH", `/api/internal/tasks/${protectedTasks[0]}`, { status: "review", statusMessage: "ready for a look" });
    disposable = [];
    for (let i = 0; i < 6; i++) disposable.push(await create({ title: `disposable ${i}`, cwd: os.tmpdir(), profile: "catter" }));
    victim = await create({ title: "victim", cwd: os.tmpdir(), profile: "catter" });
    await ensureVictim();
    before = await snapshot();
    console.info(`hostile-input: seed ${SEED} (rerun with HOSTILE_SEED=${SEED})`);
  });

  afterAll(async () => {
    const summary = Object.entries(counts).map(([surface, n]) => `${surface}: ${n}`).join(", ");
    console.info(`hostile-input: cases per surface — ${summary}; total ${Object.values(counts).reduce((a, b) => a + b, 0)}`);
    await app?.dispose();
    killAllAppProcesses();
  });

  // ── internal API ────────────────────────────────────────────────────────────────────────────

  it("the internal API answers every malformed request with a 4xx envelope", async () => {
    const mutable = () => [victim, ...disposable];
    const poisoned = (fields: fc.Arbitrary<Record<string, unknown>>) => fields.map((f) => ({ ...f, [POISON_KEY]: 1 }));
    const cwd = fc.constantFrom("/tmp", os.tmpdir(), "/", "/proc/self/..", "/proc/self/cwd", "../../etc", "./", "/etc/passwd", "/nonexistent/dir", "~", "~/", "/tmp/\u0000x", "/dev/null");
    const profile = fc.constantFrom("catter", "CATTER", " catter ", "Protected", "Shell", "claude code", "script", "");
    const status = fc.constantFrom(...TASK_STATUSES, "RUNNING", "deleted", "");
    const taskFields = ["title", "cwd", "prompt", "description", "profile"] as const;
    const patchFields = [...taskFields, "status", "statusMessage"] as const;
    const plausible = { title: fc.string({ maxLength: 20 }), cwd, profile, status, statusMessage: fc.string({ maxLength: 20 }), cols: fc.integer({ min: -5, max: 1005 }), rows: fc.integer({ min: -5, max: 505 }), signal: fc.constantFrom("SIGTERM", "SIGKILL", "SIGSTOP", "SIGCONT", "KILL", "9", 9), mode: fc.constantFrom("line", "raw", "paste", "LINE", "bytes"), input: fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom("\u0003", "\u001b[A", "\u0004")) };
    const bufferKeys = ["mode", "tailLines", "headLines", "maxLines", "since", "clean", "waitFor", "idleMs", "pattern", "flags", "timeoutMs", "executionId"];
    const bufferPlausible = {
      mode: fc.constantFrom("full", "head", "tail", "head-tail"),
      waitFor: fc.constantFrom("idle", "exit", "pattern"),
      timeoutMs: fc.constantFrom("0", "1", "50", "100"),
      pattern: fc.constantFrom("x", "CB=", "(a|b)+", "[", "(?<n>x)", "\\", "^$", ".*"),
      flags: fc.constantFrom("i", "imsu", "g", "y", "ii", "x"),
      since: fc.constantFrom("0", "1", "999999", "-1"),
      tailLines: fc.constantFrom("0", "10", "10000", "10001"),
    };

    type Case = { method: string; path: string; body?: WireBody; timeoutMs: number };
    const json = (value: fc.Arbitrary<unknown>, allowEmpty = true) => wireBody(value, { allowEmpty });
    const route = (method: string, p: fc.Arbitrary<string>, body?: fc.Arbitrary<WireBody>): fc.Arbitrary<Case> =>
      body ? fc.tuple(p, body).map(([pp, b]) => ({ method, path: pp, body: b, timeoutMs: 15_000 })) : p.map((pp) => ({ method, path: pp, timeoutMs: 15_000 }));
    const terminal = (ids: fc.Arbitrary<string>, action: string, query: fc.Arbitrary<string> = fc.constant("")) =>
      fc.tuple(ids, query).map(([id, q]) => `/api/internal/terminal/${id}/${action}${q}`);
    const mutableIds = idSegment(mutable());
    const protectedIds = fc.constantFrom(...protectedTasks);
    const anyIds = idSegment([...mutable(), ...protectedTasks]);

    const cases = fc.oneof(
      route("GET", queryString(["status"], { status }).map((q) => `/api/internal/tasks${q}`)),
      route("POST", fc.constant("/api/internal/tasks"), json(fieldsOf(taskFields, plausible))),
      route("GET", fc.tuple(anyIds, queryString(["x"])).map(([id, q]) => `/api/internal/tasks/${id}${q}`)),
      route("PATCH", mutableIds.map((id) => `/api/internal/tasks/${id}`), json(fieldsOf(patchFields, plausible))),
      route("PATCH", protectedIds.map((id) => `/api/internal/tasks/${id}`), json(poisoned(fieldsOf(patchFields, plausible)))),
      route("POST", terminal(mutableIds, "start"), json(fieldsOf(["prompt", "cols", "rows"], plausible))),
      route("POST", terminal(protectedIds, "start"), json(poisoned(fieldsOf(["prompt", "cols", "rows"], plausible)), false)),
      route("POST", terminal(anyIds, "stop"), json(fieldsOf(["signal"], plausible))),
      route("POST", terminal(anyIds, "resize"), json(fieldsOf(["cols", "rows"], plausible))),
      route("POST", terminal(anyIds, "input"), json(fieldsOf(["input", "mode"], plausible))),
      route("GET", terminal(anyIds, "buffer", queryString(bufferKeys, bufferPlausible))),
      route("GET", terminal(anyIds, "snapshot", queryString(["view_mode", "n_lines", "context_lines", "executionId"], { view_mode: fc.constantFrom("full", "last_line", "last_n_lines", "cursor_area") }))),
      route("GET", terminal(anyIds, "status", queryString(["x"]))),
      // Wrong methods and paths that only look like routes.
      fc.tuple(
        fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"),
        fc.oneof(
          // Mutable ids only: `{}` or `null` is a valid start body.
          terminal(mutableIds, "start"),
          terminal(anyIds, "buffer"),
          fc.constantFrom("/api/internal", "/api/internal/", "/api/internal//tasks", "/api/internal/tasks/", "/api/internal/../internal/tasks", "/api/internal/tasks/%2e%2e/x", "/api/internal/terminal", "/api/internal/terminal/x", "/api/internal/terminal/x/y/z", "/api/internal/tasks?%", "/api/internal/%ff"),
          hostileString.filter((s) => s.length < 200).map((s) => `/api/internal/${pct(s)}`),
        ),
        json(hostileValue),
      ).map(([method, p, body]) => ({ method, path: p, body: method === "GET" || method === "HEAD" ? undefined : body, timeoutMs: 15_000 })),
    );

    const samples = fc.sample(cases, { numRuns: RUNS.api, seed: SEED });
    let n = 0;
    for (const c of samples) {
      if (++n % 150 === 0) await ensureVictim();
      // A valid wait may hold for its full timeout: such reads are abandoned after a second, which
      // is itself a case (the server frees the waiter of a client that left).
      const waits = c.path.includes("waitFor=");
      const what = `${c.method} ${c.path.slice(0, 200)}${c.body ? ` [${c.body.kind}, ${c.body.contentType}, ${c.body.bytes.length} B]: ${c.body.bytes.subarray(0, 120).toString("utf8")}` : ""}`;
      try {
        const res = await rawRequest({
          address: "127.0.0.1",
          port: app.port,
          method: c.method,
          path: c.path,
          headers: { host: `127.0.0.1:${app.port}`, authorization: `Bearer ${app.internalToken}`, ...(c.body?.contentType ? { "content-type": c.body.contentType } : {}) },
          body: c.body?.bytes,
          timeoutMs: waits ? 1_000 : c.timeoutMs,
        });
        note("internal API", what, res.status, res.text);
        if (res.status >= 400 && c.method !== "HEAD" && res.text.length > 0 && res.headers["content-type"]?.startsWith("application/json")) {
          const envelope = res.body as { success?: unknown; error?: { code?: unknown; message?: unknown } };
          if (envelope?.success !== false || typeof envelope.error?.code !== "string" || typeof envelope.error?.message !== "string") {
            problems.push({ surface: "internal API", what, detail: `not an error envelope: ${res.text.slice(0, 300)}` });
          }
        }
      } catch (error) {
        counts["internal API"] = (counts["internal API"] ?? 0) + 1;
        // The server may close the connection on a body over the limit while it is being sent.
        const cutOff = c.body?.kind === "oversized" && /EPIPE|ECONNRESET|socket hang up/.test(String(error));
        if (!cutOff && !waits) problems.push({ surface: "internal API", what, detail: `no answer: ${String(error)}` });
      }
    }
    expect(problemsOf("internal API")).toEqual([]);
    await expectAlive();
  });

  // ── callback URL ────────────────────────────────────────────────────────────────────────────

  it("the callback URL refuses or records every report, never failing", async () => {
    const real = await victimCallbackUrl();
    const [, , , executionId, secret] = real.split("/");
    const segment = idSegment([executionId!, secret!]);
    const report = fieldsOf(["status", "message", "sessionId"], {
      status: fc.constantFrom("running", "needs_input", "review", "done", "failed", "todo", "interrupted", ""),
      sessionId: fc.constantFrom("abc-123", "-bad", "a".repeat(129), "../x"),
      message: fc.string({ maxLength: 30 }),
    });
    const hook = fieldsOf(["hook_event_name", "session_id", "message", "notification_type", "last_assistant_message", "transcript_path", "cwd"], {
      hook_event_name: fc.constantFrom("SessionStart", "Stop", "Notification", "UserPromptSubmit", "SessionEnd", "PreToolUse", "", "x".repeat(101)),
      session_id: fc.constantFrom("s-1", "", "a".repeat(200), 5),
      notification_type: fc.constantFrom("idle_prompt", "permission_prompt", "auth_success"),
    });
    const cases = fc.tuple(
      fc.oneof({ arbitrary: fc.constant(real), weight: 5 }, { arbitrary: fc.tuple(segment, segment).map(([a, b]) => `/api/callback/${a}/${b}`), weight: 4 }, { arbitrary: fc.constantFrom("/api/callback", "/api/callback/", `/api/callback/${executionId}`, `${real}/x`, `${real}%00`, `/api/callback//${secret}`, "/api/callback/%ff/%ff"), weight: 1 }),
      fc.oneof({ arbitrary: fc.constant("POST"), weight: 8 }, { arbitrary: fc.constantFrom("GET", "PUT", "DELETE", "HEAD", "OPTIONS"), weight: 1 }),
      wireBody(fc.oneof(report, hook, hostileValue)),
    );
    for (const [p, method, body] of fc.sample(cases, { numRuns: RUNS.callback, seed: SEED + 1 })) {
      const what = `${method} ${p === real ? "<the real CALLBACK_URL>" : p.slice(0, 150)} [${body.kind}, ${body.contentType}]: ${body.bytes.subarray(0, 150).toString("utf8")}`;
      try {
        const res = await rawRequest({ address: "127.0.0.1", port: app.port, method, path: p, headers: { host: `127.0.0.1:${app.port}`, ...(body.contentType ? { "content-type": body.contentType } : {}) }, body: method === "GET" || method === "HEAD" ? undefined : body.bytes });
        note("callback URL", what, res.status, res.text);
      } catch (error) {
        counts["callback URL"] = (counts["callback URL"] ?? 0) + 1;
        if (!(body.kind === "oversized" && /EPIPE|ECONNRESET|socket hang up/.test(String(error)))) problems.push({ surface: "callback URL", what, detail: `no answer: ${String(error)}` });
      }
    }
    expect(problemsOf("callback URL")).toEqual([]);
    await expectAlive();
  });

  // ── WebSockets ──────────────────────────────────────────────────────────────────────────────

  it("the terminal WebSocket answers bad frames with error messages, closes abusers, and never crashes", async () => {
    type Frame = { kind: "text"; text: string } | { kind: "binary"; bytes: Buffer } | { kind: "giant" } | { kind: "bad-utf8" } | { kind: "garbage-bytes" };
    const message = fc.oneof(
      { arbitrary: fc.record({ type: fc.constant("input"), data: fc.oneof(fc.string({ maxLength: 40 }), hostileString) }), weight: 3 },
      { arbitrary: fc.record({ type: fc.constant("resize"), cols: fc.oneof(fc.integer({ min: 1, max: 1000 }), hostileNumber, hostileValue), rows: fc.oneof(fc.integer({ min: 1, max: 500 }), hostileNumber, hostileValue) }), weight: 3 },
      { arbitrary: fc.record({ type: fc.constant("ack"), bytes: fc.oneof(fc.nat({ max: 1_000_000 }), hostileNumber, hostileValue) }), weight: 3 },
      { arbitrary: fc.record({ type: fc.constant("ping"), id: fc.oneof(fc.nat(), hostileNumber, hostileValue) }), weight: 2 },
      { arbitrary: fc.record({ type: fc.constant("resync") }), weight: 1 },
      { arbitrary: fc.record({ type: fc.oneof(hostileString, fc.constantFrom("snapshot", "hello", "exit", "Input", "")) }, { requiredKeys: [] }), weight: 1 },
      { arbitrary: hostileValue, weight: 2 },
    );
    const frame: fc.Arbitrary<Frame> = fc.oneof(
      { arbitrary: message.map((m) => ({ kind: "text" as const, text: JSON.stringify(m) ?? "null" })), weight: 12 },
      { arbitrary: fc.constantFrom("{", "", "NaN", '{"type":"resize","cols":NaN,"rows":1}', '{"type":"ack","bytes":1e400}', '{"type":"ping","id":-0}', "[]", "null", '{"type":"input"}', '{"type":"input","data":"x","extra":1}').map((text) => ({ kind: "text" as const, text })), weight: 3 },
      { arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: "binary" as const, bytes: Buffer.from(bytes) })), weight: 1 },
    );
    const terminator = fc.constantFrom<Frame>({ kind: "giant" }, { kind: "bad-utf8" }, { kind: "garbage-bytes" });
    const connection = fc.tuple(fc.array(frame, { minLength: 1, maxLength: 70 }), fc.option(terminator, { freq: 3 }));
    const isValid = (text: string) => {
      try {
        return clientMessageSchema.safeParse(JSON.parse(text)).success;
      } catch {
        return false;
      }
    };

    const url = `ws://127.0.0.1:${app.port}/ws/terminals/${victim}`;
    // This suite once ended the server this way: a very long line, then a resize to one column,
    // overflowed xterm's reflow inside the session's mirror (fixed in screen-mirror.ts; the exact
    // reproduction is test/integration/mirror-reflow.test.ts). The same moves, end to end.
    await ensureVictim();
    expect((await app.api("POST", `/api/internal/terminal/${victim}/resize`, { cols: 1000, rows: 32 })).status).toBe(200);
    const longLine = await app.api("POST", `/api/internal/terminal/${victim}/input`, { input: `${"\u001b[mabcdefgh".repeat(90_000)}\r\nafter the long line\r\n`, mode: "raw" });
    expect(longLine.status, longLine.text).toBe(200);
    await until(async () => (await app.api("GET", `/api/internal/terminal/${victim}/buffer?mode=tail&tailLines=2`)).body.data.output.includes("after the long line"), 20_000, "the echo of the long line");
    const narrow = await connect(url, { origin: app.baseURL, cookie });
    if (narrow.kind !== "open") throw new Error("The victim's socket was refused");
    narrow.ws.send(JSON.stringify({ type: "resize", cols: 1, rows: 1 }));
    expect((await app.api("POST", `/api/internal/terminal/${victim}/resize`, { cols: 1, rows: 2 })).status).toBe(200);
    // Once the mirror has applied the narrow size, the reflow is behind it.
    await until(async () => app.running && (await app.api("GET", `/api/internal/terminal/${victim}/snapshot`)).body?.data?.size?.cols <= 2, 30_000, "the mirror to take the narrow size (xterm keeps at least 2 columns)");
    narrow.ws.close();
    expect((await app.api("POST", `/api/internal/terminal/${victim}/resize`, { cols: 120, rows: 32 })).status).toBe(200);
    await expectAlive();
    let framesSent = 0;
    for (const [frames, end] of fc.sample(connection, { numRuns: 200, seed: SEED + 2 })) {
      if (framesSent >= RUNS.websocket) break;
      if (!app.running) throw new Error(`The server exited during the WebSocket barrage:\n${app.stderr().slice(-3000)}`);
      await ensureVictim();
      const outcome = await connect(url, { origin: app.baseURL, cookie });
      if (outcome.kind !== "open") throw new Error(`The victim's socket was refused: ${outcome.status}`);
      const { ws, messages } = outcome;
      const closing = closed(ws);
      let bad = 0;
      let lastPing: number | undefined;
      const connectionStarted = Date.now();
      const what = () => `frames ${JSON.stringify(frames.slice(0, 8)).slice(0, 600)}… then ${end?.kind ?? "nothing"}`;
      for (const f of frames) {
        if (ws.readyState !== WebSocket.OPEN) break;
        framesSent++;
        counts["terminal WebSocket"] = (counts["terminal WebSocket"] ?? 0) + 1;
        if (f.kind === "binary") {
          ws.send(f.bytes, { binary: true });
          bad++;
        } else if (f.kind === "text") {
          ws.send(f.text);
          if (!isValid(f.text)) bad++;
        }
      }
      if (bad <= 50 && ws.readyState === WebSocket.OPEN) {
        // Replies come in order: once our own ping is answered, every earlier reply has arrived.
        lastPing = 987_654_321;
        ws.send(JSON.stringify({ type: "ping", id: lastPing }));
        await until(() => messages.some((m) => m.json?.type === "pong" && m.json.id === lastPing) || ws.readyState !== WebSocket.OPEN, 10_000, "the pong");
        const errors = messages.filter((m) => m.json?.type === "error");
        if (errors.length !== bad) problems.push({ surface: "terminal WebSocket", what: what(), detail: `${bad} bad frames, ${errors.length} error replies` });
        for (const e of errors) {
          const leak = leakIn(e.text);
          if (leak) problems.push({ surface: "terminal WebSocket", what: what(), detail: `leaks ${leak}` });
        }
        if (ws.readyState !== WebSocket.OPEN) problems.push({ surface: "terminal WebSocket", what: what(), detail: `closed after ${bad} bad frames: ${JSON.stringify(await closing)}` });
      }
      let expectedCodes: number[] = [];
      if (bad > 50) expectedCodes = [1008];
      else if (end) {
        counts["terminal WebSocket"] = (counts["terminal WebSocket"] ?? 0) + 1;
        if (end.kind === "giant") {
          ws.send("x".repeat(4 * 1024 * 1024 + 1));
          // The server answers 1009 and drops the connection while the frame is still being sent,
          // so the client may only see the connection go (1006).
          expectedCodes = [1009, 1006];
        } else if (end.kind === "bad-utf8") {
          ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
          expectedCodes = [1007];
        } else {
          // Bytes that are not a WebSocket frame at all, straight onto the upgraded socket.
          (ws as unknown as { _socket: net.Socket })._socket.write(Buffer.from("GET / HTTP/1.1\r\n\r\n\u0000\u00ff garbage"));
          expectedCodes = [1002, 1006];
        }
      }
      if (expectedCodes.length > 0) {
        const result = await Promise.race([closing, new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), 10_000))]);
        if (!expectedCodes.includes(result.code)) problems.push({ surface: "terminal WebSocket", what: what(), detail: `closed with ${result.code}, expected ${expectedCodes.join(" or ")}` });
      } else {
        ws.close();
        await closing;
      }
      if (Date.now() - connectionStarted > 3_000) console.info(`slow connection (${Date.now() - connectionStarted} ms): ${what()}`);
    }
    expect(framesSent).toBeGreaterThanOrEqual(Math.min(RUNS.websocket, 300));

    // Sockets for tasks without a session close with 4404; junk paths are refused; the events socket ignores what it gets.
    for (const id of fc.sample(idSegment([...protectedTasks, ...disposable]), { numRuns: 30, seed: SEED + 3 })) {
      counts["terminal WebSocket"] = (counts["terminal WebSocket"] ?? 0) + 1;
      try {
        const outcome = await connect(`ws://127.0.0.1:${app.port}/ws/terminals/${id}`, { origin: app.baseURL, cookie });
        if (outcome.kind === "open") {
          // No session: closed at once with 4404. A disposable task the barrage started has a live
          // session: it says hello and stays open, and we leave.
          const ws = outcome.ws;
          const result = await Promise.race([closed(ws), until(() => outcome.messages.some((m) => m.json?.type === "hello"), 5_000, "hello").then(() => "hello" as const)]);
          if (result === "hello") {
            const done = closed(ws);
            ws.close();
            await done;
          } else if (result.code !== 4404) {
            problems.push({ surface: "terminal WebSocket", what: `upgrade /ws/terminals/${id}`, detail: `closed with ${result.code}` });
          }
        } else if (outcome.status >= 500) {
          problems.push({ surface: "terminal WebSocket", what: `upgrade /ws/terminals/${id}`, detail: `HTTP ${outcome.status}` });
        }
      } catch (error) {
        problems.push({ surface: "terminal WebSocket", what: `upgrade /ws/terminals/${id}`, detail: String(error) });
      }
    }
    const events = await connect(`ws://127.0.0.1:${app.port}/ws/events`, { origin: app.baseURL, cookie });
    expect(events.kind).toBe("open");
    if (events.kind === "open") {
      for (const text of fc.sample(hostileString.filter((s) => Buffer.byteLength(s) < 1000), { numRuns: 50, seed: SEED + 4 })) {
        events.ws.send(text);
        counts["events WebSocket"] = (counts["events WebSocket"] ?? 0) + 1;
      }
      const eventsClosed = closed(events.ws);
      events.ws.send("y".repeat(5000));
      expect((await eventsClosed).code).toBe(1009);
    }
    // Upgrades that are not proper WebSocket handshakes.
    const handshakes: Array<Record<string, string>> = [
      { upgrade: "websocket", connection: "Upgrade" },
      { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "x", "sec-websocket-version": "99" },
      { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" },
    ];
    for (const headers of handshakes) {
      counts["terminal WebSocket"] = (counts["terminal WebSocket"] ?? 0) + 1;
      const answer = await rawUpgrade(app.port, `/ws/terminals/${victim}`, { ...headers, origin: app.baseURL, cookie });
      expect(answer, JSON.stringify(headers)).toMatch(/^HTTP\/1\.1 (101|400|426)/);
    }
    expect(problemsOf("terminal WebSocket")).toEqual([]);
    await expectAlive();
  });

  // ── MCP ─────────────────────────────────────────────────────────────────────────────────────

  it("every MCP tool turns random arguments into results or clean errors, and the MCP server stays up", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.resolve(__dirname, "../../bin/ai-manager-mcp.mjs")],
      env: { PATH: process.env.PATH ?? "", AI_MANAGER_URL: app.baseURL, AI_MANAGER_INTERNAL_TOKEN: app.internalToken },
      cwd: os.tmpdir(),
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    let transportClosed = false;
    const client = new Client({ name: "hostile-input", version: "1.0.0" });
    await client.connect(transport);
    transport.onclose = () => {
      transportClosed = true;
    };
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThanOrEqual(9);
      const mutating = new Set(["start_task", "stop_task", "send_task_terminal_input", "update_task_status"]);
      const realIds = (name: string) => (mutating.has(name) ? [victim, ...disposable] : [victim, ...disposable, ...protectedTasks]);
      const call = fc.oneof(
        { arbitrary: fc.constantFrom(...tools.map((t) => t.name)), weight: 20 },
        { arbitrary: fc.constantFrom("no_such_tool", "", "list_tasks ", "LIST_TASKS"), weight: 1 },
      ).chain((name) => {
        const tool = tools.find((t) => t.name === name);
        const keys = Object.keys(tool?.inputSchema.properties ?? { x: {} });
        const ids = realIds(name);
        return fc.tuple(
          fc.constant(name),
          fc.oneof(
            { arbitrary: fieldsOf(keys, { taskId: fc.oneof(fc.constantFrom(...ids), fc.uuid().map(String)), waitFor: fc.constantFrom("idle", "exit", "pattern"), mode: fc.constantFrom("tail", "head", "full", "raw", "line", "paste"), status: fc.constantFrom(...TASK_STATUSES), cwd: fc.constantFrom("/tmp", "../../etc", "/proc/self/.."), profile: fc.constantFrom("catter", "Shell", "nope") }), weight: 9 },
            { arbitrary: fc.dictionary(hostileString.filter((s) => s.length < 30), hostileValue, { maxKeys: 3 }), weight: 1 },
          ),
        );
      });
      let n = 0;
      for (const [name, args] of fc.sample(call, { numRuns: RUNS.mcp, seed: SEED + 5 })) {
        if (++n % 100 === 0) await ensureVictim();
        // A valid wait may hold for its timeout (up to 45 s): keep generated waits short.
        if (["idle", "exit", "pattern"].includes(args.waitFor as string)) args.timeoutMs = n % 3 === 0 ? 0 : 100;
        if (mutating.has(name) && (args.taskId === undefined || protectedTasks.includes(args.taskId as string))) args.taskId = victim;
        const what = `${name}(${JSON.stringify(args).slice(0, 300)})`;
        counts.MCP = (counts.MCP ?? 0) + 1;
        try {
          const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 20_000 })) as { content?: Array<{ text?: string }>; isError?: boolean };
          const text = (result.content ?? []).map((c) => c.text ?? "").join("\n");
          if (/internal:unexpected|failed to handle this request|HTTP 5\d\d/.test(text)) problems.push({ surface: "MCP", what, detail: `a 5xx behind the tool: ${text.slice(0, 300)}` });
          const leak = leakIn(text);
          if (leak) problems.push({ surface: "MCP", what, detail: `leaks ${leak}: ${text.slice(0, 300)}` });
        } catch (error) {
          // The SDK raises protocol errors (unknown tool, invalid arguments) as McpError.
          const code = (error as { code?: number }).code;
          if (code !== -32602 && code !== -32601) problems.push({ surface: "MCP", what, detail: `threw ${String(error).slice(0, 300)}` });
        }
        if (transportClosed) break;
      }
      expect(transportClosed, `the MCP server went away; its stderr:\n${stderr.slice(-2000)}`).toBe(false);
      expect((await client.listTools()).tools.length).toBe(tools.length);
      expect(stderr).not.toMatch(/fatal|uncaught/i);
    } finally {
      await client.close();
    }
    // Junk on the MCP server's stdin (not JSON-RPC): it must keep serving a proper client afterwards.
    counts.MCP = (counts.MCP ?? 0) + 1;
    expect(await mcpSurvivesGarbage(app)).toBe(true);
    expect(problemsOf("MCP")).toEqual([]);
    await expectAlive();
  });

  // ── server actions ─────────────────────────────────────────────────────────────────────────

  it("every server action refuses bad arguments with a result, never a 5xx", async () => {
    const actions = serverActions();
    expect([...actions.keys()]).toEqual(expect.arrayContaining(["createTask", "updateTask", "setTaskStatus", "deleteTask", "createProfile", "updateProfile", "setActiveProfile", "deleteProfile", "updateSettings", "startPtyExecution", "resumePtyExecution", "stopPtyExecution", "stopAllPtyExecutions"]));
    const mutableId = fc.oneof(fc.constantFrom(victim, ...disposable), fc.uuid().map(String), hostileString, hostileValue);
    const unknownId = fc.oneof(fc.uuid().map(String), hostileString, hostileValue);
    const safeCommand = fc.oneof(fc.constant(""), fc.constant("   "), hostileString.map((s) => `/nonexistent/${s}\u0000`), hostileValue.filter((v) => typeof v !== "string"));
    const taskForm = fieldsOf(["title", "description", "prompt", "cwd", "profileId"], { title: fc.string({ maxLength: 10 }), cwd: fc.constantFrom("/tmp", "/proc/self/..", "../../etc", "~"), profileId: fc.constantFrom("", ...protectedProfiles) });
    const invalidTaskForm = taskForm.map((f) => ({ ...f, title: 5 }));
    const profileForm = fieldsOf(["name", "kind", "command", "args", "env", "promptDelivery"], { kind: fc.constantFrom("custom", "shell", "claude", "x"), promptDelivery: fc.constantFrom("args", "type", "x"), args: fc.constantFrom("[", '["a"]', "{prompt}", "a\nb"), env: fc.constantFrom("A=1", "=x", "1A=2", "A=1\nA=2") }).map((f) => ({ ...f, command: undefined as unknown })).chain((f) => safeCommand.map((command) => ({ ...f, command })));
    const settingsPatch = fc.tuple(
      fc.dictionary(fc.constantFrom("system.maxConcurrentExecutions", "terminal.keepaliveRunningMs", "terminal.keepaliveExitedMs", "terminal.scrollbackLines", "terminal.recordingMaxBytes"), fc.oneof(fc.constantFrom(0, -1, 1.5, 1e12, "abc", "", "1e999", "NaN", " "), fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d)))),
      fc.dictionary(hostileString.filter((s) => s.length > 0 && s.length < 100 && !s.startsWith("system.") && !s.startsWith("terminal.")), hostileValue, { minKeys: 1, maxKeys: 2 }),
    ).map(([known, unknown]) => ({ ...known, ...unknown }));
    // Paths in and around the data dir's worktrees, none of them a kept worktree: each is refused, nothing touched.
    const worktreesRoot = path.join(app.dataDir, "worktrees");
    const keptPath = fc.oneof(
      fc.constantFrom(worktreesRoot, `${worktreesRoot}/x/..`, `${worktreesRoot}/../..`, app.dataDir, "/", "/tmp", "../../etc", "worktrees", `${worktreesRoot}/repo-0000/00000000`),
      hostileString,
      hostileValue,
    );
    const argsFor: Record<string, fc.Arbitrary<unknown[]>> = {
      createTask: fc.tuple(fc.oneof(taskForm, hostileValue)),
      updateTask: fc.oneof(fc.tuple(mutableId, fc.oneof(taskForm, hostileValue)), fc.tuple(fc.constantFrom(...protectedTasks), invalidTaskForm)),
      setTaskStatus: fc.oneof(
        fc.tuple(fieldsOf(["id", "status"], { id: mutableId, status: fc.constantFrom(...TASK_STATUSES) })),
        fc.tuple(fc.record({ id: fc.constantFrom(...protectedTasks), status: hostileString.filter((s) => !(TASK_STATUSES as readonly string[]).includes(s.trim())) })),
      ),
      deleteTask: fc.tuple(unknownId),
      createProfile: fc.tuple(fc.oneof(profileForm, hostileValue.filter((v) => typeof v !== "object" || v === null || Array.isArray(v)))),
      updateProfile: fc.oneof(fc.tuple(unknownId, profileForm), fc.tuple(fc.constantFrom(...protectedProfiles), profileForm.map((f) => ({ ...f, name: 5 })))),
      setActiveProfile: fc.tuple(unknownId),
      deleteProfile: fc.tuple(unknownId),
      updateSettings: fc.tuple(fc.oneof(settingsPatch, hostileValue.filter((v) => typeof v !== "object" || v === null))),
      startPtyExecution: fc.tuple(mutableId, fc.oneof(hostileString, hostileValue)),
      resumePtyExecution: fc.tuple(mutableId, fc.oneof(hostileString, hostileValue)),
      stopPtyExecution: fc.tuple(mutableId),
      stopAllPtyExecutions: fc.constant([]),
      discardWorkspace: fc.tuple(mutableId, fc.oneof(fc.record({ deleteBranch: fc.boolean(), confirmLoss: fc.boolean() }), hostileValue)),
      keptWorktreeReport: fc.tuple(keptPath),
      removeKeptWorktree: fc.tuple(keptPath, fc.oneof(fc.record({ confirmLoss: fc.boolean() }), hostileValue)),
      sendInboxReply: fc.tuple(fc.oneof(fieldsOf(["taskId", "text"], { taskId: mutableId, text: hostileString }), hostileValue)),
    };
    const names = Object.keys(argsFor).filter((name) => actions.has(name));
    const extraArgs = fc.array(hostileValue, { maxLength: 2 });
    const call = fc.oneof(
      { arbitrary: fc.tuple(fc.constantFrom(...names), fc.constant(undefined)).chain(([name]) => fc.tuple(fc.constant(name), argsFor[name]!, extraArgs).map(([n, args, extra]) => ({ name: n, args: [...args, ...extra] as unknown[] }))), weight: 8 },
      {
        // Bodies no browser sends: not JSON, not an array, references React would never produce, too deep, too big, wrong type.
        arbitrary: fc.tuple(
          fc.constantFrom(...names.filter((n) => !["deleteTask", "setActiveProfile", "deleteProfile", "updateTask", "updateProfile", "setTaskStatus", "stopAllPtyExecutions"].includes(n))),
          fc.oneof(
            fc.constantFrom("garbage", "[", "", '"str"', "{}", '["$Q1"]', '["$@1"]', '["$K1"]', '["$T"]', '["$F1"]', '["$n1x"]', '["$Dnot-a-date"]', '["$$ok", "$undefined"]', "[" + "[".repeat(5000) + "]".repeat(5000) + "]", '[{"a":"$B1"}]', "\u0000", "[1,2,3]", "null"),
            fc.integer({ min: 1, max: 2 }).map((mb) => `["${"z".repeat(mb * 1024 * 1024 + 10)}"]`),
          ),
          fc.oneof({ arbitrary: fc.constant("text/plain;charset=UTF-8"), weight: 4 }, { arbitrary: fc.constantFrom("application/json", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", ""), weight: 1 }),
        ).map(([name, rawBody, contentType]) => ({ name, args: [] as unknown[], rawBody, contentType })),
        weight: 2,
      },
      {
        // Wrong ids, wrong pages, another origin.
        arbitrary: fc.tuple(fc.constantFrom(...names), fc.oneof(fc.constantFrom("nope", "0".repeat(42), "7f".repeat(21), "", "$$"), hostileString.filter((s) => s.length < 100 && /^[\x20-\x7e]*$/.test(s))), fc.constantFrom("/", "/settings", "/missions", "/nope", "/tasks/x", "/api/health", "/_next/static/x"), fc.constantFrom<string | undefined>(undefined, "http://evil.example", "null")).map(([name, actionId, page, origin]) => ({ name, args: [] as unknown[], actionId: actionId as string | undefined, page, origin })),
        weight: 1,
      },
    );
    for (const c of fc.sample(call, { numRuns: RUNS.actions, seed: SEED + 6 }) as Array<{ name: string; args: unknown[]; rawBody?: string; contentType?: string; actionId?: string; page?: string; origin?: string }>) {
      const what = `${c.name}${c.actionId !== undefined ? ` (id ${JSON.stringify(c.actionId)} on ${c.page}, origin ${c.origin})` : ""}: ${(c.rawBody ?? JSON.stringify(c.args)).slice(0, 300)}${c.contentType ? ` as ${c.contentType}` : ""}`;
      counts["server actions"] = (counts["server actions"] ?? 0) + 1;
      try {
        const res = await callAction(app, c.name, c.args, { rawBody: c.rawBody, contentType: c.contentType, actionId: c.actionId, page: c.page, origin: c.origin, taskId: victim });
        note("server actions", what, res.status, res.text);
        counts["server actions"]--;
        if (res.errorRow) problems.push({ surface: "server actions", what, detail: `the action threw: ${res.text.slice(0, 300)}` });
        if (res.status === 200 && c.actionId === undefined && c.rawBody === undefined && res.result && res.result.ok === false && typeof res.result.message !== "string") {
          problems.push({ surface: "server actions", what, detail: `a failure without a message: ${JSON.stringify(res.result)}` });
        }
      } catch (error) {
        // Every body here is under the server's drain limit (16 MB): even a refused one is answered.
        problems.push({ surface: "server actions", what, detail: `no answer: ${String(error)}` });
      }
    }
    expect(problemsOf("server actions")).toEqual([]);
    await expectAlive();
  });

  // ── pages ───────────────────────────────────────────────────────────────────────────────────

  it("pages answer hostile paths and queries without a 5xx", async () => {
    const page = fc.tuple(
      fc.oneof(
        fc.constantFrom("/", "/settings", "/missions", "/login", "/tasks", "/_next/static/chunks/x.js", "/_next/image", "/favicon.ico", "/api/health", "/api/executions/x/recording"),
        idSegment([victim, ...protectedTasks]).map((id) => `/tasks/${id}`),
        idSegment([victim]).map((id) => `/api/executions/${id}/recording`),
        fc.constantFrom("/%ff", "/tasks/%ff", "/tasks/%E0%A4%A", "/..%2f..%2fetc/passwd", "//etc/passwd", "/tasks/../../../etc/passwd", "/%00", `/tasks/${"x".repeat(3000)}`, "/_next/%ff", "/_next/image?url=%2F%2Fevil.example%2Fx.png&w=1&q=1", "/_next/image?url=http://169.254.169.254/&w=64&q=75"),
        hostileString.filter((s) => s.length < 300).map((s) => `/${pct(s)}`),
      ),
      queryString(["token", "view", "download", "_rsc", "executionId"]),
      fc.constantFrom<Record<string, string>>({}, { rsc: "1" }, { rsc: "1", "next-router-state-tree": "garbage" }, { "next-router-prefetch": "1", rsc: "1" }, { accept: "text/html" }, { "next-url": "/%ff" }),
    );
    for (const [p, q, headers] of fc.sample(page, { numRuns: RUNS.pages, seed: SEED + 7 })) {
      const target = `${p}${q.includes("token=") ? q : q}`;
      const what = `GET ${target.slice(0, 200)} ${JSON.stringify(headers)}`;
      try {
        const res = await rawRequest({ address: "127.0.0.1", port: app.port, path: target, headers: { host: `127.0.0.1:${app.port}`, cookie, ...headers } });
        note("pages", what, res.status, res.text);
      } catch (error) {
        counts.pages = (counts.pages ?? 0) + 1;
        problems.push({ surface: "pages", what, detail: `no answer: ${String(error)}` });
      }
    }
    expect(problemsOf("pages")).toEqual([]);
    await expectAlive();
  });

  // ── afterwards ──────────────────────────────────────────────────────────────────────────────

  it("is still running, logged no internal errors, and the data stored before the barrage is intact", async () => {
    await expectAlive();
    const after = await snapshot();
    expect(after.tasks).toEqual(before.tasks);
    expect(after.profiles).toEqual(before.profiles);
    expect(after.settings).toEqual(before.settings);
    const listed = (await app.api("GET", "/api/internal/tasks")).body.data.map((t: { id: string }) => t.id);
    expect(listed).toEqual(expect.arrayContaining(protectedTasks));
    // Errors at level 50+ in the server's log are bugs that a 4xx answer may have hidden.
    const errors = app
      .stderr()
      .split("\n")
      .filter((line) => /"level":(50|60)/.test(line));
    expect(errors.slice(0, 10)).toEqual([]);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(3_000);
  });
});

/** A raw upgrade request; resolves with the status line (and headers) the server answered. */
function rawUpgrade(port: number, p: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      const lines = [`GET ${p} HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), "", ""];
      socket.write(lines.join("\r\n"));
    });
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (text.includes("\r\n\r\n")) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(text));
    socket.setTimeout(10_000, () => socket.destroy(new Error("no answer to the upgrade")));
  });
}

/** Writes junk lines to a fresh MCP server's stdin, then checks it still answers `initialize`. */
async function mcpSurvivesGarbage(app: AppProcess): Promise<boolean> {
  const child = spawn(process.execPath, [path.resolve(__dirname, "../../bin/ai-manager-mcp.mjs")], {
    cwd: os.tmpdir(),
    env: { ...process.env, AI_MANAGER_URL: app.baseURL, AI_MANAGER_INTERNAL_TOKEN: app.internalToken },
    stdio: ["pipe", "pipe", "pipe"],
  });
  try {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    for (const junk of ["not json", "{", '{"jsonrpc":"2.0"}', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tasks"}}', "\u0000\u00ff", "[]", '{"jsonrpc":"2.0","id":{},"method":5}', ...EDGE_STRINGS.slice(0, 10)]) {
      child.stdin.write(`${junk.replace(/\n/g, " ")}\n`);
    }
    child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 42, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } } })}\n`);
    await until(() => out.includes('"id":42') || child.exitCode !== null, 15_000, "the MCP server to answer initialize");
    return child.exitCode === null && /"id":42,"result"|"result":\{[^\n]*"id":42/.test(out.replace(/\s/g, ""));
  } finally {
    child.kill("SIGKILL");
  }
}
