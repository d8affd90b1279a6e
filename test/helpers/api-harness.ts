import http from "node:http";
import type { AddressInfo } from "node:net";
import { createApiDispatcher, type ApiDispatcher } from "../../server/internal-api/dispatcher";
import { allowedHosts } from "../../server/origin-check";
import type { CreateServicesOptions, Services } from "../../src/server/services";
import { createTestServices } from "./test-services";
export type { TestServices };

import type { TestServices } from "./test-services";

export interface HarnessResponse<T = unknown> {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (undefined when the body was not JSON). */
  body: T;
  text: string;
}

export interface RequestOptions {
  /** Objects are sent as JSON; strings and Buffers as they are. */
  body?: unknown;
  headers?: Record<string, string>;
  /** The bearer token to send; null sends none. Default: the right one. */
  token?: string | null;
  /** Default: the harness's own `127.0.0.1:<port>`. */
  host?: string;
  contentType?: string | null;
  signal?: AbortSignal;
}

export interface ApiHarness {
  services: TestServices;
  dispatcher: ApiDispatcher;
  origin: string;
  port: number;
  token: string;
  /** `body` is the parsed envelope; typed loosely, as tests assert its shape themselves. */
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<HarnessResponse<T>>;
  close(): Promise<void>;
}

/**
 * Real services behind an http.Server on 127.0.0.1:0 that mounts exactly the dispatcher the
 * custom server mounts (`createApiDispatcher`) — the internal API and the callback URL without
 * Next. `services.origin` points at it, so CALLBACK_URL in task terminals reaches it.
 */
export async function startApiHarness(
  options?: (dataDir: string, services: () => Services) => Omit<CreateServicesOptions, "host">,
): Promise<ApiHarness> {
  const services = await createTestServices(options);
  let hosts: ReadonlySet<string> = new Set();
  const dispatcher = createApiDispatcher({ services, hosts: () => hosts });
  const server = http.createServer((req, res) => {
    if (dispatcher.handle(req, res)) return;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts("127.0.0.1", port);
  const origin = `http://127.0.0.1:${port}`;
  services.origin = origin;

  return {
    services,
    dispatcher,
    origin,
    port,
    token: services.internalToken,
    request: (method, path, requestOptions = {}) => send(port, services.internalToken, method, path, requestOptions),
    async close() {
      dispatcher.beginShutdown();
      await services.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send<T>(port: number, token: string, method: string, path: string, options: RequestOptions): Promise<HarnessResponse<T>> {
  const headers: Record<string, string> = { host: options.host ?? `127.0.0.1:${port}`, ...options.headers };
  const bearer = options.token === undefined ? token : options.token;
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  let payload: Buffer | undefined;
  if (options.body !== undefined) {
    payload = Buffer.isBuffer(options.body)
      ? options.body
      : Buffer.from(typeof options.body === "string" ? options.body : JSON.stringify(options.body), "utf8");
    const type = options.contentType === undefined ? "application/json" : options.contentType;
    if (type !== null) headers["content-type"] = type;
    headers["content-length"] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers, signal: options.signal }, (res) => {
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
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body as T, text });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}
