import type http from "node:http";
import os from "node:os";

/**
 * The names this server answers to, as `host:port`, and the scheme its pages use. A browser
 * always sends Origin on a WebSocket upgrade, so a page on another site is recognised and refused;
 * the Host check stops DNS-rebinding names that resolve to one of this machine's addresses.
 */
export interface AllowedHosts extends ReadonlySet<string> {
  /** `https:` when the server speaks TLS: then only https origins are its own. */
  readonly scheme: "http:" | "https:";
}

export interface AllowedHostsOptions {
  scheme?: "http:" | "https:";
  /**
   * The machine's interface addresses, consulted when listening on a wildcard (0.0.0.0, ::):
   * a phone on the LAN sends the address it dialled as Host. Injectable for tests.
   */
  interfaceAddresses?: () => string[];
}

export function allowedHosts(host: string, port: number, options: AllowedHostsOptions = {}): AllowedHosts {
  const names = new Set<string>([bracketed(host)]);
  const wildcard = host === "0.0.0.0" || host === "::";
  if (isLoopbackHostName(host) || wildcard) {
    names.add("127.0.0.1");
    names.add("localhost");
    names.add("[::1]");
  }
  // Only IP literals are added, never a DNS name: a rebinding page can point its own name at
  // this machine, but it cannot make a browser send one of this machine's addresses as Host.
  if (wildcard) for (const address of (options.interfaceAddresses ?? localAddresses)()) names.add(bracketed(address));
  const set = new Set([...names].map((name) => `${name}:${port}`.toLowerCase())) as Set<string> & { scheme: "http:" | "https:" };
  set.scheme = options.scheme ?? "http:";
  return set;
}

/** Every address of this machine's interfaces (IPv6 link-local ones need a zone and are left out). */
export function localAddresses(): string[] {
  const out: string[] = [];
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (!(a.family === "IPv6" && a.address.toLowerCase().startsWith("fe80:"))) out.push(a.address);
  }
  return out;
}

function bracketed(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
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

/** `hosts` from allowedHosts carries the scheme; a plain set means http. */
export function originAllowed(req: Pick<http.IncomingMessage, "headers">, hosts: ReadonlySet<string> & { readonly scheme?: "http:" | "https:" }): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== "string") return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== (hosts.scheme ?? "http:")) return false;
  return hosts.has(url.host.toLowerCase());
}
