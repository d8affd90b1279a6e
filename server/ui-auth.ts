import type http from "node:http";
import type { Logger } from "../src/server/logger";
import type { DeviceStore, DeviceView } from "../src/server/devices/device-store";
import type { SignInLimiter } from "../src/server/devices/sign-in-limiter";
import { safeEqual } from "../src/server/security/secrets";
import { sendRefusal } from "./unread-body";

/**
 * Access control for people (the Jupyter model). `npm start` prints a login URL carrying the
 * access token; opening it (or pasting the token on the sign-in page) creates a *device*: a random
 * session secret in an HttpOnly, SameSite=Strict cookie (Secure under HTTPS), of which the server
 * keeps only the hash (src/server/devices). Every page, server action and WebSocket needs a cookie
 * of a device that was not revoked; a request without one gets a page that asks for the token.
 * Sign-in attempts are rate-limited per address and for the whole server.
 */

export const SESSION_COOKIE = "aim_session";
/** A month: this is a personal tool; a lost phone is revoked in Settings, one device at a time. */
const COOKIE_MAX_AGE_S = 30 * 24 * 3600;

/** Who a request is: a signed-in device, or anyone at all when sign-in is off. */
export interface Session {
  /** Undefined when sign-in is off (AI_MANAGER_AUTH=none). */
  device: DeviceView | undefined;
}

export interface UiAuth {
  readonly enabled: boolean;
  /**
   * The request's session: its cookie's device (last seen brought up to date), or an anonymous
   * session when sign-in is off; undefined without a valid cookie. Which paths need one is
   * decided by server/access-policy.ts, on the normalised path, not here.
   */
  session(req: http.IncomingMessage): Session | undefined;
  hasSession(req: http.IncomingMessage): boolean;
  /** Handles `?token=` on a page URL and the login page itself. Returns true if it answered. */
  handleLogin(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** Answers a request that lacks the cookie: the sign-in page for documents, JSON otherwise. */
  refuse(req: http.IncomingMessage, res: http.ServerResponse): void;
  loginUrl(origin: string): string;
}

export interface UiAuthOptions {
  mode: "token" | "none";
  accessToken: string;
  /** Where devices live; required when mode is "token". */
  devices: DeviceStore | undefined;
  limiter: SignInLimiter;
  /** HTTPS: the cookie gets `Secure`, so a browser never sends it over plain HTTP. */
  secure: boolean;
  logger: Logger;
}

export function createUiAuth(options: UiAuthOptions): UiAuth {
  const { mode, accessToken, devices, limiter, logger } = options;
  if (mode === "token" && !devices) throw new Error("sign-in needs a device store");
  const cookieAttributes = `HttpOnly; SameSite=Strict; Path=/; Max-Age=${COOKIE_MAX_AGE_S}${options.secure ? "; Secure" : ""}`;

  const seenFrom = (req: http.IncomingMessage) => ({
    ip: req.socket.remoteAddress ?? "unknown",
    userAgent: String(req.headers["user-agent"] ?? "unknown browser"),
  });

  const deviceOf = (req: http.IncomingMessage, touch: boolean): DeviceView | undefined => {
    const presented = readCookie(req.headers.cookie, SESSION_COOKIE);
    // Only the shape a device secret can have is looked up (32 random bytes, base64url).
    if (presented === undefined || !/^[A-Za-z0-9_-]{43}$/.test(presented) || !devices) return undefined;
    return touch ? devices.authenticate(presented, seenFrom(req)) : devices.find(presented);
  };

  const session = (req: http.IncomingMessage): Session | undefined => {
    if (mode === "none") return { device: undefined };
    const device = deviceOf(req, true);
    return device ? { device } : undefined;
  };

  return {
    enabled: mode === "token",
    session,
    hasSession(req) {
      return session(req) !== undefined;
    },
    handleLogin(req, res) {
      if (mode === "none") return false;
      const url = new URL(req.url ?? "/", "http://localhost");
      const token = url.searchParams.get("token");
      const attempt = token !== null && isPageOpenedByPerson(req);
      if (url.pathname === "/login" && !attempt) {
        sendLoginPage(res, 200, deviceOf(req, false) ? "You are signed in on this device." : undefined);
        return true;
      }
      if (!attempt || (req.method !== "GET" && req.method !== "HEAD")) return false;
      const { ip, userAgent } = seenFrom(req);
      // Checked before the token is compared: a limited address learns nothing, right or wrong.
      const verdict = limiter.check(ip);
      if (!verdict.allowed) {
        logger.warn({ ip, scope: verdict.scope, retryAfterSeconds: verdict.retryAfterSeconds }, "sign-in attempt refused: too many wrong tokens");
        const minutes = Math.ceil(verdict.retryAfterSeconds / 60);
        const who = verdict.scope === "address" ? "from this device's address" : "on this server";
        sendLoginPage(res, 429, `Too many wrong tokens ${who}. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, {
          "retry-after": String(verdict.retryAfterSeconds),
        });
        return true;
      }
      if (!safeEqual(token, accessToken)) {
        if (!isAnotherSitesDoing(req)) limiter.recordFailure(ip);
        logger.warn({ ip }, "sign-in with a wrong token");
        sendLoginPage(res, 401, "That token is not this server's access token.");
        return true;
      }
      limiter.recordSuccess(ip);
      const created = devices!.create({ ip, userAgent });
      logger.info({ device: created.device.id, ip }, "a device signed in");
      url.searchParams.delete("token");
      const target = url.pathname === "/login" ? "/" : `${url.pathname}${url.search}`;
      res.writeHead(303, {
        location: target,
        "set-cookie": `${SESSION_COOKIE}=${created.secret}; ${cookieAttributes}`,
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
      });
      res.end();
      return true;
    },
    refuse(req, res) {
      const accept = String(req.headers.accept ?? "");
      if (req.method === "GET" && accept.includes("text/html")) {
        sendLoginPage(res, 401);
        return;
      }
      sendRefusal(res, 401, { ok: false, error: { code: "unauthorized:session", message: "Sign in first: open the login URL that npm start printed." } });
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

function sendLoginPage(res: http.ServerResponse, status: number, message?: string, headers: Record<string, string> = {}): void {
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
    ...headers,
  });
  res.end(html);
}

/**
 * `?token=` signs in only on a page a person opens, never on a sub-resource: browsers mark an
 * <img>, a fetch or a frame with `Sec-Fetch-Dest`. Otherwise a page on any site could load ten
 * `<img src="http://127.0.0.1:3000/?token=x">` and lock the user out for 15 minutes: the limit is
 * per address, and every request of a local browser comes from 127.0.0.1. Clients that send no
 * Sec-Fetch headers (curl, scripts) are taken as they are.
 */
function isPageOpenedByPerson(req: http.IncomingMessage): boolean {
  const dest = req.headers["sec-fetch-dest"];
  return dest === undefined || dest === "document";
}

/**
 * A wrong token on a navigation another site started (a link, or a window it opened and keeps
 * navigating) is refused but not counted, for the same reason. Guessing that way gains nothing:
 * each guess costs the guessing page a top-level navigation, and the token has at least 24
 * characters (32 random bytes unless configured).
 */
function isAnotherSitesDoing(req: http.IncomingMessage): boolean {
  const site = req.headers["sec-fetch-site"];
  return site === "cross-site" || site === "same-site";
}
