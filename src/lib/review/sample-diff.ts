import type { FileDiff } from "../../workspace/types";

/**
 * A deterministic unified diff of about `changedLines` changed lines in one TypeScript file, in
 * hunks of mixed additions, removals and context, as git prints them. Used by the review bench
 * page (and tests) to measure the diff view on a big change without a repository.
 */
export function sampleFileDiff(changedLines: number, path = "src/generated/big-module.ts"): FileDiff {
  const out: string[] = [`diff --git a/${path} b/${path}`, "index 1a2b3c4..5d6e7f8 100644", `--- a/${path}`, `+++ b/${path}`];
  let oldLine = 1;
  let newLine = 1;
  let changed = 0;
  let hunkIndex = 0;
  let bodyLines = 0;
  while (changed < changedLines) {
    const removals = Math.min(changedLines - changed, 3 + (hunkIndex % 5));
    const additions = Math.min(changedLines - changed - removals, 6 + (hunkIndex % 7));
    const body: string[] = [];
    for (let i = 0; i < 3; i++) body.push(` const context${hunkIndex}_${i} = computeValue(${hunkIndex}, ${i}); // unchanged`);
    for (let i = 0; i < removals; i++) body.push(`-export function oldHandler${hunkIndex}_${i}(input: string): number { return input.length * ${i}; }`);
    for (let i = 0; i < additions; i++) body.push(`+export function newHandler${hunkIndex}_${i}(input: string): number { return input.trim().length + ${i}; }`);
    for (let i = 0; i < 3; i++) body.push(` const trailer${hunkIndex}_${i} = "context line ${i}";`);
    const oldCount = 6 + removals;
    const newCount = 6 + additions;
    out.push(`@@ -${oldLine},${oldCount} +${newLine},${newCount} @@ export class Module${hunkIndex} {`, ...body);
    bodyLines += body.length;
    changed += removals + additions;
    // 20 unchanged lines between hunks.
    oldLine += oldCount + 20;
    newLine += newCount + 20;
    hunkIndex += 1;
  }
  return { path, binary: false, diff: `${out.join("\n")}\n`, totalLines: bodyLines, truncated: false };
}
