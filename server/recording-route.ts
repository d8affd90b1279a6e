import fs from "node:fs";
import type http from "node:http";
import type { Services } from "../src/server/services";
import { sendJson } from "./http-util";

const ROUTE = /^\/api\/executions\/([A-Za-z0-9_-]{1,64})\/recording$/;

/**
 * `GET /api/executions/<executionId>/recording[?download=1]`: the run's asciicast v2 file, streamed
 * from disk (for the task page's read-only terminal, or to play in asciinema). A page route, so
 * it sits behind the people's session cookie like every page.
 */
export function handleRecordingRequest(req: http.IncomingMessage, res: http.ServerResponse, services: Services): boolean {
  const url = new URL(req.url ?? "/", "http://localhost");
  const match = ROUTE.exec(url.pathname);
  if (!match) return false;
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    sendJson(res, 405, { ok: false, error: { code: "bad_request:method", message: "Use GET" } });
    return true;
  }
  const executionId = match[1]!;
  const execution = services.executions.find(executionId);
  const file = execution ? services.history.recordingFile(executionId) : undefined;
  if (!execution || !file) {
    sendJson(res, 404, { ok: false, error: { code: "not_found:recording", message: "This run has no recording on disk." } });
    return true;
  }
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    sendJson(res, 404, { ok: false, error: { code: "not_found:recording", message: "This run has no recording on disk." } });
    return true;
  }
  const task = services.tasks.find(execution.taskId);
  const slug = (task?.title ?? "run").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "run";
  const headers: http.OutgoingHttpHeaders = {
    "content-type": "application/x-asciicast",
    "content-length": size,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  };
  if (url.searchParams.get("download") === "1") {
    headers["content-disposition"] = `attachment; filename="${slug}-${executionId.slice(0, 8)}.cast"`;
  }
  res.writeHead(200, headers);
  if (req.method === "HEAD") {
    res.end();
    return true;
  }
  // The length was taken first: a live run's file keeps growing, and the answer is what was there.
  const stream = fs.createReadStream(file, { start: 0, end: Math.max(0, size - 1) });
  stream.on("error", () => res.destroy());
  if (size === 0) res.end();
  else stream.pipe(res);
  return true;
}
