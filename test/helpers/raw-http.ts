import http from "node:http";

/**
 * A plain HTTP request with full control over the connection and the headers (fetch forbids
 * setting Host and always adds its own). `address` is where the TCP connection goes; `headers`
 * are sent as given (no Host is added when `headers.host` is set).
 */
export interface RawRequest {
  address: string;
  port: number;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sends no Content-Length and streams the body chunked. */
  chunked?: boolean;
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: any;
}

export function rawRequest(request: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined && !request.chunked && headers["content-length"] === undefined) {
      headers["content-length"] = String(Buffer.byteLength(request.body));
    }
    const req = http.request(
      { host: request.address, port: request.port, method: request.method ?? "GET", path: request.path, headers, setHost: headers.host === undefined, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(request.timeoutMs ?? 30_000, () => req.destroy(new Error(`No answer to ${request.method ?? "GET"} ${request.path.slice(0, 80)} within the timeout`)));
    req.on("error", reject);
    req.end(request.body);
  });
}
