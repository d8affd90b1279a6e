import { describe, expect, it } from "vitest";
import { actionArgumentsProblem, isPagePath } from "./next-request-guard";

/** The action-body check that keeps Next from answering 500 (end to end: test/system/hostile-input.test.ts). */
describe("actionArgumentsProblem", () => {
  it("accepts what React sends for plain values", () => {
    for (const body of ["[]", '[{"title":"x","cwd":"/tmp"}]', '["id", {"a": [1, 2, null, true]}]', '["$$dollar", "$undefined", "$NaN", "$-0", "$Infinity", "$-Infinity", "$n123", "$D2026-01-01T00:00:00.000Z"]']) {
      expect(actionArgumentsProblem(body), body).toBeUndefined();
    }
  });

  it("refuses bodies Next cannot decode or that need references this app never sends", () => {
    for (const body of ["", "garbage", "[", '"str"', "{}", "null", '["$Q1"]', '["$@1"]', '["$K1"]', '["$T"]', '["$F1"]', '["$n1x"]', '["$1"]', '[{"a":"$B1"}]', `[${"[".repeat(40)}${"]".repeat(40)}]`]) {
      expect(actionArgumentsProblem(body), body).toEqual(expect.any(String));
    }
  });
});

/** Where a server action may be posted (Next answered 500 to an action posted to a file). */
describe("isPagePath", () => {
  it("takes the app's pages", () => {
    for (const path of ["/", "/settings", "/missions", "/inbox", "/search", "/tasks/3f1c2a9e-8b7d-4c6e-9f10-1a2b3c4d5e6f", "/login", "/no-such-page"]) {
      expect(isPagePath(path), path).toBe(true);
    }
  });

  it("refuses Next's files, the API and every file name", () => {
    for (const path of ["/_next/static/chunks/main.js", "/_next", "/_next/image", "/api/health", "/api", "/favicon.ico", "/manifest.webmanifest", "/icon.svg", "/apple-touch-icon.png", "/notifications-sw.js", "/tasks/x.json"]) {
      expect(isPagePath(path), path).toBe(false);
    }
  });
});
