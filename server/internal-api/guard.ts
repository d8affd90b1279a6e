import type http from "node:http";
import { safeEqual } from "../../src/server/security/secrets";
import { hostAllowed, originAllowed } from "../origin-check";

/**
 * Who may call /api/internal/* and /api/callback/*: a pure function of the socket's address, the
 * request headers, the Host names this server answers to and the token, so it can be tested with
 * any address (a test cannot open a socket from a non-loopback address).
 *
 * Checks, in order (the first failure answers):
 * 1. the socket's peer address is loopback — 127.0.0.0/8, ::1, or IPv4-mapped ::ffff:127.x.
 *    X-Forwarded-For, Forwarded and X-Real-IP are never read: this server has no proxy in front
 *    of it, so any such header is whatever the caller chose to write;
 * 2. Host is one of this server's loopback names with its port (a DNS-rebinding page has its
 *    own name in Host);
 * 3. an Origin header, if present, is this server's own (only browsers send one; agents do not);
 * 4. unless `token` is null (the callback URL carries its own secret): `Authorization: Bearer
 *    <token>`, compared in constant time.
 */
export interface GuardInput {
  remoteAddress: string | undefined;
  headers: http.IncomingHttpHeaders;
  expectedHosts: ReadonlySet<string>;
  /** The internal token; null skips the bearer check. */
  token: string | null;
}

export type GuardResult =
  | { ok: true }
  | { ok: false; status: 401 | 403; code: "forbidden:address" | "forbidden:host" | "forbidden:origin" | "unauthorized:token"; message: string };

export function guardRequest(input: GuardInput): GuardResult {
  if (!isLoopbackAddress(input.remoteAddress)) {
    return { ok: false, status: 403, code: "forbidden:address", message: "The internal API only answers requests from this machine (loopback)." };
  }
  if (!hostAllowed(input, input.expectedHosts)) {
    return {
      ok: false,
      status: 403,
      code: "forbidden:host",
      message: "The Host header is not this server's address; use http://127.0.0.1:<port> (or localhost).",
    };
  }
  if (input.headers.origin !== undefined && !originAllowed(input, input.expectedHosts)) {
    return { ok: false, status: 403, code: "forbidden:origin", message: "Requests from other web pages are not accepted." };
  }
  if (input.token === null) return { ok: true };
  const presented = bearerToken(input.headers.authorization);
  if (presented === undefined) {
    return {
      ok: false,
      status: 401,
      code: "unauthorized:token",
      message: "Missing 'Authorization: Bearer <token>' header (the token is AI_MANAGER_INTERNAL_TOKEN or <dataDir>/internal-token).",
    };
  }
  if (!safeEqual(presented, input.token)) {
    return { ok: false, status: 401, code: "unauthorized:token", message: "The bearer token is not valid for this server." };
  }
  return { ok: true };
}

/** 127.0.0.0/8, ::1 (any spelling) and IPv4-mapped ::ffff:127.x.y.z. Anything else, or no address, is not. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/%.*$/, ""); // a zone index (fe80::1%eth0) never makes it loopback
  if (a === "::1" || /^(0{1,4}:){7}0{0,3}1$/.test(a) || a === "0:0:0:0:0:0:0:1") return true;
  const v4 = a.startsWith("::ffff:") ? a.slice("::ffff:".length) : a;
  const match = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v4);
  return match !== null && match.slice(1).every((octet) => Number(octet) <= 255);
}

function bearerToken(header: string | undefined): string | undefined {
  if (typeof header !== "string") return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}
