import { expect } from "vitest";
import type { ApiHarness, HarnessResponse, RequestOptions } from "./api-harness";

/** Shorthands for the internal API routes, over real HTTP against the harness. */

export function query(params: Record<string, string | number | boolean | undefined> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
}

export function terminalPath(taskId: string, action: string, params?: Record<string, string | number | boolean | undefined>): string {
  return `/api/internal/terminal/${encodeURIComponent(taskId)}/${action}${query(params)}`;
}

/** POST …/start and expect 201; returns the execution. */
export async function startTask(h: ApiHarness, taskId: string, body: Record<string, unknown> = {}): Promise<any> {
  const res = await h.request("POST", terminalPath(taskId, "start"), { body });
  expect(res.status, res.text).toBe(201);
  return (res.body as any).data;
}

export async function readBuffer(
  h: ApiHarness,
  taskId: string,
  params: Record<string, string | number | boolean | undefined> = {},
  options: RequestOptions = {},
): Promise<HarnessResponse<any>> {
  return h.request("GET", terminalPath(taskId, "buffer", params), options);
}

/** Waits (server-side, no polling) for the task's process to exit; returns the buffer data. */
export async function waitForExit(h: ApiHarness, taskId: string, params: Record<string, string | number | boolean> = {}): Promise<any> {
  const res = await readBuffer(h, taskId, { waitFor: "exit", timeoutMs: 20_000, ...params });
  expect(res.status, res.text).toBe(200);
  expect(res.body.data.wait).toMatchObject({ condition: "exit", satisfied: true, reason: "exit" });
  return res.body.data;
}

export async function sendInput(h: ApiHarness, taskId: string, input: string, mode?: "line" | "raw" | "paste"): Promise<HarnessResponse<any>> {
  return h.request("POST", terminalPath(taskId, "input"), { body: mode ? { input, mode } : { input } });
}

/** The error half of the envelope, checked for shape: a code and a message, never a stack trace. */
export function expectFailure(res: HarnessResponse<any>, status: number, code: string | RegExp, message?: RegExp): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) } });
  expect(Object.keys(res.body)).toEqual(["success", "error"]);
  expect(Object.keys(res.body.error).sort()).toEqual(["code", "message"]);
  if (typeof code === "string") expect(res.body.error.code).toBe(code);
  else expect(res.body.error.code).toMatch(code);
  if (message) expect(res.body.error.message).toMatch(message);
  expect(res.text).not.toMatch(/\n\s+at |\.ts:\d+/);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
}
