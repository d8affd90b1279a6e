import { createHmac } from "node:crypto";
import type http from "node:http";
import { safeEqual } from "../src/server/security/secrets";

/**
 * Access control for people (the Jupyter model). `npm start` prints a login URL carrying the
 * access token; opening it exchanges the token for an HttpOnly, SameSite=Strict session cookie and
 * redirects to the same page without the token. Every page, server action and WebSocket needs the
 * cookie; a request without it gets a page that asks for the token. The cookie is derived from the
 * access token, so it survives server restarts and is revoked by replacing the token file.
 */

export const SESSION_COOKIE = "aim_session";
/** A month: this is a local tool; revoking means replacing `<dataDir>/access-token`. */
const COOKIE_MAX_AGE_S = 30 * 24 * 3600;

export interface UiAuth {
  readonly enabled: boolean;
  /**
   * True when the request carries a valid session cookie, or sign-in is off. Which paths need one
   * is decided by server/access-policy.ts, on the normalised path, not here.
   */
  hasSession(req: http.IncomingMessage): boolean;
  /** Handles `?token=` on a page URL and the login page itself. Returns true if it answered. */
  handleLogin(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Answers a request that lacks the cookie: the sign-in page for documents, JSON otherwise. */
  refuse(req: http.IncomingMessage, res: http.ServerResponse): void;
  loginUrl(origin: string): string;
}

export function createUiAuth(mode: "token" | "none", accessToken: string): UiAuth {
  const cookieValue = createHmac("sha256", accessToken).update("ai-manager-ui-session-v1").digest("base64url");
  const setCookie = `${SESSION_COOKIE}=${cookieValue}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${COOKIE_MAX_AGE_S}`;

  const hasCookie = (req: http.IncomingMessage) => {
    const presented = readCookie(req.headers.cookie, SESSION_COOKIE);
    return presented !== undefined && safeEqual(presented, cookieValue);
  };

  return {
    enabled: mode === "token",
    hasSession(req) {
      return mode === "none" || hasCookie(req);
    },
    handleLogin(req, res) {
      if (mode === "none") return false;
      const url = new URL(req.url ?? "/", "http://localhost");
      const token = url.searchParams.get("token");
      if (url.pathname === "/login" && token === null) {
        sendLoginPage(res, 200, hasCookie(req) ? "You are signed in." : undefined);
        return true;
      }
      if (token === null || (req.method !== "GET" && req.method !== "HEAD")) return false;
      if (!safeEqual(token, accessToken)) {
        sendLoginPage(res, 401, "That token is not this server's access token.");
        return true;
      }
      url.searchParams.delete("token");
      const target = url.pathname === "/login" ? "/" : `${url.pathname}${url.search}`;
      res.writeHead(303, { location: target, "set-cookie": setCookie, "cache-control": "no-store", "referrer-policy": "no-referrer" });
      res.end();
      return true;
    },
    refuse(req, res) {
      const accept = String(req.headers.accept ?? "");
      if (req.method === "GET" && accept.includes("text/html")) {
        sendLoginPage(res, 401);
        return;
      }
      const body = JSON.stringify({ ok: false, error: { code: "unauthorized:session", message: "Sign in first: open the login URL that npm start printed." } });
      res.writeHead(401, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
      res.end(body);
    },
    loginUrl(origin) {
      return `${origin}/?token=${encodeURIComponent(accessToken)}`;
    },
  };
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sendLoginPage(res: http.ServerResponse, status: number, message?: string): void {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · AI Manager</title>
<style>
  body{margin:0;min-height:100vh;display:grid;place-items:center;background:#0d1117;color:#e6edf3;font:15px/1.5 system-ui,sans-serif}
  main{max-width:440px;padding:32px;border:1px solid #30363d;border-radius:12px;background:#161b22}
  h1{font-size:20px;margin:0 0 8px} p{color:#9da7b3;margin:0 0 16px} code{color:#e6edf3}
  label{display:block;font-size:13px;margin-bottom:6px} input{box-sizing:border-box;width:100%;padding:8px 10px;border-radius:6px;border:1px solid #30363d;background:#0d1117;color:#e6edf3;font:13px ui-monospace,monospace}
  button{margin-top:12px;padding:8px 16px;border:0;border-radius:6px;background:#6e7bf2;color:#fff;font-weight:600;cursor:pointer}
  .msg{color:#f0b72f}
</style></head>
<body><main>
<h1>AI Manager needs its access token</h1>
<p>Open the login URL that <code>npm start</code> printed (it ends in <code>?token=…</code>), or paste the token from <code>data/access-token</code> here.</p>
${message ? `<p class="msg" role="alert">${message}</p>` : ""}
<form method="get" action="/login"><label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="off" required autofocus>
<button type="submit">Sign in</button></form>
</main></body></html>`;
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    "cache-control": "no-store",
    "x-frame-options": "DENY",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  });
  res.end(html);
}
