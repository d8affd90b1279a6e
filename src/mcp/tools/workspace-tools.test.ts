import { describe, expect, it } from "vitest";
import { formatChanges, formatFileDiff, visible } from "./workspace-tools";

describe("get_task_changes formatting", () => {
  it("writes control characters visibly, CRLF as LF, names on one line", () => {
    expect(visible("a\u001b[31mred\u0000\r\nb\rc", true)).toBe("a\\x1b[31mred\\x00\nb\\x0dc");
    expect(visible("odd\nname")).toBe("odd\\x0aname");
  });

  it("formats the summary and diffs compactly", () => {
    const text = formatChanges({
      baseBranch: "main",
      branch: "ai/x",
      mergeBase: "0123456789abcdef0123",
      commitsAhead: 1,
      commitsBehind: 2,
      computedAt: 0,
      totals: { files: 2, added: 3, removed: 1 },
      files: [
        { path: "b.ts", oldPath: "a.ts", kind: "renamed", added: 3, removed: 1, binary: false, committed: true, uncommitted: true, untracked: false },
        { path: "x.png", oldPath: null, kind: "added", added: null, removed: null, binary: true, committed: false, uncommitted: false, untracked: true },
      ],
    });
    expect(text.split("\n")).toEqual([
      "[ai/x vs main (merge base 0123456789ab): 1 commit ahead, 2 behind; 2 files changed, +3 −1]",
      "renamed  +3 −1        a.ts → b.ts  (committed, uncommitted)",
      "added    binary       x.png  (untracked)",
      "[read a file's diff with path=<file>]",
    ]);
    expect(formatFileDiff({ path: "f", binary: false, diff: "a\nb\n", totalLines: 9, truncated: true })).toBe(
      "[f: unified diff, lines 1–2 of 9; ask with a larger maxLines for more]\na\nb",
    );
  });
});
