import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiHarness, type ApiHarness } from "../helpers/api-harness";
import { rawRequest } from "../helpers/raw-http";
import { expectFailure, readBuffer, terminalPath } from "../helpers/api-calls";
import { commandProfile, makeTask } from "../helpers/test-services";

/** Everything the internal API must refuse, and how: status, code, a clear message, no stack. */
describe("internal API refusals", () => {
  let h: ApiHarness;
  let taskId: string;

  beforeAll(async () => {
    h = await startApiHarness();
    taskId = makeTask(h.services, commandProfile(h.services, "sleeper", "/bin/sleep", ["30"])).id;
  });

  afterAll(async () => {
    await h.close();
  });

  describe("the guard, over HTTP", () => {
    it("refuses a Host that is not this server (DNS rebinding) with 403", async () => {
      for (const host of ["evil.example:80", `attacker.example:${h.port}`, `127.0.0.1:${h.port + 1}`]) {
        expectFailure(await h.request("GET", "/api/internal/tasks", { host }), 403, "forbidden:host");
      }
      expect((await h.request("GET", "/api/internal/tasks", { host: `localhost:${h.port}` })).status).toBe(200);
    });

    it("asks for the token with 401 when it is missing or wrong, before saying anything about routes", async () => {
      const missing = await h.request("GET", "/api/internal/tasks", { token: null });
      expectFailure(missing, 401, "unauthorized:token", /Authorization: Bearer/);
      expect(missing.headers["www-authenticate"]).toBe("Bearer");
      expectFailure(await h.request("GET", "/api/internal/tasks", { token: "wrong-token" }), 401, "unauthorized:token");
      expectFailure(await h.request("GET", "/api/internal/no-such-route", { token: null }), 401, "unauthorized:token");
      expectFailure(await h.request("GET", "/api/internal/tasks", { headers: { authorization: `Basic ${h.token}` }, token: null }), 401, "unauthorized:token");
    });

    it("refuses a page from another origin", async () => {
      expectFailure(await h.request("GET", "/api/internal/tasks", { headers: { origin: "http://evil.example" } }), 403, "forbidden:origin");
    });

    it("ignores X-Forwarded-For: a loopback caller stays one, whatever the header says", async () => {
      const res = await h.request("GET", "/api/internal/tasks", { headers: { "x-forwarded-for": "203.0.113.7" } });
      expect(res.status).toBe(200);
    });
  });

  describe("routes and methods", () => {
    it("404 for an unknown route, 405 with Allow for a wrong method", async () => {
      expectFailure(await h.request("GET", "/api/internal/nothing-here"), 404, "not_found:route");
      expectFailure(await h.request("GET", "/api/internal"), 404, "not_found:route");
      const wrong = await h.request("DELETE", "/api/internal/tasks");
      expectFailure(wrong, 405, "bad_request:method", /GET or POST/);
      expect(wrong.headers.allow).toBe("GET, POST");
      expectFailure(await h.request("GET", terminalPath(taskId, "input")), 405, "bad_request:method");
      expectFailure(await h.request("POST", terminalPath(taskId, "buffer"), { body: {} }), 405, "bad_request:method");
    });

    it("answers a refusal to a request whose body it never reads, instead of cutting the client off", async () => {
      // Connection: close (no agent) and a body bigger than the socket buffers: answering and
      // closing before the body is in made the client fail with EPIPE instead of reading the 405.
      const body = Buffer.from(JSON.stringify({ title: "x".repeat(900_000) }));
      for (let i = 0; i < 20; i++) {
        const res = await rawRequest({ address: "127.0.0.1", port: h.port, method: "DELETE", path: "/api/internal/tasks", headers: { host: `127.0.0.1:${h.port}`, authorization: `Bearer ${h.token}`, "content-type": "application/json" }, body });
        expect(res.status).toBe(405);
        expect(res.body).toMatchObject({ success: false, error: { code: "bad_request:method" } });
      }
    });

    it("checks a task id's shape before looking it up (400), then 404 for an unknown one", async () => {
      expectFailure(await h.request("GET", terminalPath("bad$id", "status")), 400, "bad_request:task_id", /taskId/);
      expectFailure(await h.request("GET", terminalPath("x".repeat(65), "status")), 400, "bad_request:task_id");
      expectFailure(await h.request("GET", terminalPath("no-such-task", "status")), 404, "not_found:task", /no-such-task/);
      expectFailure(await h.request("POST", terminalPath("no-such-task", "start"), { body: {} }), 404, "not_found:task");
      expectFailure(await h.request("GET", "/api/internal/tasks/no-such-task"), 404, "not_found:task");
    });
  });

  describe("bodies", () => {
    it("malformed JSON is a 400 that says so", async () => {
      const res = await h.request("POST", "/api/internal/tasks", { body: '{"title": "x", cwd: }' });
      expectFailure(res, 400, "bad_request:json", /not valid JSON/);
    });

    it("a body not declared as JSON is refused with 415", async () => {
      const res = await h.request("POST", "/api/internal/tasks", { body: "title=x", contentType: "application/x-www-form-urlencoded" });
      expectFailure(res, 415, "unsupported_media_type:body", /content-type: application\/json/);
      expectFailure(await h.request("POST", "/api/internal/tasks", { body: "{}", contentType: null }), 415, "unsupported_media_type:body");
    });

    it("a body over the route's limit is refused with 413 before it is parsed", async () => {
      const huge = JSON.stringify({ title: "x", cwd: "/tmp", prompt: "p".repeat(2 * 1024 * 1024) });
      expectFailure(await h.request("POST", "/api/internal/tasks", { body: huge }), 413, "payload_too_large:body");
      expectFailure(await h.request("POST", terminalPath(taskId, "stop"), { body: { pad: "x".repeat(20_000) } }), 413, "payload_too_large:body");
    });

    it("terminal input over 1 MB is refused with 413", async () => {
      const res = await h.request("POST", terminalPath(taskId, "input"), { body: { input: "y".repeat(1024 * 1024 + 1), mode: "raw" } });
      expectFailure(res, 413, "payload_too_large:input", /1 MB/);
    });

    it("fields are validated with messages naming them", async () => {
      const cases: Array<[string, string, unknown, RegExp]> = [
        ["POST", terminalPath(taskId, "resize"), { cols: 0, rows: 24 }, /cols: must be at least 1/],
        ["POST", terminalPath(taskId, "resize"), { cols: 80.5, rows: 24 }, /cols: must be a whole number/],
        ["POST", terminalPath(taskId, "resize"), { cols: "80", rows: 24 }, /cols: must be a number/],
        ["POST", terminalPath(taskId, "resize"), { cols: 1001, rows: 24 }, /cols: must be at most 1000/],
        ["POST", terminalPath(taskId, "resize"), { cols: 80 }, /rows: must be a number/],
        ["POST", terminalPath(taskId, "stop"), { signal: "SIGFOO" }, /signal: must be one of SIGTERM/],
        ["POST", terminalPath(taskId, "start"), { rows: -1 }, /rows: must be at least 1/],
        ["POST", terminalPath(taskId, "start"), { colour: "red" }, /body: .*colour/],
        ["POST", terminalPath(taskId, "input"), { input: "x", mode: "shout" }, /mode: must be one of line, raw, paste/],
        ["POST", terminalPath(taskId, "input"), { mode: "raw" }, /input: must be text/],
        ["POST", terminalPath(taskId, "input"), { input: "", mode: "paste" }, /must not be empty in paste mode/],
        ["POST", "/api/internal/tasks", { cwd: "/tmp" }, /title/],
        ["POST", "/api/internal/tasks", { title: "t", cwd: "relative/dir" }, /absolute path/],
        ["POST", "/api/internal/tasks", { title: "t", cwd: "/tmp", profile: "No Such Profile" }, /profile: No CLI profile named/],
        ["PATCH", `/api/internal/tasks/${taskId}`, {}, /nothing to update/],
        ["PATCH", `/api/internal/tasks/${taskId}`, { status: "sleeping" }, /status: must be one of todo/],
      ];
      for (const [method, path, body, message] of cases) {
        const res = await h.request(method, path, { body });
        expectFailure(res, 400, /^bad_request:/, message);
      }
    });

    it("an empty body counts as {} where every field is optional", async () => {
      // stop with no body reaches the service, which says nothing is running.
      expectFailure(await h.request("POST", terminalPath(taskId, "stop")), 409, "conflict:session", /no running terminal/);
    });
  });

  describe("queries", () => {
    it("refuses unknown modes, non-integers, out-of-range numbers and unknown parameters", async () => {
      const cases: Array<[string, Record<string, string | number>, RegExp]> = [
        ["buffer", { mode: "sideways" }, /mode: must be one of full, head, tail, head-tail/],
        ["buffer", { tailLines: 1.5 }, /tailLines: must be a whole number/],
        ["buffer", { tailLines: "ten" }, /tailLines: must be a whole number/],
        ["buffer", { tailLines: 10_001 }, /tailLines: must be at most 10000/],
        ["buffer", { maxLines: 0 }, /maxLines: must be at least 1/],
        ["buffer", { since: -1 }, /since: must be at least 0/],
        ["buffer", { clean: "yes" }, /clean: must be true or false/],
        ["buffer", { tail_lines: 5 }, /query: .*tail_lines/],
        ["buffer", { waitFor: "forever" }, /waitFor: must be one of idle, exit, pattern/],
        ["buffer", { waitFor: "exit", timeoutMs: 60_000 }, /timeoutMs: must be at most 50000/],
        ["buffer", { waitFor: "idle", idleMs: 5 }, /idleMs: must be at least 10/],
        ["buffer", { idleMs: 500 }, /idleMs: only applies with waitFor=idle/],
        ["buffer", { timeoutMs: 500 }, /timeoutMs: only applies with waitFor/],
        ["buffer", { waitFor: "pattern" }, /pattern: is required with waitFor=pattern/],
        ["buffer", { waitFor: "pattern", pattern: "(unclosed" }, /pattern: is not a valid regular expression/],
        ["buffer", { waitFor: "pattern", pattern: "x", flags: "g" }, /flags: may only hold/],
        ["snapshot", { view_mode: "everything" }, /view_mode: must be one of full, last_line, last_n_lines, cursor_area/],
        ["snapshot", { n_lines: 0 }, /n_lines: must be at least 1/],
        ["snapshot", { n_lines: 201 }, /n_lines: must be at most 200/],
        ["snapshot", { context_lines: 21 }, /context_lines: must be at most 20/],
        ["status", { verbose: 1 }, /query: .*verbose/],
      ];
      for (const [action, params, message] of cases) {
        expectFailure(await h.request("GET", terminalPath(taskId, action, params)), 400, "bad_request:query", message);
      }
      expectFailure(await h.request("GET", `${terminalPath(taskId, "buffer")}?mode=tail&mode=head`), 400, "bad_request:query", /mode: is given more than once/);
      expectFailure(await h.request("GET", "/api/internal/tasks?status=asleep"), 400, "bad_request:query", /status: must be one of/);
    });

    it("buffer and snapshot of a task with no session: 404 not_found:session, saying so", async () => {
      expectFailure(await readBuffer(h, taskId), 404, "not_found:session", /no live terminal session/);
      expectFailure(await h.request("GET", terminalPath(taskId, "snapshot")), 404, "not_found:session", /no live terminal session/);
    });
  });
});

describe("internal API while shutting down", () => {
  it("answers 503 to everything once shutdown began", async () => {
    const h = await startApiHarness();
    try {
      h.dispatcher.beginShutdown();
      expectFailure(await h.request("GET", "/api/internal/tasks"), 503, "unavailable:shutdown", /shutting down/);
      expectFailure(await h.request("POST", "/api/callback/x/y", { body: { status: "done" } }), 503, "unavailable:shutdown");
    } finally {
      await h.close();
    }
  });
});
