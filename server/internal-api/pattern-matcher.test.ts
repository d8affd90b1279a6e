import { afterEach, describe, expect, it } from "vitest";
import { PatternMatcher } from "./pattern-matcher";

const EVIL = { source: "(a+)+$", flags: "", text: `${"a".repeat(40)}b` };

describe("PatternMatcher: agents' regexes run off the main thread, within a budget", () => {
  let matcher: PatternMatcher | undefined;
  afterEach(() => matcher?.dispose());

  it("finds the first match, honours flags, and answers null when there is none", async () => {
    matcher = new PatternMatcher();
    expect(await matcher.match("DONE-MARK$", "m", "seq\nDONE-MARK\nprompt$ ")).toBe("DONE-MARK");
    expect(await matcher.match("done", "i", "ALL DONE")).toBe("DONE");
    expect(await matcher.match("^x.y$", "s", "x\ny")).toBe("x\ny");
    expect(await matcher.match("nothing", "", "something else")).toBeNull();
  });

  it("cuts off a catastrophically backtracking pattern with a 400 that says why, and keeps working", async () => {
    // The budget is a count of event-loop turns here, not a time: the main thread keeps turning
    // while the worker backtracks, which is the point.
    matcher = new PatternMatcher(200);
    let turns = 0;
    let spinning = true;
    const spin = () => {
      turns++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    const outcome = await matcher.match(EVIL.source, EVIL.flags, EVIL.text).then(
      () => "matched",
      (error: { code?: string; message?: string }) => error,
    );
    spinning = false;
    expect(outcome).toMatchObject({ code: "bad_request:pattern", message: expect.stringMatching(/backtracks catastrophically/) });
    expect(turns).toBeGreaterThan(10);
    // The worker was replaced: ordinary patterns still match.
    expect(await matcher.match("b$", "", EVIL.text)).toBe("b");
  });

  it("answers queued matches in order, the slow one failing alone", async () => {
    matcher = new PatternMatcher(200);
    const results = await Promise.allSettled([
      matcher.match("one", "", "one two"),
      matcher.match(EVIL.source, EVIL.flags, EVIL.text),
      matcher.match("two", "", "one two"),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(results[2]).toMatchObject({ value: "two" });
  });

  it("refuses work once disposed, and fails what was waiting", async () => {
    matcher = new PatternMatcher(60_000);
    const pending = matcher.match(EVIL.source, EVIL.flags, EVIL.text);
    matcher.dispose();
    await expect(pending).rejects.toMatchObject({ code: "unavailable:shutdown" });
    await expect(matcher.match("a", "", "a")).rejects.toMatchObject({ code: "unavailable:shutdown" });
  });
});
