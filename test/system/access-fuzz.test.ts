import os from "node:os";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAllAppProcesses, startApp, until, type AppProcess } from "../helpers/app-process";
import { httpRequestText, openDescriptors, rawExchange, upgradeRequestText, type RawExchange } from "../helpers/raw-socket";
import { callAction, createScriptProfile, serverActions } from "../helpers/server-actions";

/**
 * Every entry point against generated requests, on real server processes (issue 11): path
 * variants around every route and open prefix (dot segments in every spelling, encoded and
 * doubled separators, backslashes, `;`, trailing dots, look-alike dots, overlong paths), sent
 * byte for byte with and without the session cookie, with a foreign Host or Origin, as GET, as a
 * server-action POST and as a WebSocket upgrade. Without the cookie nothing protected may answer
 * 2xx or 101; nothing may answer 5xx; every upgrade is answered and closed.
 *
 * "Protected answered" is judged by what came back, not by the server's own classifier: the
 * answers are searched for canaries only a protected page, recording or action could hold.
 */

const CANARY = `canary${Math.random().toString(36).slice(2, 10)}`;
const TASK_TITLE = `${CANARY}-task-title`;
const PROFILE_NAME = `${CANARY}-profile`;
const RUN_OUTPUT = `${CANARY}-run-output`;
const ACTION_TITLE = `${CANARY}-action`;

/**
 * Spellings of `..` and `/` that some parser somewhere has resolved as the real thing. The plain
 * and singly-encoded ones, which Next itself resolves, are drawn most often.
 */
const DOT_DOT = fc.oneof(
  { weight: 6, arbitrary: fc.constant("..") },
  { weight: 4, arbitrary: fc.constantFrom(".%2e", "%2e.", "%2e%2e", "%2E%2E", "%2e%2E") },
  { weight: 3, arbitrary: fc.constantFrom("%252e%252e", ".%252e", "%c0%ae%c0%ae", "%ef%bc%8e%ef%bc%8e", "\uff0e\uff0e", "..;", "...", "..%00", "..%20", ". .", ".", "%2e") },
);
const SLASH = fc.oneof(
  { weight: 6, arbitrary: fc.constant("/") },
  { weight: 3, arbitrary: fc.constantFrom("%2f", "%2F", "\\", "%5c", "%5C", "//") },
  { weight: 2, arbitrary: fc.constantFrom("%252f", "%255c", "/./", "/%2e/", ";/", "%3b/", "/;x=1/", "%00/") },
);
const OPEN_PREFIXES = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("/_next/static/", "/_next/static/chunks/", "/api/callback/", "/api/internal/", "/login/", "/favicon.ico/") },
  { weight: 2, arbitrary: fc.constantFrom("/", "/_next/", "/_next/static/media/", "/api/health/", "/api/callback/x/y/", "/api/internal/terminal/x/", "/ws/", "//") },
);
/** The reproductions of issue 11, always sent, before the generated ones. */
const KNOWN = ["/_next/static/../../", "/_next/static/%2e%2e/%2e%2e/", "/api/callback/../../", "/api/internal/../../", "/login/../", "/favicon.ico/../", "/_next/static/..%2f..%2f", "/_next/static/..\\..\\"];

interface Targets {
  pages: string[];
  sockets: string[];
}

/** A route spelled the way a path-confused parser might still route it. */
function respell(route: string): fc.Arbitrary<string> {
  const bare = route.slice(1);
  return fc.constantFrom(
    bare,
    bare.toUpperCase(),
    `${bare}.`,
    `${bare}..`,
    `${bare}/`,
    `${bare}/.`,
    `${bare}%00`,
    `${bare};x`,
    `${bare}%20`,
    `${bare}%2f`,
    `${bare}?x=/../../settings`,
    `${bare}#/../`,
    bare.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`),
    bare.replace(/[a-z]/, (c) => `%25${c.charCodeAt(0).toString(16)}`),
    bare.replace(/\//g, "%2f"),
    bare.replace(/\//g, "\\"),
  );
}

function variants(routes: string[]): fc.Arbitrary<string> {
  const traversal = fc.array(fc.tuple(DOT_DOT, SLASH), { minLength: 1, maxLength: 4 }).map((parts) => parts.map(([dots, slash]) => `${dots}${slash}`).join(""));
  const ordinary = fc.tuple(OPEN_PREFIXES, traversal, fc.constantFrom(...routes).chain(respell)).map(([prefix, walk, route]) => `${prefix}${walk}${route}`);
  const overlong = fc.tuple(OPEN_PREFIXES, fc.integer({ min: 200, max: 3000 }), fc.constantFrom(...routes)).map(([prefix, n, route]) => `${prefix}${"a/".repeat(n)}${"../".repeat(n)}${route.slice(1)}`);
  return fc.oneof({ weight: 12, arbitrary: ordinary }, { weight: 1, arbitrary: overlong });
}

/** The known reproductions around every route, then `count` generated variants. */
function pathsAround(routes: string[], count: number): string[] {
  return [...KNOWN.flatMap((prefix) => routes.map((route) => `${prefix}${route.slice(1)}`)), ...fc.sample(variants(routes), count)];
}

/** Why this answer to a request without a valid session (or from a foreign site) is a breach, or undefined. */
function breach(answer: RawExchange, kind: "get" | "post" | "upgrade"): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}`;
  if (answer.status === 0) return "closed without an answer";
  if (kind === "upgrade") {
    if (answer.status === 101) return "upgraded to a WebSocket";
    if (!answer.closedByServer) return "left the refused upgrade open";
    return undefined;
  }
  // Whatever the status: a 404 page rendered in the app's layout once carried live task titles.
  if (answer.body.includes(CANARY)) return "answered with protected content (a canary)";
  if (answer.status < 200 || answer.status >= 300) return undefined;
  if (answer.body.includes("self.__next_f")) return "rendered an app page";
  if ((answer.headers["content-type"] ?? "").includes("asciicast")) return "served a recording";
  if ((answer.headers["content-type"] ?? "").includes("text/x-component")) return "ran a server action";
  return undefined;
}

/** Sends each request with at most `parallel` in flight; returns the breaches found. */
async function sweep(requests: Array<{ label: string; text: string; kind: "get" | "post" | "upgrade" }>, port: number, parallel = 6): Promise<string[]> {
  const found: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++]!;
      let answer: RawExchange;
      try {
        answer = await rawExchange(port, request.text, { timeoutMs: 30_000 });
      } catch (error) {
        found.push(`${request.label}: ${(error as Error).message}`);
        continue;
      }
      const why = breach(answer, request.kind);
      if (why) found.push(`${request.label}: ${why} (status ${answer.status})`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return found;
}

describe("access against generated requests, on real server processes", () => {
  let app: AppProcess;
  let open: AppProcess;
  let cookie: string;
  let targets: Targets;
  let createTaskId: string;

  async function seed(server: AppProcess): Promise<Targets> {
    await createScriptProfile(server, PROFILE_NAME);
    const created = await server.api("POST", "/api/internal/tasks", { title: TASK_TITLE, cwd: os.tmpdir(), profile: PROFILE_NAME, prompt: `echo ${RUN_OUTPUT}; exec sleep 600` });
    expect(created.status, created.text).toBe(201);
    const taskId = created.body.data.id as string;
    const started = await server.api("POST", `/api/internal/terminal/${taskId}/start`, {});
    expect(started.status, started.text).toBe(201);
    const executionId = started.body.data.id as string;
    const printed = await server.api("GET", `/api/internal/terminal/${taskId}/buffer?since=0&waitFor=pattern&pattern=${RUN_OUTPUT}&timeoutMs=20000`);
    expect(printed.body.data.wait, printed.text).toMatchObject({ satisfied: true });
    // The recording reaches the disk within its flush interval.
    await until(async () => (await fetch(`${server.baseURL}/api/executions/${executionId}/recording`, { headers: server.loginURL ? { cookie: await server.sessionCookie() } : {} })).status === 200, 10_000, "the recording on disk");
    return {
      pages: ["/", "/settings", "/missions", `/tasks/${taskId}`, `/api/executions/${executionId}/recording`],
      sockets: [`/ws/terminals/${taskId}`, "/ws/events"],
    };
  }

  beforeAll(async () => {
    [app, open] = await Promise.all([startApp(), startApp({ auth: "none" })]);
    cookie = await app.sessionCookie();
    targets = await seed(app);
    await seed(open);
    createTaskId = serverActions().get("createTask")!.id;
  });

  afterAll(async () => {
    await Promise.all([app?.dispose(), open?.dispose()]);
    killAllAppProcesses();
  });

  const host = (server: AppProcess) => `127.0.0.1:${server.port}`;

  it("the canaries are reachable the proper way, so their absence below means something", async () => {
    for (const page of targets.pages) {
      const answer = await rawExchange(app.port, httpRequestText("GET", page, { Host: host(app), Cookie: cookie, Accept: "text/html" }));
      expect(answer.status, page).toBe(200);
      expect(answer.body.includes(CANARY) || page.endsWith("/recording") || page === "/missions", page).toBe(true);
    }
    const action = await callAction(app, "createTask", [{ title: `${ACTION_TITLE}-control`, cwd: os.tmpdir() }]);
    expect(action.result, action.text).toMatchObject({ ok: true });
  });

  it("without the cookie, no generated path reaches a page, a recording, an action or a socket", async () => {
    const paths = pathsAround([...targets.pages, ...targets.sockets], 300);
    const body = JSON.stringify([{ title: ACTION_TITLE, cwd: os.tmpdir() }]);
    const requests = paths.flatMap((path) => [
      { label: `GET ${path}`, kind: "get" as const, text: httpRequestText("GET", path, { Host: host(app), Accept: "text/html" }) },
      {
        label: `POST(action) ${path}`,
        kind: "post" as const,
        text: httpRequestText("POST", path, { Host: host(app), Origin: app.baseURL, "Next-Action": createTaskId, "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component" }, body),
      },
      { label: `UPGRADE ${path}`, kind: "upgrade" as const, text: upgradeRequestText(path, { Host: host(app), Origin: app.baseURL }) },
    ]);
    expect(await sweep(requests, app.port)).toEqual([]);
    const tasks = await app.api("GET", "/api/internal/tasks");
    expect(tasks.body.data.map((t: { title: string }) => t.title)).not.toContain(ACTION_TITLE);
  });

  it("with the cookie but a foreign Host or Origin (DNS rebinding, another site), nothing answers", async () => {
    const paths = pathsAround([...targets.pages, ...targets.sockets], 150);
    const foreignHost = `evil.example:${app.port}`;
    const requests = [...targets.pages, ...targets.sockets, ...paths].flatMap((path) => [
      { label: `GET(host) ${path}`, kind: "get" as const, text: httpRequestText("GET", path, { Host: foreignHost, Cookie: cookie, Accept: "text/html" }) },
      { label: `UPGRADE(origin) ${path}`, kind: "upgrade" as const, text: upgradeRequestText(path, { Host: host(app), Origin: "http://evil.example", Cookie: cookie }) },
      { label: `UPGRADE(host) ${path}`, kind: "upgrade" as const, text: upgradeRequestText(path, { Host: foreignHost, Origin: `http://${foreignHost}`, Cookie: cookie }) },
      {
        label: `POST(action, origin) ${path}`,
        kind: "post" as const,
        text: httpRequestText("POST", path, { Host: host(app), Origin: "http://evil.example", Cookie: cookie, "Next-Action": createTaskId, "Content-Type": "text/plain;charset=UTF-8" }, JSON.stringify([{ title: ACTION_TITLE, cwd: os.tmpdir() }])),
      },
    ]);
    expect(await sweep(requests, app.port)).toEqual([]);
    const tasks = await app.api("GET", "/api/internal/tasks");
    expect(tasks.body.data.map((t: { title: string }) => t.title)).not.toContain(ACTION_TITLE);
  });

  it("public paths, and files missing under them, give no app data away and take no action", async () => {
    // A file that does not exist is answered with the app's not-found page, rendered in its layout.
    const missing = fc.sample(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}\.(js|css|ico|png|svg|map|json|txt)$/), 40);
    const paths = [
      "/favicon.ico", "/manifest.webmanifest", "/icon.svg", "/icon-192.png", "/icon-512.png", "/icon-maskable-512.png", "/apple-touch-icon.png",
      "/notifications-sw.js", "/api/health", "/login", "/_next/static/x", "/_next/static/chunks/x.js",
      ...missing.flatMap((file) => [`/${file}`, `/_next/static/${file}`, `/_next/static/chunks/${file}`, `/_next/static/media/${file}`]),
    ];
    const body = JSON.stringify([{ title: ACTION_TITLE, cwd: os.tmpdir() }]);
    const action = (headers: Record<string, string>) => ({ Host: host(app), Origin: app.baseURL, "Next-Action": createTaskId, "Content-Type": "text/plain;charset=UTF-8", Accept: "text/x-component", ...headers });
    const requests = paths.flatMap((path) => [
      { label: `GET ${path}`, kind: "get" as const, text: httpRequestText("GET", path, { Host: host(app), Accept: "text/html" }) },
      { label: `GET(rsc) ${path}`, kind: "get" as const, text: httpRequestText("GET", path, { Host: host(app), RSC: "1" }) },
      { label: `POST(action) ${path}`, kind: "post" as const, text: httpRequestText("POST", path, action({}), body) },
      { label: `POST(action, cookie) ${path}`, kind: "post" as const, text: httpRequestText("POST", path, action({ Cookie: cookie }), body) },
    ]);
    expect(await sweep(requests, app.port)).toEqual([]);
    const tasks = await app.api("GET", "/api/internal/tasks");
    expect(tasks.body.data.map((t: { title: string }) => t.title)).not.toContain(ACTION_TITLE);
    // The same not-found page on a page path, signed in, does carry the live task titles: their absence above is the rule at work.
    const signedIn = await rawExchange(app.port, httpRequestText("GET", "/no-such-page", { Host: host(app), Cookie: cookie, Accept: "text/html" }));
    expect(signedIn.status).toBe(404);
    expect(signedIn.body).toContain(TASK_TITLE);
  });

  it("with the cookie, generated variants never make the server answer 5xx or hang", async () => {
    const paths = pathsAround([...targets.pages, "/api/health", "/login", "/api/internal/tasks"], 150);
    const found: string[] = [];
    for (const path of paths) {
      const answer = await rawExchange(app.port, httpRequestText("GET", path, { Host: host(app), Cookie: cookie, Accept: "text/html" }), { timeoutMs: 30_000 });
      if (answer.status >= 500 || answer.status === 0) found.push(`GET ${path}: ${answer.status}`);
    }
    expect(found).toEqual([]);
  });

  it("with AUTH_NONE, a DNS-rebinding Host reads nothing: no board, no recording, no action, no socket", async () => {
    const openTargets = await seedTargetsOf(open);
    const foreignHost = `evil.example:${open.port}`;
    const paths = [...openTargets.pages, ...openTargets.sockets, ...pathsAround([...openTargets.pages, ...openTargets.sockets], 150)];
    const requests = paths.flatMap((path) => [
      { label: `GET(host) ${path}`, kind: "get" as const, text: httpRequestText("GET", path, { Host: foreignHost, Accept: "text/html" }) },
      { label: `UPGRADE(host) ${path}`, kind: "upgrade" as const, text: upgradeRequestText(path, { Host: foreignHost, Origin: `http://${foreignHost}` }) },
      {
        label: `POST(action, host) ${path}`,
        kind: "post" as const,
        text: httpRequestText("POST", path, { Host: foreignHost, Origin: `http://${foreignHost}`, "Next-Action": createTaskId, "Content-Type": "text/plain;charset=UTF-8" }, JSON.stringify([{ title: ACTION_TITLE, cwd: os.tmpdir() }])),
      },
    ]);
    expect(await sweep(requests, open.port)).toEqual([]);
    // The same board through the server's own name does answer: it was the Host.
    const own = await rawExchange(open.port, httpRequestText("GET", "/", { Host: host(open), Accept: "text/html" }));
    expect(own.status).toBe(200);
    expect(own.body).toContain(TASK_TITLE);
  });

  it("every answer carries the security headers, pages a CSP with frame-ancestors 'none'", async () => {
    const paths = ["/", "/settings", "/missions", targets.pages[3]!, "/nope", "/login", "/api/health", "/api/internal/tasks", "/_next/static/../x"];
    for (const path of paths) {
      const withCookie: Record<string, string> = { Host: host(app), Cookie: cookie, Accept: "text/html" };
      const without: Record<string, string> = { Host: host(app), Accept: "text/html" };
      for (const headers of [withCookie, without]) {
        const answer = await rawExchange(app.port, httpRequestText("GET", path, headers));
        expect(answer.headers["content-security-policy"], `${path} ${answer.status}`).toMatch(/frame-ancestors 'none'/);
        expect(answer.headers["x-frame-options"], path).toBe("DENY");
        expect(answer.headers["x-content-type-options"], path).toBe("nosniff");
        expect(answer.headers["referrer-policy"], path).toBe("no-referrer");
      }
    }
    // Pages allow only their own nonce for inline scripts, and every inline script carries it.
    const board = await rawExchange(app.port, httpRequestText("GET", "/", { Host: host(app), Cookie: cookie, Accept: "text/html" }));
    const nonce = /'nonce-([^']+)'/.exec(board.headers["content-security-policy"] ?? "")?.[1];
    expect(nonce).toBeTruthy();
    expect(board.headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+'(;|$)/);
    const scripts = [...board.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("a refused request does not keep its connection alive, even when it asks to", async () => {
    for (const [path, headers] of [
      ["/settings", { Host: host(app), Connection: "keep-alive" }],
      ["/_next/static/../../settings", { Host: host(app), Connection: "keep-alive", Cookie: cookie }],
      ["/settings", { Host: `evil.example:${app.port}`, Connection: "keep-alive", Cookie: cookie }],
    ] as const) {
      const answer = await rawExchange(app.port, httpRequestText("GET", path, headers));
      expect([400, 401, 403], path).toContain(answer.status);
      expect(answer.closedByServer, path).toBe(true);
    }
  });

  it("CONNECT and other methods that hand over the socket are answered and closed too", async () => {
    for (const text of [
      `CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n`,
      `CONNECT ${host(app)} HTTP/1.1\r\nHost: ${host(app)}\r\nCookie: ${cookie}\r\n\r\n`,
      upgradeRequestText("/ws/events", { Host: host(app), Origin: app.baseURL, Upgrade: "h2c" }),
      httpRequestText("GET", "/ws/events", { Host: host(app), Origin: app.baseURL, Connection: "Upgrade", Upgrade: "h2c", Cookie: cookie }),
    ]) {
      const answer = await rawExchange(app.port, text);
      expect(answer.status, text).toBeGreaterThanOrEqual(400);
      expect(answer.status, text).toBeLessThan(500);
      expect(answer.closedByServer, text).toBe(true);
    }
  });

  it("2 000 unanswered upgrades and half-open sockets leave no descriptor behind; health answers throughout", async () => {
    const start = openDescriptors(app.pid);
    const TOTAL = 2_000;
    const BATCH = 250;
    const sockets: Array<Promise<void>> = [];
    let upgradesAnswered = 0;
    let closed = 0;
    const net = await import("node:net");
    const hold: import("node:net").Socket[] = [];
    for (let i = 0; i < TOTAL; i++) {
      const kind = i % 4;
      const socket = net.connect(app.port, "127.0.0.1");
      socket.on("error", () => {});
      socket.once("close", () => closed++);
      hold.push(socket);
      sockets.push(
        new Promise<void>((resolve) => {
          socket.once("connect", () => {
            if (kind === 0) socket.write(upgradeRequestText(["/_next/webpack-hmr", "/_next/hmr", "/_next/static/x", "/ws/nope"][Math.floor(i / 4) % 4]!, { Host: host(app) }));
            else if (kind === 1) socket.write(upgradeRequestText(`/ws/terminals/x${i}`, { Host: host(app), Origin: app.baseURL }));
            else if (kind === 2) {
              // Half-open: part of a request line, then the client stops sending (FIN) but keeps reading.
              socket.write(`GET /_next/static/../../settings HTTP/1.1\r\nHost: ${host(app)}\r\n`);
              socket.end();
            }
            // kind 3: connects and says nothing at all.
            resolve();
          });
          socket.once("data", (chunk: Buffer) => {
            if (chunk.toString("latin1").startsWith("HTTP/1.1 ")) upgradesAnswered++;
          });
        }),
      );
      if (sockets.length % BATCH === 0) {
        await Promise.all(sockets.slice(-BATCH));
        // The server keeps answering people while the flood is on.
        const health = await fetch(`${app.baseURL}/api/health`);
        expect(health.status).toBe(200);
      }
    }
    await Promise.all(sockets);
    // Every upgrade got an answer (the silent and half-open ones are closed by the server's limits).
    await until(() => upgradesAnswered >= TOTAL / 2, 60_000, "an answer to every upgrade");
    await until(() => closed === TOTAL, 60_000, "the server to close every socket");
    await until(() => openDescriptors(app.pid) <= start + 10, 60_000, `the descriptor count to return near ${start}`);
    const health = await fetch(`${app.baseURL}/api/health`);
    expect(health.status).toBe(200);
  });

  /** The recording and task of the AUTH=none server, found through its internal API. */
  async function seedTargetsOf(server: AppProcess): Promise<Targets> {
    const tasks = await server.api("GET", "/api/internal/tasks");
    const task = tasks.body.data.find((t: { title: string }) => t.title === TASK_TITLE) as { id: string };
    const status = await server.api("GET", `/api/internal/terminal/${task.id}/status`);
    const executionId = status.body.data.executionId as string;
    return { pages: ["/", "/settings", `/tasks/${task.id}`, `/api/executions/${executionId}/recording`], sockets: [`/ws/terminals/${task.id}`, "/ws/events"] };
  }
});
