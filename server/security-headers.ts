import { randomBytes } from "node:crypto";
import type http from "node:http";

/**
 * Headers on every answer of this server (docs/security.md). The page CSP allows scripts from
 * this origin and inline scripts carrying the request's nonce only: Next reads the nonce from the
 * request's own `Content-Security-Policy` header (set here before Next renders) and puts it on the
 * inline scripts it writes. Styles may be inline: React and xterm.js set element styles.
 */
export interface PagePolicy {
  /** The nonce for this response's inline scripts. */
  nonce: string;
  csp: string;
}

export function pagePolicy(dev: boolean): PagePolicy {
  const nonce = randomBytes(18).toString("base64");
  const scriptSrc = ["'self'", `'nonce-${nonce}'`, ...(dev ? ["'unsafe-eval'"] : [])].join(" ");
  const csp = [
    "default-src 'self'",
    `script-src ${scriptSrc}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return { nonce, csp };
}

/** Sets the headers every answer carries; a handler may still replace the CSP with a stricter one. */
export function setSecurityHeaders(res: http.ServerResponse, policy: PagePolicy): void {
  res.setHeader("content-security-policy", policy.csp);
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "no-referrer");
  res.setHeader("cross-origin-opener-policy", "same-origin");
  res.setHeader("cross-origin-resource-policy", "same-origin");
}

/** Hands the nonce to Next, which reads it from the request's CSP header. */
export function shareNonceWithNext(req: http.IncomingMessage, policy: PagePolicy): void {
  req.headers["content-security-policy"] = policy.csp;
}
