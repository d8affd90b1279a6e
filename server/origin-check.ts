import type http from "node:http";

/**
 * The origins this server answers to: its own, under every loopback name when it listens on
 * loopback. A browser always sends Origin on a WebSocket upgrade, so a page on another site is
 * recognised and refused; the Host check stops DNS-rebinding names that resolve to 127.0.0.1.
 */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set<string>([host.includes(":") ? `[${host}]` : host]);
  if (isLoopbackHostName(host) || host === "0.0.0.0" || host === "::") {
    names.add("127.0.0.1");
    names.add("localhost");
    names.add("[::1]");
  }
  return new Set([...names].map((name) => `${name}:${port}`.toLowerCase()));
}

export function isLoopbackHostName(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Takes only the headers, so pure checks (the internal API guard) can call it without a socket. */
export function hostAllowed(req: Pick<http.IncomingMessage, "headers">, hosts: ReadonlySet<string>): boolean {
  const host = req.headers.host?.toLowerCase();
  return host !== undefined && hosts.has(host);
}

export function originAllowed(req: Pick<http.IncomingMessage, "headers">, hosts: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== "string") return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:") return false;
  return hosts.has(url.host.toLowerCase());
}
