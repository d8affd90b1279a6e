import { parse as legacyParse } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyPath } from "./access-policy";
import { MAX_PATH_CHARS, parseRequestTarget } from "./request-path";

/** What a WHATWG parser (Next's router, `new URL`) makes of a raw target's path. */
function whatwgPath(raw: string): string {
  return new URL(raw, "http://127.0.0.1:3000").pathname;
}

/** Decodes the escapes of unreserved characters, as every router does before it matches. */
function decodeUnreserved(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(ch) ? ch : escape.toUpperCase();
  });
}

const ROUTES = [
  "/",
  "/settings",
  "/missions",
  "/tasks/abc123",
  "/api/executions/e1/recording",
  "/api/internal/tasks",
  "/api/callback/e1/secret",
  "/api/health",
  "/login",
  "/favicon.ico",
  "/_next/static/chunks/app.js",
  "/_next/image",
  "/ws/terminals/t1",
  "/ws/events",
];
const OPEN_PREFIXES = ["/_next/static/", "/_next/static/chunks/", "/api/internal/", "/api/callback/", "/login/", "/favicon.ico/", "/api/health/", "/"];
/** Spellings of `.`, `/` and `\` that some parser somewhere has treated as the real thing. */
const DOT = [".", "%2e", "%2E", "%252e", "%c0%ae", "%e0%80%ae", "%ef%bc%8e", "．"];
const SLASH = ["/", "%2f", "%2F", "%252f", "\\", "%5c", "%5C", "//", "/./", ";/", "%3b/"];

const piece = fc.oneof(
  fc.constantFrom(...DOT),
  fc.constantFrom(...SLASH),
  fc.constantFrom("..", "...", "..;", ".%00", "%00", "#", "?", "%", "%g1", "%25", "~", "%7e", "%41", "a", "settings", "tasks", "api", "internal", "static", "_next"),
  fc.string({ maxLength: 4 }),
);
const rawTarget = fc.tuple(fc.constantFrom(...OPEN_PREFIXES), fc.array(piece, { maxLength: 10 }), fc.constantFrom(...ROUTES)).map(([prefix, pieces, route]) => `${prefix}${pieces.join("")}${route.slice(1)}`);

describe("parseRequestTarget: the one reading of a path", () => {
  it("accepts the app's real paths unchanged, queries included", () => {
    for (const route of ROUTES) expect(parseRequestTarget(`${route}?a=1&b=%2e%2e`)).toEqual({ ok: true, path: route, search: "?a=1&b=%2e%2e" });
    expect(parseRequestTarget("/_next/static/chunks/%5Broot-of-the-server%5D__0a1b._.js")).toMatchObject({ ok: true, path: "/_next/static/chunks/%5Broot-of-the-server%5D__0a1b._.js" });
    expect(parseRequestTarget("/tasks/")).toMatchObject({ ok: true, path: "/tasks/" });
  });

  it("refuses what the issue reproduced and its relatives", () => {
    for (const raw of [
      "/_next/static/../../settings",
      "/_next/static/%2e%2e/%2e%2e/settings",
      "/_next/static/.%2E/.%2e/settings",
      "/_next/static/..%2f..%2fsettings",
      "/_next/static/..\\..\\settings",
      "/_next/static/..%5c..%5csettings",
      "/_next/static/%252e%252e/settings",
      "/api/callback/../../settings",
      "/api/internal/./../../tasks/x",
      "//settings",
      "/login/..",
      "/favicon.ico/../settings",
      "/_next/static/x#/../../settings",
      "http://127.0.0.1:3000/settings",
      "*",
      "",
      "/a b",
      "/%zz",
      "/%00",
      `/${"a".repeat(MAX_PATH_CHARS)}`,
    ]) {
      expect(parseRequestTarget(raw), raw).toMatchObject({ ok: false });
    }
  });

  it("decodes escapes of unreserved characters, so /settin%67s is /settings", () => {
    expect(parseRequestTarget("/settin%67s")).toEqual({ ok: true, path: "/settings", search: "" });
    expect(parseRequestTarget("/%5fnext/static/x")).toEqual({ ok: true, path: "/_next/static/x", search: "" });
    expect(classifyPath("/settings")).toBe("session");
  });

  it("what it accepts is a fixed point of every parser: Next routes exactly the path that was classified", () => {
    fc.assert(
      fc.property(rawTarget, (raw) => {
        const verdict = parseRequestTarget(raw);
        if (!verdict.ok) return;
        expect(whatwgPath(verdict.path)).toBe(verdict.path);
        expect(legacyParse(verdict.path).pathname).toBe(verdict.path);
        expect(parseRequestTarget(verdict.path)).toEqual({ ok: true, path: verdict.path, search: "" });
      }),
      { numRuns: 5000 },
    );
  });

  it("never classifies a path more openly than a WHATWG router would resolve the raw target", () => {
    fc.assert(
      fc.property(rawTarget, (raw) => {
        const verdict = parseRequestTarget(raw);
        if (!verdict.ok) return;
        const resolved = classifyPath(decodeUnreserved(whatwgPath(raw)));
        expect(classifyPath(verdict.path), `${raw} → ${verdict.path}`).toBe(resolved);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("classifyPath", () => {
  it("opens only the health check, static files, the favicon and the sign-in page", () => {
    expect(["/api/health", "/_next/static/chunks/a.js", "/favicon.ico", "/login"].map(classifyPath)).toEqual(["public", "public", "public", "public"]);
    expect(["/", "/settings", "/_next/static/", "/_next/image", "/_next/data/x.json", "/login/", "/api/health/", "/api/executions/e/recording", "/ws/events"].map(classifyPath)).toEqual(
      Array(9).fill("session"),
    );
    expect(classifyPath("/api/internal/tasks")).toBe("internal-api");
    expect(classifyPath("/api/internalx")).toBe("session");
    expect(classifyPath("/api/callback/e/s")).toBe("callback");
  });

  it("opens the web app manifest and its icons: a phone fetches them without the session cookie", () => {
    const install = ["/manifest.webmanifest", "/icon.svg", "/icon-192.png", "/icon-512.png", "/icon-maskable-512.png", "/apple-touch-icon.png"];
    expect(install.map(classifyPath)).toEqual(Array(install.length).fill("public"));
    // Only those exact files: neighbours, prefixes and other images stay behind the cookie.
    const closed = ["/manifest.webmanifest/x", "/manifest.json", "/icon-192.png/", "/icon-1.png", "/icons/icon-192.png", "/x/icon.svg", "/apple-touch-icon.png.map", "/inbox"];
    expect(closed.map(classifyPath)).toEqual(Array(closed.length).fill("session"));
  });
});
