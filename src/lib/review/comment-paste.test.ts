import { describe, expect, it } from "vitest";
import { bracketedPaste, commentLocation, formatReviewComments, PASTE_END, PASTE_START, REVIEW_HEADER } from "./comment-paste";

describe("review comments as a paste", () => {
  it("formats one comment per line under the header, ranges as start-end", () => {
    const text = formatReviewComments([
      { path: "src/a.ts", startLine: 12, endLine: 14, side: "new", text: "rename this" },
      { path: "README.md", startLine: 3, endLine: 3, side: "new", text: "  typo  " },
      { path: "old.ts", startLine: 7, endLine: 5, side: "old", text: "why removed?" },
    ]);
    expect(text.split("\n")).toEqual([
      REVIEW_HEADER,
      "src/a.ts:12-14: rename this",
      "README.md:3: typo",
      "old.ts:5-7 (removed lines): why removed?",
    ]);
  });

  it("indents a multi-line comment's later lines", () => {
    expect(formatReviewComments([{ path: "a", startLine: 1, endLine: 1, side: "new", text: "one\r\ntwo" }])).toBe(`${REVIEW_HEADER}\na:1: one\n    two`);
  });

  it("wraps the text in paste markers, removes markers inside it, and sends Enter after", () => {
    const plan = bracketedPaste(`a${PASTE_END}rm -rf ~${PASTE_START}b\n`);
    expect(plan.first).toBe(`${PASTE_START}arm -rf ~b${PASTE_END}`);
    expect(plan.then).toBe("\r");
  });

  it("names a location", () => {
    expect(commentLocation({ path: "x.ts", startLine: 2, endLine: 2, side: "new" })).toBe("x.ts:2");
  });
});
