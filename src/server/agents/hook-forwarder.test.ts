import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HOOK_FORWARDER } from "../claude/claude-launch";

/** bin/ai-manager-hook.mjs as Codex's notify program (JSON as the last argument) and as a hook (JSON on stdin). */
describe("the hook forwarder", () => {
  let server: http.Server;
  let url: string;
  const bodies: string[] = [];

  beforeEach(async () => {
    bodies.length = 0;
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        bodies.push(body);
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/callback/e/s`;
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  function forward(args: string[], stdin: string | null): Promise<{ code: number | null; stdout: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [HOOK_FORWARDER, ...args], { env: { ...process.env, CALLBACK_URL: url }, stdio: ["pipe", "pipe", "inherit"] });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
      // Codex leaves stdin open: the forwarder must not wait for it when the JSON is an argument.
      if (stdin !== null) child.stdin.end(stdin);
      child.on("exit", (code) => {
        child.stdin.destroy();
        resolve({ code, stdout });
      });
    });
  }

  it("posts Codex's notify JSON from its last argument, without reading stdin", async () => {
    const payload = JSON.stringify({ type: "agent-turn-complete", "thread-id": "t-1", "last-assistant-message": "done ✓" });
    expect(await forward([payload], null)).toEqual({ code: 0, stdout: "" });
    expect(bodies).toEqual([payload]);
  });

  it("posts a hook's JSON from stdin", async () => {
    const payload = JSON.stringify({ hook_event_name: "AfterAgent", session_id: "s-1" });
    expect(await forward([], payload)).toEqual({ code: 0, stdout: "" });
    expect(bodies).toEqual([payload]);
  });
});
