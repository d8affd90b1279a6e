import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAllAppProcesses, startApp, until, type AppProcess } from "../helpers/app-process";
import { createNetns, type NetnsClient, type ProbeRequest } from "../helpers/netns";
import { parseFlightResult, serverActions } from "../helpers/server-actions";

/**
 * Remote access (docs/security.md, "Reaching it from another device") on real server processes,
 * probed from another address: a network namespace this file creates, joined by a veth pair.
 * Everything a phone on the LAN would do — sign in, open pages, call actions, open WebSockets,
 * guess tokens — is done from inside the namespace; the internal API and callbacks are checked
 * to stay loopback-only. Without root or iproute2 the namespace part is skipped with the reason
 * printed (issue 16 allows exactly that); the start-up refusals need no namespace and always run.
 */

const SESSION = /aim_session=([A-Za-z0-9_-]+)/;
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

const created = createNetns();
if (!created.ok) console.warn(`[remote-access] skipping the network-namespace tests: ${created.reason}`);
const netns = created.ok ? created.netns : undefined;

describe("start-up refusals on a non-loopback address", () => {
  afterAll(() => killAllAppProcesses());

  it.each(["0.0.0.0", "::", "192.0.2.10"])("refuses AI_MANAGER_AUTH=none with HOST=%s, with a message and a non-zero exit", async (host) => {
    const failure = await startApp({ host, auth: "none" }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/exited before it was ready \(code 1,/);
    expect(failure).toContain('AI_MANAGER_AUTH="none" with HOST=');
    expect(failure).toContain("sign-in stays on");
  });

  it("refuses half a TLS configuration, an unreadable file and a file that is not PEM", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-tls-bad-"));
    const notPem = path.join(dir, "cert.pem");
    fs.writeFileSync(notPem, "hello\n");
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ AI_MANAGER_TLS_CERT: notPem }, /AI_MANAGER_TLS_KEY is not set: HTTPS needs both/],
      [{ AI_MANAGER_TLS_CERT: path.join(dir, "missing.pem"), AI_MANAGER_TLS_KEY: notPem }, /AI_MANAGER_TLS_CERT=".*missing\.pem": cannot read the file \(ENOENT\)/],
      [{ AI_MANAGER_TLS_CERT: notPem, AI_MANAGER_TLS_KEY: notPem }, /AI_MANAGER_TLS_CERT=".*cert\.pem": not a certificate in PEM format/],
    ];
    try {
      for (const [env, message] of cases) {
        const failure = await startApp({ env }).then(
          () => undefined,
          (error: Error) => error.message,
        );
        expect(failure, JSON.stringify(env)).toMatch(/exited before it was ready \(code 1,/);
        expect(failure).toMatch(message);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!netns)("from another address (a network namespace)", () => {
  const ns = netns!;
  let client: NetnsClient;

  beforeAll(() => {
    client = ns.client();
  });
  afterAll(() => {
    killAllAppProcesses();
    ns.cleanup();
  });

  /** A sign-in from inside the namespace; returns the cookie pair and the raw Set-Cookie. */
  async function signIn(origin: string, token: string, extra: Partial<ProbeRequest> = {}) {
    const res = await client.http({ url: `${origin}/login?token=${encodeURIComponent(token)}`, headers: { "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1" }, ...extra });
    expect(res.status, res.body).toBe(303);
    const setCookie = String(res.headers["set-cookie"]);
    const secret = SESSION.exec(setCookie)![1]!;
    return { cookie: `aim_session=${secret}`, secret, setCookie };
  }

  /** A server action called the way the browser does, from inside the namespace. */
  async function action(origin: string, name: string, args: unknown[], cookie: string, extra: Partial<ProbeRequest> = {}) {
    const info = serverActions().get(name)!;
    const res = await client.http({
      url: `${origin}${info.pages[0]}`,
      method: "POST",
      headers: { "next-action": info.id, accept: "text/x-component", "content-type": "text/plain;charset=UTF-8", origin, cookie },
      body: JSON.stringify(args),
      ...extra,
    });
    return { status: res.status, body: res.body, ...parseFlightResult(res.body) };
  }

  describe("plain HTTP, bound to the host side's LAN address", () => {
    let app: AppProcess;
    let origin: string;

    beforeAll(async () => {
      app = await startApp({ host: ns.hostAddress });
      origin = `http://${ns.hostAddress}:${app.port}`;
      expect(app.printedOrigin).toBe(origin);
    });
    afterAll(async () => {
      await app?.dispose();
    });

    it("prints the sign-in URL for other devices with a QR code", async () => {
      // The terminal renderer draws with half blocks; the code follows the ready line.
      const out = await until(() => (/[▀▄█]{10}/.test(app.stdout()) ? app.stdout() : undefined), 10_000, "the QR code");
      expect(out).toContain("From another device on your network, open");
      expect(out).toContain(`${origin}/?token=${app.accessToken}`);
    });

    it("requires sign-in for pages, actions and WebSockets", async () => {
      for (const page of ["/", "/settings", "/missions"]) {
        const res = await client.http({ url: `${origin}${page}`, headers: { accept: "text/html" } });
        expect(res.status, page).toBe(401);
        expect(res.body).toContain("AI Manager needs its access token");
      }
      const noCookie = await action(origin, "revokeDevice", [{ deviceId: "0123456789abcdef" }], "");
      expect(noCookie.status).toBe(401);
      const forged = await action(origin, "revokeDevice", [{ deviceId: "0123456789abcdef" }], `aim_session=${"A".repeat(43)}`);
      expect(forged.status).toBe(401);
      expect(await client.ws("anon", { url: `ws://${ns.hostAddress}:${app.port}/ws/events`, origin })).toEqual({ kind: "refused", status: 401 });
      // The public pieces stay public.
      expect((await client.http({ url: `${origin}/api/health` })).status).toBe(200);
    });

    it("signs a device in: HttpOnly, SameSite=Strict, no Secure over plain HTTP; pages, Settings and WebSockets then work", async () => {
      const { cookie, setCookie } = await signIn(origin, app.accessToken!);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      expect(setCookie).not.toMatch(/Secure/);
      const home = await client.http({ url: `${origin}/`, headers: { cookie, accept: "text/html" } });
      expect(home.status).toBe(200);
      const settings = await client.http({ url: `${origin}/settings`, headers: { cookie, accept: "text/html" } });
      expect(settings.status).toBe(200);
      expect(settings.body).toContain("Signed-in devices");
      expect(settings.body).toContain("This device");
      expect(settings.body).toContain('data-testid="sign-in-qr"');
      expect(settings.body).toMatch(/<svg[^>]*>/);
      expect(settings.body).toContain(`${origin}/?token=`);
      expect(settings.body).toContain("iOS");
      const ws = await client.ws("signed-in", { url: `ws://${ns.hostAddress}:${app.port}/ws/events`, origin, headers: { cookie } });
      expect(ws).toEqual({ kind: "open" });
      // A page on another site cannot use the cookie's socket.
      expect(await client.ws("foreign", { url: `ws://${ns.hostAddress}:${app.port}/ws/events`, origin: "http://evil.example", headers: { cookie } })).toEqual({ kind: "refused", status: 403 });
      // The device file holds the hash of the cookie's secret, never the secret; mode 0600.
      const file = path.join(app.dataDir, "devices.json");
      const text = fs.readFileSync(file, "utf8");
      expect(text).not.toContain(SESSION.exec(cookie)![1]!);
      expect(text).toContain(sha256(SESSION.exec(cookie)![1]!));
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    });

    it("revokes one device: its pages, actions and open WebSockets are refused, the other device keeps working", async () => {
      const a = await signIn(origin, app.accessToken!);
      const b = await signIn(origin, app.accessToken!);
      const wsUrl = `ws://${ns.hostAddress}:${app.port}/ws/events`;
      expect(await client.ws("a-events", { url: wsUrl, origin, headers: { cookie: a.cookie } })).toEqual({ kind: "open" });
      expect(await client.ws("b-events", { url: wsUrl, origin, headers: { cookie: b.cookie } })).toEqual({ kind: "open" });
      const devices = JSON.parse(fs.readFileSync(path.join(app.dataDir, "devices.json"), "utf8")) as { devices: Array<{ id: string; secretHash: string }> };
      const aId = devices.devices.find((d) => d.secretHash === sha256(a.secret))!.id;

      // Bad input is named, not crashed on.
      const bad = await action(origin, "revokeDevice", [{ deviceId: "../../x" }], b.cookie);
      expect(bad.result).toMatchObject({ ok: false, code: "bad_request:device" });
      expect(bad.result.message).toMatch(/deviceId/);
      const revoked = await action(origin, "revokeDevice", [{ deviceId: aId }], b.cookie);
      expect(revoked.result).toEqual({ ok: true });

      await client.closed("a-events");
      expect((await client.http({ url: `${origin}/`, headers: { cookie: a.cookie, accept: "text/html" } })).status).toBe(401);
      expect((await action(origin, "revokeDevice", [{ deviceId: aId }], a.cookie)).status).toBe(401);
      expect(await client.ws("a-again", { url: wsUrl, origin, headers: { cookie: a.cookie } })).toEqual({ kind: "refused", status: 401 });
      // B is untouched.
      expect((await client.http({ url: `${origin}/`, headers: { cookie: b.cookie, accept: "text/html" } })).status).toBe(200);
      expect(await client.isOpen("b-events")).toBe(true);
      const again = await action(origin, "revokeDevice", [{ deviceId: aId }], b.cookie);
      expect(again.result).toMatchObject({ ok: false, code: "not_found:device" });
    });

    it("keeps the internal API loopback-only: refused from the namespace, served on 127.0.0.1", async () => {
      const headers = { authorization: `Bearer ${app.internalToken}`, host: `${ns.hostAddress}:${app.port}` };
      const fromNs = await client.http({ url: `${origin}/api/internal/tasks`, headers });
      expect(fromNs.status).toBe(403);
      expect(fromNs.json).toMatchObject({ success: false, error: { code: "forbidden:address" } });
      const callback = await client.http({ url: `${origin}/api/callback/exec_1/secret`, method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(callback.status).toBe(403);
      // A server on one LAN address cannot be reached over loopback: the loopback-only listener
      // (same port) serves agents, and only the API.
      const local = await fetch(`http://127.0.0.1:${app.port}/api/internal/tasks`, { headers: { authorization: `Bearer ${app.internalToken}` } });
      expect(local.status).toBe(200);
      const page = await fetch(`http://127.0.0.1:${app.port}/`);
      expect(page.status).toBe(404);
      expect(await page.json()).toMatchObject({ ok: false, error: { code: "not_found:listener" } });
    });

    it("rate-limits wrong tokens per address: 429 with Retry-After, also for the right token; another address is unaffected", async () => {
      const [first, second] = ns.clientAddresses;
      for (let i = 0; i < 10; i++) {
        const res = await client.http({ url: `${origin}/login?token=wrong-${i}`, localAddress: first });
        expect(res.status, `attempt ${i + 1}`).toBe(401);
      }
      const limited = await client.http({ url: `${origin}/login?token=wrong-11`, localAddress: first, headers: { accept: "text/html" } });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
      expect(limited.body).toContain("Too many wrong tokens from this device");
      const rightButLimited = await client.http({ url: `${origin}/?token=${app.accessToken}`, localAddress: first });
      expect(rightButLimited.status).toBe(429);
      expect(String(rightButLimited.headers["set-cookie"] ?? "")).toBe("");
      await signIn(origin, app.accessToken!, { localAddress: second });
      expect(app.allStdout() + app.allStderr()).not.toContain("wrong-11");
    });
  });

  describe("HTTPS on 0.0.0.0 with a self-signed certificate", () => {
    let app: AppProcess;
    let origin: string;
    let ca: string;
    let internalOrigin: string;
    let dir: string | undefined;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-tls-"));
      const cert = path.join(dir, "cert.pem");
      const key = path.join(dir, "key.pem");
      execFileSync("openssl", [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
        "-subj", "/CN=ai-manager-test", "-addext", `subjectAltName=IP:${ns.hostAddress},IP:127.0.0.1`,
      ], { stdio: "ignore" });
      ca = fs.readFileSync(cert, "utf8");
      app = await startApp({ host: "0.0.0.0", env: { AI_MANAGER_TLS_CERT: cert, AI_MANAGER_TLS_KEY: key } });
      origin = `https://${ns.hostAddress}:${app.port}`;
      expect(app.printedOrigin).toBe(`https://0.0.0.0:${app.port}`);
      internalOrigin = /reach it at (http:\/\/127\.0\.0\.1:\d+) \(loopback only\)/.exec(app.stdout())![1]!;
    });
    afterAll(async () => {
      await app?.dispose();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("serves HTTPS to the namespace, with the Secure flag on the device cookie", async () => {
      // The remote sign-in lines follow the ready line and may reach this process in a later chunk.
      await until(() => app.stdout().includes(`${origin}/?token=`), 10_000, "the sign-in URL for other devices");
      const refused = await client.http({ url: `${origin}/`, ca, headers: { accept: "text/html" } });
      expect(refused.status).toBe(401);
      const { cookie, setCookie } = await signIn(origin, app.accessToken!, { ca });
      expect(setCookie).toMatch(/; Secure/);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      expect((await client.http({ url: `${origin}/settings`, ca, headers: { cookie, accept: "text/html" } })).status).toBe(200);
      // wss with the server's own https origin; an http origin of the same host is another origin.
      expect(await client.ws("tls-events", { url: `wss://${ns.hostAddress}:${app.port}/ws/events`, ca, origin, headers: { cookie } })).toEqual({ kind: "open" });
      expect(await client.ws("tls-http-origin", { url: `wss://${ns.hostAddress}:${app.port}/ws/events`, ca, origin: `http://${ns.hostAddress}:${app.port}`, headers: { cookie } })).toEqual({ kind: "refused", status: 403 });
      expect(await client.ws("tls-anon", { url: `wss://${ns.hostAddress}:${app.port}/ws/events`, ca, origin })).toEqual({ kind: "refused", status: 401 });
      // A server action with the https origin passes Next's and our Origin checks.
      const bad = await action(origin, "revokeDevice", [{ deviceId: "0123456789abcdef" }], cookie, { ca });
      expect(bad.result).toMatchObject({ ok: false, code: "not_found:device" });
    });

    it("keeps agents on a loopback-only plain-HTTP listener: callbacks work, the namespace is refused", async () => {
      const token = app.internalToken;
      const api = async (method: string, p: string, body?: unknown) => {
        const res = await fetch(`${internalOrigin}${p}`, {
          method,
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as any };
      };
      const { cookie } = await signIn(origin, app.accessToken!, { ca });
      const profile = await action(origin, "createProfile", [{ name: "script", kind: "custom", command: "/bin/bash", args: JSON.stringify(["-c", "{prompt}"]), env: "", promptDelivery: "args" }], cookie, { ca });
      expect(profile.result, profile.body.slice(0, 300)).toMatchObject({ ok: true });
      const script = `echo "CB=$CALLBACK_URL"; curl -s -o /dev/null -w 'CALLBACK-STATUS=%{http_code}\\n' -X POST "$CALLBACK_URL" -H 'content-type: application/json' -d '{"status":"review","message":"from the task"}'; exec sleep 600`;
      const task = await api("POST", "/api/internal/tasks", { title: "tls callback", cwd: os.tmpdir(), profile: "script", prompt: script });
      expect(task.status).toBe(201);
      const taskId = task.body.data.id as string;
      expect((await api("POST", `/api/internal/terminal/${taskId}/start`, {})).status).toBe(201);
      const read = await api("GET", `/api/internal/terminal/${taskId}/buffer?since=0&waitFor=pattern&pattern=${encodeURIComponent("CALLBACK-STATUS=\\d+")}&timeoutMs=20000`);
      expect(read.body.data.output).toContain("CALLBACK-STATUS=200");
      const callbackUrl = new URL(/CB=(\S+)/.exec(read.body.data.output)![1]!);
      expect(callbackUrl.origin).toBe(internalOrigin);
      await until(async () => (await api("GET", `/api/internal/tasks/${taskId}`)).body.data.status === "review", 10_000, "the task in review");

      // The same calls from the namespace, over the public HTTPS address: refused by address.
      const fromNs = await client.http({ url: `${origin}/api/internal/tasks`, ca, headers: { authorization: `Bearer ${token}` } });
      expect(fromNs.status).toBe(403);
      expect(fromNs.json).toMatchObject({ error: { code: "forbidden:address" } });
      const cbFromNs = await client.http({ url: `${origin}${callbackUrl.pathname}`, ca, method: "POST", headers: { "content-type": "application/json" }, body: '{"status":"done"}' });
      expect(cbFromNs.status).toBe(403);
      // The loopback listener is not on the namespace's side at all.
      const internalPort = new URL(internalOrigin).port;
      await expect(client.http({ url: `http://${ns.hostAddress}:${internalPort}/api/internal/tasks`, headers: { authorization: `Bearer ${token}` } })).rejects.toThrow(/ECONNREFUSED/);
      await api("POST", `/api/internal/terminal/${taskId}/stop`, { signal: "SIGKILL" });
    });
  });
});
