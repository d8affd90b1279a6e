import { randomBytes } from "node:crypto";
import type http from "node:http";

/**
 * Headers on every answer of this server (docs/security.md). The page CSP allows scripts from
 * this origin and inline scripts carrying the request's nonce only: Next reads the nonce from the
 * request's own `Content-Security-Policy` header (set here before Next renders) and puts it on the
 * inline scripts it writes. Styles may be inline: React and xterm.js set element styles.
 */

/** The policy's directives; only pages get a nonce for inline scripts (and `unsafe-eval` in development). */
function contentSecurityPolicy(scriptSrc: string): string {
  return [
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
}

/** Every answer that is not a page (JSON, static files): no nonce to make, nothing inline to allow. */
const NON_PAGE_CSP = contentSecurityPolicy("'self'");

/** Sets the headers every answer carries; pages get their own CSP later (applyPagePolicy). */
export function setSecurityHeaders(res: http.ServerResponse): void {
  res.setHeader("content-security-policy", NON_PAGE_CSP);
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("referrer-policy", "no-referrer");
  res.setHeader("cross-origin-opener-policy", "same-origin");
  res.setHeader("cross-origin-resource-policy", "same-origin");
}

/**
 * For a request handed to Next: a fresh nonce, in the answer's CSP and in the request's own CSP
 * header, where Next reads it (whatever the client sent there is replaced).
 */
export function applyPagePolicy(req: http.IncomingMessage, res: http.ServerResponse, dev: boolean): void {
  const nonce = randomBytes(18).toString("base64");
  const csp = contentSecurityPolicy(["'self'", `'nonce-${nonce}'`, ...(dev ? ["'unsafe-eval'"] : [])].join(" "));
  res.setHeader("content-security-policy", csp);
  req.headers["content-security-policy"] = csp;
}
