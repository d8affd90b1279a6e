/**
 * Who may ask for what, decided once per request and upgrade on the path that parseRequestTarget
 * accepted (docs/security.md). Nothing else in the server tests a path against an allow-list.
 *
 * - `internal-api`, `callback`: carry their own credentials (bearer token, the URL's secret) and
 *   are served by server/internal-api with its loopback/Host/Origin guard.
 * - `public`: nothing secret — the health check, Next's hashed static files, the favicon, the
 *   sign-in page, and what a phone needs to install the app: the web app manifest (browsers fetch
 *   it without cookies) and the icons it and the Apple touch icon name.
 * - `session`: everything else — pages, server actions, recordings, sockets: the session cookie.
 */
export type AccessClass = "internal-api" | "callback" | "public" | "session";

const PUBLIC_PATHS: readonly RegExp[] = [
  /^\/api\/health$/,
  /^\/_next\/static\/[^/]/,
  /^\/favicon\.ico$/,
  /^\/login$/,
  /^\/manifest\.webmanifest$/,
  /^\/(icon\.svg|icon-192\.png|icon-512\.png|icon-maskable-512\.png|apple-touch-icon\.png)$/,
];

/** `path` must come from parseRequestTarget (decoded, no dot or empty segments). */
export function classifyPath(path: string): AccessClass {
  if (path === "/api/internal" || path.startsWith("/api/internal/")) return "internal-api";
  if (path === "/api/callback" || path.startsWith("/api/callback/")) return "callback";
  if (PUBLIC_PATHS.some((pattern) => pattern.test(path))) return "public";
  return "session";
}
