import { describe, expect, it } from "vitest";
import { paginateDiff } from "./diff-pages";
import { sampleFileDiff } from "./sample-diff";

const HEADER = ["diff --git a/a.txt b/a.txt", "index 1111111..2222222 100644", "--- a/a.txt", "+++ b/a.txt"];

/** Old and new file line numbers each body line stands for, from a diff's hunk headers. */
function lineMap(diff: string): string[] {
  const out: string[] = [];
  let oldLine = 0;
  let newLine = 0;
  for (const line of diff.split("\n")) {
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (m) {
      oldLine = Number(m[2]) === 0 ? Number(m[1]) + 1 : Number(m[1]);
      newLine = Number(m[4]) === 0 ? Number(m[3]) + 1 : Number(m[3]);
      continue;
    }
    if (line.startsWith("+") && !line.startsWith("+++")) out.push(`+${newLine++} ${line}`);
    else if (line.startsWith("-") && !line.startsWith("---")) out.push(`-${oldLine++} ${line}`);
    else if (line.startsWith(" ")) out.push(` ${oldLine++}/${newLine++} ${line}`);
  }
  return out;
}

describe("paginateDiff", () => {
  it("keeps a small diff as one page, unchanged", () => {
    const diff = [...HEADER, "@@ -1,2 +1,2 @@ title", " a", "-b", "+c", ""].join("\n");
    const paged = paginateDiff(diff, 1000);
    expect(paged.pages).toHaveLength(1);
    expect(paged.pages[0]!.text).toBe(diff);
    expect(paged.totalLines).toBe(3);
  });

  it("cuts a 5 000-line change into pages of at most the limit, each a whole diff with the header", () => {
    const sample = sampleFileDiff(5000);
    const paged = paginateDiff(sample.diff, 1000);
    expect(paged.pages.length).toBeGreaterThanOrEqual(5);
    for (const page of paged.pages) {
      expect(page.lines).toBeLessThanOrEqual(1000);
      expect(page.text.startsWith(HEADER[0]!.replace("a.txt", "src/generated/big-module.ts").split(" b/")[0]!)).toBe(true);
    }
    expect(paged.totalLines).toBe(sample.totalLines);
    // Every body line keeps its line numbers.
    expect(paged.pages.flatMap((page) => lineMap(page.text))).toEqual(lineMap(sample.diff));
  });

  it("splits one huge hunk (a new file) with recomputed hunk headers", () => {
    const body = Array.from({ length: 2500 }, (_, i) => `+line ${i + 1}`);
    const diff = ["diff --git a/n.txt b/n.txt", "new file mode 100644", "--- /dev/null", "+++ b/n.txt", "@@ -0,0 +1,2500 @@", ...body, ""].join("\n");
    const paged = paginateDiff(diff, 1000);
    expect(paged.pages.map((page) => page.lines)).toEqual([1000, 1000, 500]);
    expect(paged.pages[1]!.text).toContain("@@ -0,0 +1001,1000 @@");
    expect(paged.pages[2]!.text).toContain("@@ -0,0 +2001,500 @@");
    expect(paged.pages.flatMap((page) => lineMap(page.text))).toEqual(lineMap(diff));
  });

  it("splits a mixed hunk and keeps '\\ No newline' with its line", () => {
    const body = [" a", "-b", "-c", "+d", " e", "+f", "-g", "\\ No newline at end of file", "+g", "\\ No newline at end of file"];
    const diff = [...HEADER, "@@ -1,6 +1,6 @@", ...body].join("\n");
    const paged = paginateDiff(diff, 3);
    expect(paged.pages.flatMap((page) => lineMap(page.text))).toEqual(lineMap(diff));
    const texts = paged.pages.map((page) => page.text).join("");
    expect(texts.match(/No newline/g)).toHaveLength(2);
    for (const page of paged.pages) expect(page.text.split("\n").find((l) => l.startsWith("@@"))?.startsWith("@@ -")).toBe(true);
  });

  it("has no pages for a diff without hunks (binary, mode change)", () => {
    expect(paginateDiff("diff --git a/x b/x\nBinary files a/x and b/x differ\n", 100).pages).toEqual([]);
    expect(paginateDiff("", 100).pages).toEqual([]);
  });
});
