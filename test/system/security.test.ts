import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardRequest } from "../../server/internal-api/guard";
import { killAllAppProcesses, startApp, type AppProcess } from "../helpers/app-process";
import { rawRequest, type RawResponse } from "../helpers/raw-http";
import { callAction, createScriptProfile, serverActions } from "../helpers/server-actions";
import { closed, connect, nextMessage } from "../helpers/ws-client";

/**
 * The security model (docs/security.md) against real server processes: the app under test listens
 * on 0.0.0.0 (the exposed case) with every log line on (LOG_LEVEL=trace), and a second server
 * supplies "another server's token". The last test reads everything the app logged during the
 * file and looks for every secret it handled.
 */

/** This machine's own non-loopback IPv4 address, if it has one. */
function nonLoopbackAddress(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === "IPv4" && !a.internal && !a.address.startsWith("127.")) return a.address;
  }
  return undefined;
}

const LAN = nonLoopbackAddress();

function expectRefusal(res: RawResponse, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body, res.text).toMatchObject({ success: false, error: { code } });
  expect(res.text).not.toMatch(/\n\s+at |node:internal|\/work\//);
}

describe("security, on real server processes", () => {
  let app: AppProcess;
  let other: AppProcess;
  /** Every callback secret the app handed out during this file. */
  const callbackSecrets: string[] = [];
  let cookie: string;

  const request = (options: { path: string; method?: string; headers?: Record<string, string>; body?: string; address?: string }) =>
    rawRequest({ address: options.address ?? "127.0.0.1", port: app.port, method: options.method, path: options.path, headers: options.headers, body: options.body });
  const own = () => ({ host: `127.0.0.1:${app.port}`, authorization: `Bearer ${app.internalToken}` });

  /** Starts a task that prints its CALLBACK_URL, reports through it with curl, and stays up. */
  async function runWithCallback(title: string): Promise<{ taskId: string; executionId: string; url: URL }> {
    const script = `echo "CB=$CALLBACK_URL"; curl -s -o /dev/null -w 'CALLBACK-STATUS=%{http_code}\\n' -X POST "$CALLBACK_URL" -H 'content-type: application/json' -d '{"status":"review","message":"tests pass"}'; exec sleep 600`;
    const created = await app.api("POST", "/api/internal/tasks", { title, cwd: os.tmpdir(), profile: "script", prompt: script });
    expect(created.status, created.text).toBe(201);
    const taskId = created.body.data.id as string;
    const started = await app.api("POST", `/api/internal/terminal/${taskId}/start`, {});
    expect(started.status, started.text).toBe(201);
    const read = await app.api("GET", `/api/internal/terminal/${taskId}/buffer?since=0&waitFor=pattern&pattern=${encodeURIComponent("CALLBACK-STATUS=\\d+")}&timeoutMs=20000`);
    expect(read.body.data.wait, read.text).toMatchObject({ satisfied: true });
    expect(read.body.data.output).toContain("CALLBACK-STATUS=200");
    const url = new URL(/CB=(\S+)/.exec(read.body.data.output)![1]!);
    callbackSecrets.push(url.pathname.split("/")[4]!);
    return { taskId, executionId: started.body.data.id, url };
  }

  beforeAll(async () => {
    [app, other] = await Promise.all([startApp({ host: "0.0.0.0", logLevel: "trace" }), startApp()]);
    cookie = await app.sessionCookie();
    await createScriptProfile(app);
  });

  afterAll(async () => {
    await Promise.all([app?.dispose(), other?.dispose()]);
    killAllAppProcesses();
  });

  if (LAN) {
    it(`refuses the internal API and the callback URL over a non-loopback socket (${LAN}), whatever the headers claim`, async () => {
      const run = await runWithCallback("lan callback");
      const fromLan = (pathAndQuery: string, method = "GET", extra: Record<string, string> = {}) =>
        request({ address: LAN, path: pathAndQuery, method, headers: { ...own(), "x-forwarded-for": "127.0.0.1", "x-real-ip": "127.0.0.1", forwarded: "for=127.0.0.1", ...extra } });
      expectRefusal(await fromLan("/api/internal/tasks"), 403, "forbidden:address");
      expectRefusal(await fromLan(`/api/internal/terminal/${run.taskId}/status`), 403, "forbidden:address");
      expectRefusal(await fromLan(`/api/internal/terminal/${run.taskId}/input`, "POST", { "content-type": "application/json" }), 403, "forbidden:address");
      expectRefusal(
        await request({ address: LAN, path: run.url.pathname, method: "POST", headers: { host: run.url.host, "content-type": "application/json" }, body: '{"status":"done"}' }),
        403,
        "forbidden:address",
      );
      // The same requests over loopback pass: it was the address.
      expect((await request({ path: "/api/internal/tasks", headers: own() })).status).toBe(200);
      const task = await app.api("GET", `/api/internal/tasks/${run.taskId}`);
      expect(task.body.data.status).toBe("review");
      // Pages and sockets through that address are for signed-in devices (HOST=0.0.0.0 is the
      // exposed case): without the cookie a terminal WebSocket is refused, with it it opens.
      const anonymous = await connect(`ws://${LAN}:${app.port}/ws/terminals/${run.taskId}`, { origin: `http://${LAN}:${app.port}` });
      expect(anonymous).toMatchObject({ kind: "refused", status: 401 });
      const ws = await connect(`ws://${LAN}:${app.port}/ws/terminals/${run.taskId}`, { origin: `http://${LAN}:${app.port}`, cookie });
      expect(ws.kind).toBe("open");
      if (ws.kind === "open") {
        ws.ws.close();
        await closed(ws.ws);
      }
      await app.api("POST", `/api/internal/terminal/${run.taskId}/stop`, { signal: "SIGKILL" });
    });
  } else {
    it("refuses a non-loopback peer — no non-loopback interface on this machine, so checked at the guard unit level", () => {
      const hosts = new Set(["127.0.0.1:3000"]);
      for (const remoteAddress of ["192.0.2.2", "10.0.0.5", "::ffff:192.0.2.2", "fe80::1", undefined]) {
        const verdict = guardRequest({ remoteAddress, headers: { host: "127.0.0.1:3000", authorization: "Bearer t", "x-forwarded-for": "127.0.0.1" }, expectedHosts: hosts, token: "t" });
        expect(verdict).toMatchObject({ ok: false, status: 403, code: "forbidden:address" });
      }
    });
  }

  it("refuses a Host that is not this server (DNS rebinding) on the API, the callback URL and WebSockets", async () => {
    const run = await runWithCallback("host check");
    for (const host of ["evil.example", `evil.example:${app.port}`, `127.0.0.1:${app.port + 1}`, `localhost.evil.example:${app.port}`, `127.0.0.1.nip.io:${app.port}`, ""]) {
      expectRefusal(await request({ path: "/api/internal/tasks", headers: { ...own(), host } }), 403, "forbidden:host");
      expectRefusal(
        await request({ path: run.url.pathname, method: "POST", headers: { host, "content-type": "application/json" }, body: '{"status":"done"}' }),
        403,
        "forbidden:host",
      );
      if (host) {
        const ws = await connect(`ws://127.0.0.1:${app.port}/ws/terminals/${run.taskId}`, { host, origin: `http://${host}`, cookie });
        expect(ws, host).toMatchObject({ kind: "refused", status: 403 });
      }
    }
    // The loopback names with the right port pass.
    for (const host of [`127.0.0.1:${app.port}`, `localhost:${app.port}`, `LOCALHOST:${app.port}`]) {
      expect((await request({ path: "/api/internal/tasks", headers: { ...own(), host } })).status, host).toBe(200);
    }
    // The other server (default HOST=127.0.0.1) does the same.
    expectRefusal(
      await rawRequest({ address: "127.0.0.1", port: other.port, path: "/api/internal/tasks", headers: { host: `evil.example:${other.port}`, authorization: `Bearer ${other.internalToken}` } }),
      403,
      "forbidden:host",
    );
    await app.api("POST", `/api/internal/terminal/${run.taskId}/stop`, { signal: "SIGKILL" });
  });

  it("refuses a missing or wrong bearer token, the other server's token, and the people's access token", async () => {
    const host = `127.0.0.1:${app.port}`;
    const attempts: Record<string, string | undefined> = {
      missing: undefined,
      empty: "Bearer ",
      wrong: "Bearer not-the-token",
      "other server's": `Bearer ${other.internalToken}`,
      "access token": `Bearer ${app.accessToken}`,
      "token with a suffix": `Bearer ${app.internalToken}x`,
      "token prefix": `Bearer ${app.internalToken.slice(0, -1)}`,
      basic: `Basic ${Buffer.from(`x:${app.internalToken}`).toString("base64")}`,
      "token without scheme": app.internalToken,
    };
    for (const [what, authorization] of Object.entries(attempts)) {
      const headers: Record<string, string> = { host };
      if (authorization !== undefined) headers.authorization = authorization;
      for (const [method, p] of [
        ["GET", "/api/internal/tasks"],
        ["POST", "/api/internal/tasks"],
        ["GET", "/api/internal/terminal/some-task/status"],
        ["GET", "/api/internal/no-such-route"],
      ] as const) {
        const res = await request({ path: p, method, headers });
        expectRefusal(res, 401, "unauthorized:token");
        expect(res.headers["www-authenticate"], what).toBe("Bearer");
      }
    }
    // Each token works only where it belongs.
    expect((await request({ path: "/api/internal/tasks", headers: own() })).status).toBe(200);
    expectRefusal(
      await rawRequest({ address: "127.0.0.1", port: other.port, path: "/api/internal/tasks", headers: { host: `127.0.0.1:${other.port}`, authorization: `Bearer ${app.internalToken}` } }),
      401,
      "unauthorized:token",
    );
    const internalAsLogin = await fetch(`${app.baseURL}/?token=${encodeURIComponent(app.internalToken)}`, { redirect: "manual" });
    expect(internalAsLogin.status).toBe(401);
    expect(internalAsLogin.headers.get("set-cookie")).toBeNull();
    const otherLogin = await fetch(`${app.baseURL}/?token=${encodeURIComponent(other.accessToken!)}`, { redirect: "manual" });
    expect(otherLogin.status).toBe(401);
  });

  it("a run's callback secret acts on its own execution only; wrong, foreign and unknown URLs all get the same 404", async () => {
    const a = await runWithCallback("callback a");
    const b = await runWithCallback("callback b");
    const post = (url: string, status = "failed") =>
      request({ path: url, method: "POST", headers: { host: `127.0.0.1:${app.port}`, "content-type": "application/json" }, body: JSON.stringify({ status, message: "forged" }) });
    const [, , , aId, aSecret] = a.url.pathname.split("/");
    const [, , , bId, bSecret] = b.url.pathname.split("/");
    const forged = [
      `/api/callback/${aId}/${bSecret}`,
      `/api/callback/${bId}/${aSecret}`,
      `/api/callback/${aId}/${aSecret}x`,
      `/api/callback/${aId}/${aSecret!.slice(0, -1)}`,
      `/api/callback/00000000-0000-0000-0000-000000000000/${aSecret}`,
      `/api/callback/${aId!.toUpperCase()}/${aSecret}`,
    ];
    const answers = new Set<string>();
    for (const url of forged) {
      const res = await post(url);
      expectRefusal(res, 404, "not_found:callback");
      answers.add(res.text);
    }
    // One answer for every wrong id or secret: nothing tells which part was wrong.
    expect(answers.size).toBe(1);
    // An encoded control character never reaches the secret check: the path itself is refused.
    expectRefusal(await post(`/api/callback/${aId}/${encodeURIComponent(`${aSecret}\u0000`)}`), 400, "bad_request:path");
    for (const url of [`/api/callback/${aId}/`, `/api/callback/${aId}`, `/api/callback/${aId}/${aSecret}/extra`]) {
      expectRefusal(await post(url), 404, "not_found:callback");
    }
    // The bearer token is not a callback credential either.
    expectRefusal(
      await request({ path: `/api/callback/${aId}/${app.internalToken}`, method: "POST", headers: { ...own(), "content-type": "application/json" }, body: '{"status":"done"}' }),
      404,
      "not_found:callback",
    );
    for (const run of [a, b]) {
      const task = await app.api("GET", `/api/internal/tasks/${run.taskId}`);
      expect(task.body.data).toMatchObject({ status: "review", statusMessage: "tests pass" });
    }
    // The right URL still works.
    const ok = await post(a.url.pathname, "done");
    expect(ok.status, ok.text).toBe(200);
    expect((await app.api("GET", `/api/internal/tasks/${a.taskId}`)).body.data.status).toBe("done");
    expect((await app.api("GET", `/api/internal/tasks/${b.taskId}`)).body.data.status).toBe("review");
    for (const run of [a, b]) await app.api("POST", `/api/internal/terminal/${run.taskId}/stop`, { signal: "SIGKILL" });
  });

  it("refuses cross-origin WebSocket upgrades with 403, cookie or not", async () => {
    const run = await runWithCallback("ws origin");
    const base = `ws://127.0.0.1:${app.port}`;
    for (const path of [`/ws/terminals/${run.taskId}`, "/ws/events"]) {
      for (const origin of ["http://evil.example", `http://evil.example:${app.port}`, `http://127.0.0.1:${app.port + 1}`, `https://127.0.0.1:${app.port}`, "null", "file://", undefined]) {
        const outcome = await connect(`${base}${path}`, { origin, cookie });
        expect(outcome, `${path} from ${origin}`).toMatchObject({ kind: "refused", status: 403 });
      }
      const allowed = await connect(`${base}${path}`, { origin: app.baseURL, cookie });
      expect(allowed.kind, path).toBe("open");
      if (allowed.kind === "open") {
        await nextMessage(allowed.messages, allowed.ws, (m) => m.json?.type === "hello");
        allowed.ws.close();
      }
    }
    await app.api("POST", `/api/internal/terminal/${run.taskId}/stop`, { signal: "SIGKILL" });
  });

  it("pages, server actions, recordings and WebSockets need the session cookie; the login URL gives it", async () => {
    const run = await runWithCallback("cookie check");
    const html = { accept: "text/html,application/xhtml+xml" };
    for (const p of ["/", "/settings", "/missions", `/tasks/${run.taskId}`, "/tasks/unknown"]) {
      for (const badCookie of [undefined, "aim_session=forged", `aim_session=${cookie.split("=")[1]}x`, `other=${cookie.split("=")[1]}`]) {
        const res = await fetch(`${app.baseURL}${p}`, { headers: { ...html, ...(badCookie ? { cookie: badCookie } : {}) }, redirect: "manual" });
        expect(res.status, `${p} with ${badCookie}`).toBe(401);
        const text = await res.text();
        expect(text).toContain("AI Manager needs its access token");
        expect(text).not.toContain("cookie check");
      }
      const signedIn = await fetch(`${app.baseURL}${p}`, { headers: { ...html, cookie }, redirect: "manual" });
      expect([200, 404], p).toContain(signedIn.status);
    }
    // JSON callers get a JSON 401.
    const recording = await fetch(`${app.baseURL}/api/executions/${run.executionId}/recording`);
    expect(recording.status).toBe(401);
    expect(await recording.json()).toMatchObject({ ok: false, error: { code: "unauthorized:session" } });
    expect((await fetch(`${app.baseURL}/api/executions/${run.executionId}/recording`, { headers: { cookie } })).status).toBe(200);
    // A server action without the cookie does nothing.
    const before = (await app.api("GET", "/api/internal/tasks")).body.data.length;
    const action = await callAction(app, "createTask", [{ title: "no cookie", cwd: os.tmpdir() }], { cookie: null });
    expect(action.status).toBe(401);
    expect((await app.api("GET", "/api/internal/tasks")).body.data.length).toBe(before);
    // WebSockets without the cookie: 401, with it: open.
    for (const path of [`/ws/terminals/${run.taskId}`, "/ws/events"]) {
      const refused = await connect(`ws://127.0.0.1:${app.port}${path}`, { origin: app.baseURL });
      expect(refused, path).toMatchObject({ kind: "refused", status: 401 });
      const forged = await connect(`ws://127.0.0.1:${app.port}${path}`, { origin: app.baseURL, cookie: "aim_session=forged" });
      expect(forged, path).toMatchObject({ kind: "refused", status: 401 });
    }
    // The login URL: a wrong token gets the sign-in page again; the right one a strict, HttpOnly cookie.
    const wrong = await fetch(`${app.baseURL}/?token=wrong-token`, { redirect: "manual" });
    expect(wrong.status).toBe(401);
    const login = await fetch(app.loginURL!, { redirect: "manual" });
    expect(login.status).toBe(303);
    expect(login.headers.get("location")).toBe("/");
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^aim_session=[A-Za-z0-9_-]+; /);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/");
    const terminal = await connect(`ws://127.0.0.1:${app.port}/ws/terminals/${run.taskId}`, { origin: app.baseURL, cookie: setCookie.split(";")[0] });
    expect(terminal.kind).toBe("open");
    if (terminal.kind === "open") {
      const hello = await nextMessage(terminal.messages, terminal.ws, (m) => m.json?.type === "hello");
      expect(hello.json.state.taskId).toBe(run.taskId);
      terminal.ws.close();
      await closed(terminal.ws);
    }
    await app.api("POST", `/api/internal/terminal/${run.taskId}/stop`, { signal: "SIGKILL" });
  });

  it("a page on another site cannot lock the user out: ?token= on a sub-resource does nothing, its wrong tokens do not count", async () => {
    // What a browser sends for <img src="http://127.0.0.1:<port>/?token=…"> on another site, and
    // for navigations that site starts (a link, a window it opened and keeps navigating).
    const image = { "sec-fetch-dest": "image", "sec-fetch-mode": "no-cors", "sec-fetch-site": "cross-site" };
    const navigation = { "sec-fetch-dest": "document", "sec-fetch-mode": "navigate", "sec-fetch-site": "cross-site", accept: "text/html" };
    for (let i = 0; i < 15; i++) {
      for (const path of ["/", "/favicon.ico", "/login", "/settings"]) {
        const loaded = await fetch(`${app.baseURL}${path}?token=wrong-${i}`, { headers: image, redirect: "manual" });
        expect([200, 401, 404], `${path} as an image`).toContain(loaded.status);
        expect(loaded.headers.get("set-cookie"), path).toBeNull();
      }
      const navigated = await fetch(`${app.baseURL}/?token=wrong-${i}`, { headers: navigation, redirect: "manual" });
      expect(navigated.status, `cross-site navigation ${i + 1}`).toBe(401);
    }
    // Even the right token does not sign in a sub-resource load.
    const rightAsImage = await fetch(`${app.baseURL}/?token=${app.accessToken}`, { headers: image, redirect: "manual" });
    expect(rightAsImage.status).toBe(401);
    expect(rightAsImage.headers.get("set-cookie")).toBeNull();
    // The person who opens the login URL is signed in, not locked out.
    const person = { "sec-fetch-dest": "document", "sec-fetch-mode": "navigate", "sec-fetch-site": "none", accept: "text/html" };
    const login = await fetch(app.loginURL!, { headers: person, redirect: "manual" });
    expect(login.status, await login.text()).toBe(303);
    expect(login.headers.get("set-cookie")).toMatch(/^aim_session=/);
  });

  it("refuses a Next-Action header that is no action id before Next sees it (Next logged it whole)", async () => {
    const id = `junk${"x".repeat(10_000)}`;
    const res = await fetch(`${app.baseURL}/`, { method: "POST", headers: { cookie, "next-action": id, "content-type": "text/plain;charset=UTF-8", origin: app.baseURL }, body: "[]" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: "bad_request:action", message: "The Next-Action header is not a server action id." } });
    expect(app.allStdout() + app.allStderr()).not.toContain("x".repeat(100));
  });

  it("refuses an action id of no build, and an action posted to a page that does not use it, with a JSON 404 Next's client reads as not found", async () => {
    // Next answered the first with a 400 in text/plain and the second with a 200 `{}`: the action
    // not run, yet a success to whoever sent it.
    const createTask = serverActions().get("createTask")!;
    const input = { title: "misplaced action", cwd: os.tmpdir() };
    const titles = async () => ((await app.api("GET", "/api/internal/tasks")).body.data as Array<{ title: string }>).map((task) => task.title);
    const cases = [
      { id: "7f".repeat(21), page: "/", message: /another version of AI Manager/ },
      { id: createTask.id, page: "/search", message: /not used by the page at this path/ },
      { id: createTask.id, page: "/nope", message: /not used by the page at this path/ },
    ];
    for (const { id, page, message } of cases) {
      const res = await callAction(app, "createTask", [input], { actionId: id, page });
      expect(res.status, `${id} on ${page}: ${res.text}`).toBe(404);
      expect(res.contentType).toMatch(/^application\/json/);
      expect(JSON.parse(res.text)).toMatchObject({ ok: false, error: { code: "not_found:action", message: expect.stringMatching(message) } });
    }
    const raw = await fetch(`${app.baseURL}/search`, { method: "POST", headers: { cookie, "next-action": createTask.id, "content-type": "text/plain;charset=UTF-8", origin: app.baseURL }, body: "[]" });
    expect(raw.headers.get("x-nextjs-action-not-found")).toBe("1");
    // Nothing ran; from a page that uses it the same call does.
    expect(await titles()).not.toContain(input.title);
    expect((await callAction(app, "createTask", [input])).result).toMatchObject({ ok: true });
    expect(await titles()).toContain(input.title);
  });

  it("answers an oversized or wrongly typed server action with its 4xx, never by cutting off the upload", async () => {
    // Refused before its body is read: the answer used to go out and the connection close while
    // the client still sent, and the client failed with EPIPE instead of reading the refusal.
    const action = serverActions().get("updateSettings")!;
    const body = JSON.stringify(["\u0000".repeat(250_000)]); // 1.5 MB as sent: over the 1 MB limit
    const cases = [
      { contentType: "text/plain;charset=UTF-8", status: 413, code: "payload_too_large:action" },
      { contentType: "application/json", status: 415, code: "unsupported_media_type:action" },
    ];
    for (const { contentType, status, code } of cases) {
      for (let i = 0; i < 10; i++) {
        const res = await rawRequest({
          address: "127.0.0.1",
          port: app.port,
          method: "POST",
          path: action.pages[0]!,
          headers: { host: `127.0.0.1:${app.port}`, cookie, origin: `http://127.0.0.1:${app.port}`, "next-action": action.id, "content-type": contentType },
          body,
        });
        expect(res.status, res.text).toBe(status);
        expect(res.body).toMatchObject({ ok: false, error: { code } });
      }
    }
  });

  it("keeps the data dir 0700 and the tokens, the database and the recordings 0600", () => {
    const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
    const dir = app.dataDir;
    expect(mode(dir)).toBe("700");
    expect(mode(path.join(dir, "recordings"))).toBe("700");
    for (const name of ["internal-token", "access-token", "ai-manager.db", "ai-manager.db-wal", "ai-manager.db-shm"]) {
      expect(mode(path.join(dir, name)), name).toBe("600");
    }
    const recordings = fs.readdirSync(path.join(dir, "recordings"));
    expect(recordings.length).toBeGreaterThanOrEqual(5);
    for (const name of recordings) expect(mode(path.join(dir, "recordings", name)), name).toBe("600");
    // Nothing in the data dir is readable by others.
    const walk = (p: string): string[] => (fs.statSync(p).isDirectory() ? [p, ...fs.readdirSync(p).flatMap((n) => walk(path.join(p, n)))] : [p]);
    for (const p of walk(dir)) expect(fs.statSync(p).mode & 0o077, p).toBe(0);
  });

  it("never logs a token, the session cookie or a callback secret (a whole session at LOG_LEVEL=trace)", async () => {
    // Everything above ran against `app`: logins, bad logins, API calls with and without the token,
    // refused requests carrying other servers' tokens, runs that used CALLBACK_URL with curl.
    expect(callbackSecrets.length).toBeGreaterThanOrEqual(5);
    // A clean shutdown flushes the log.
    expect(await app.stop()).toEqual({ code: 0, signal: null });
    const stderr = app.allStderr();
    expect(stderr.length).toBeGreaterThan(1000);
    expect(stderr).toContain("refused an internal request");
    const secrets: Record<string, string> = {
      "internal token": app.internalToken,
      "access token": app.accessToken!,
      "session cookie": cookie.split("=")[1]!,
      "other server's internal token": other.internalToken,
      "other server's access token": other.accessToken!,
      ...Object.fromEntries(callbackSecrets.map((secret, i) => [`callback secret ${i}`, secret])),
    };
    for (const [what, secret] of Object.entries(secrets)) {
      expect(secret.length, what).toBeGreaterThanOrEqual(24);
      expect(stderr.includes(secret), `${what} appears in the server's stderr`).toBe(false);
    }
    // stdout carries the login URL — once, plus once per LAN address for other devices (the app
    // listens on 0.0.0.0) — and nothing else secret.
    const stdout = app.allStdout();
    const remoteLines = stdout.split("\n").filter((line) => /^ {2}http:\/\/\S+\/\?token=/.test(line));
    expect(stdout.split(app.accessToken!).length - 1).toBe(1 + remoteLines.length);
    expect(stdout).toContain(`Sign in by opening: ${app.printedOrigin}/?token=${app.accessToken}`);
    for (const [what, secret] of Object.entries(secrets)) if (what !== "access token") expect(stdout.includes(secret), `${what} on stdout`).toBe(false);
  });
});
