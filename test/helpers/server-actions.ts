import fs from "node:fs";
import path from "node:path";
import type { AppProcess } from "./app-process";

/**
 * Calling the app's server actions the way the browser does, without a browser: POST to a page
 * that uses the action, with `Next-Action: <id>` (from the build's server-reference manifest), the
 * session cookie, and the arguments encoded as React does for plain values — a JSON array sent
 * as `text/plain;charset=UTF-8`. The answer is a React Flight stream; row 0 names the row that
 * holds the action's return value.
 */

const MANIFEST = path.resolve(__dirname, "../../.next/server/server-reference-manifest.json");

export interface ActionInfo {
  id: string;
  name: string;
  file: string;
  /** A page whose bundle holds the action ("/", "/settings", "/missions", "/tasks/[id]"). */
  pages: string[];
}

interface Manifest {
  node: Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }>;
}

/** Every server action of the current build, by exported name. Read when called: a build changes ids. */
export function serverActions(): Map<string, ActionInfo> {
  const manifest = JSON.parse(fs.readFileSync(MANIFEST, "utf8")) as Manifest;
  const out = new Map<string, ActionInfo>();
  for (const [id, entry] of Object.entries(manifest.node)) {
    const pages = Object.keys(entry.workers).map((worker) => {
      const route = worker.replace(/^app/, "").replace(/\/page$/, "");
      return route === "" ? "/" : route;
    });
    out.set(entry.exportedName, { id, name: entry.exportedName, file: entry.filename, pages });
  }
  return out;
}

export interface ActionResponse {
  status: number;
  contentType: string;
  text: string;
  /** The action's return value (row `a` of the Flight answer), when there is one. */
  result: any;
  /** True when the Flight answer carries an error row instead of a value. */
  errorRow: boolean;
}

export interface ActionCallOptions {
  /** The page to post to; `[id]` is replaced by `taskId`. Default: the action's first page. */
  page?: string;
  taskId?: string;
  /** Default: the app's session cookie; null sends none. */
  cookie?: string | null;
  /** Default: the app's own origin; null sends none. */
  origin?: string | null;
  contentType?: string | null;
  /** Send this body instead of `JSON.stringify(args)`. */
  rawBody?: string | Buffer;
  /** Override the action id (unknown ids, junk). */
  actionId?: string;
}

export async function callAction(app: AppProcess, name: string, args: unknown[], options: ActionCallOptions = {}): Promise<ActionResponse> {
  const action = serverActions().get(name);
  if (!action && options.actionId === undefined) throw new Error(`No server action named ${name} in the build`);
  const page = (options.page ?? action?.pages[0] ?? "/").replace("[id]", options.taskId ?? "unknown-task");
  const headers: Record<string, string> = { "next-action": options.actionId ?? action!.id, accept: "text/x-component" };
  const cookie = options.cookie === undefined ? await app.sessionCookie() : options.cookie;
  if (cookie !== null) headers.cookie = cookie;
  const origin = options.origin === undefined ? app.baseURL : options.origin;
  if (origin !== null) headers.origin = origin;
  const contentType = options.contentType === undefined ? "text/plain;charset=UTF-8" : options.contentType;
  if (contentType !== null) headers["content-type"] = contentType;
  const raw = options.rawBody ?? JSON.stringify(args);
  const body = typeof raw === "string" ? raw : new Uint8Array(raw);
  const res = await fetch(`${app.baseURL}${page}`, { method: "POST", headers, body, redirect: "manual" });
  const text = await res.text();
  const { result, errorRow } = parseFlightResult(text);
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text, result, errorRow };
}

/** Calls an action for setup: throws unless it answered 200 with `{ ok: true }`; returns that result. */
export async function callActionOk(app: AppProcess, name: string, args: unknown[], options: ActionCallOptions = {}): Promise<any> {
  const res = await callAction(app, name, args, options);
  if (res.status !== 200 || res.result?.ok !== true) throw new Error(`${name} failed: ${res.status} ${res.text.slice(0, 500)}`);
  return res.result;
}

/** Row 0 is `{"a":"$@<row>",…}`; that row holds the return value as JSON, or `E{…}` for an error. */
export function parseFlightResult(text: string): { result: any; errorRow: boolean } {
  const rows = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^([0-9a-f]+):(.*)$/.exec(line);
    if (match) rows.set(match[1]!, match[2]!);
  }
  const head = rows.get("0");
  if (!head) return { result: undefined, errorRow: false };
  let ref: string | undefined;
  try {
    ref = (JSON.parse(head) as { a?: string }).a;
  } catch {
    return { result: undefined, errorRow: false };
  }
  const row = typeof ref === "string" && ref.startsWith("$@") ? rows.get(ref.slice(2)) : undefined;
  if (row === undefined) return { result: undefined, errorRow: false };
  if (row.startsWith("E")) return { result: undefined, errorRow: true };
  try {
    return { result: JSON.parse(row), errorRow: false };
  } catch {
    return { result: undefined, errorRow: false };
  }
}

/**
 * Creates the `script` profile the system suites run their programs with: `/bin/bash -c <prompt>`,
 * so each task's prompt is the shell script its terminal runs. Returns the profile's id.
 */
export async function createScriptProfile(app: AppProcess, name = "script"): Promise<string> {
  const result = await callActionOk(app, "createProfile", [
    { name, kind: "custom", command: "/bin/bash", args: JSON.stringify(["-c", "{prompt}"]), env: "", promptDelivery: "args" },
  ], { cookie: app.loginURL ? undefined : null });
  return result.data.id as string;
}

/**
 * Runs the server's terminals at normal CPU priority instead of the default background one. For
 * suites whose programs must get through real work within a timeout while the machine is busy: a
 * session's group at nice 15 gets a few per cent of a core beside busy programs at nice 0. The
 * priority itself is tested where it is set (test/integration/terminal-sessions.test.ts,
 * e2e/settings.spec.ts).
 */
export async function runTerminalsAtNormalPriority(app: AppProcess): Promise<void> {
  await callActionOk(app, "updateSettings", [{ "terminal.cpuPriority": "normal" }], { cookie: app.loginURL ? undefined : null });
}
