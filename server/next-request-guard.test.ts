import { describe, expect, it } from "vitest";
import { actionArgumentsProblem } from "./next-request-guard";

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
