import type http from "node:http";
import { AppError } from "../../src/lib/errors";

/** Bodies of routes that carry only a few small fields (stop, resize, a status report). */
export const SMALL_BODY_LIMIT = 16 * 1024;
/** Task bodies: a prompt may be up to 100,000 characters, JSON-escaped. */
export const TASK_BODY_LIMIT = 1024 * 1024;
/**
 * Terminal input: the input itself is limited to 1 MB (checked after parsing, as UTF-8 bytes);
 * the body may be larger because JSON escapes control characters (`\u001b` is 6 bytes for 1).
 */
export const INPUT_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * Reads a JSON body, refusing it while reading once it passes `limit` bytes (413), when it is not
 * declared as JSON (415) or does not parse (400). An empty body reads as `undefined`, so routes
 * whose fields are all optional can be called with a bare `curl -X POST`.
 */
export async function readJsonBody(req: http.IncomingMessage, limit: number): Promise<unknown> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
  const raw = await readRaw(req, limit);
  if (raw.length === 0) return undefined;
  if (!isJsonContentType(req.headers["content-type"])) {
    throw new AppError(
      "unsupported_media_type:body",
      "Send the body as JSON with the header 'content-type: application/json'.",
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    throw new AppError("bad_request:json", "The body is not valid UTF-8.");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // JSON.parse's message says where it failed (e.g. "Unexpected token } in JSON at position 12").
    throw new AppError("bad_request:json", `The body is not valid JSON: ${(error as Error).message}`);
  }
}

export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const type = value.split(";")[0]!.trim().toLowerCase();
  return type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

function readRaw(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: AppError) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      if (error) {
        // Keep draining so the response can still be delivered, but hold nothing more in memory.
        req.resume();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(tooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = () => finish(new AppError("bad_request:body", "The request body could not be read."));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

function tooLarge(limit: number): AppError {
  return new AppError("payload_too_large:body", `The request body is larger than this route accepts (${formatBytes(limit)}).`);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
