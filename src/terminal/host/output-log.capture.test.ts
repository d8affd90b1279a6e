/**
 * `clean=true` on real recordings of programs drawing progress in a PTY
 * (test/fixtures/terminal-captures/, see its README): the estimated tokens drop by at least 70 %
 * and the lines a reader needs survive.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { OutputLog } from "./output-log";

const CAPTURES = path.resolve(__dirname, "../../../test/fixtures/terminal-captures");

/** Appends the capture in PTY-sized chunks, as the session would. */
function logOfCapture(file: string): OutputLog {
  const raw = readFileSync(path.join(CAPTURES, file), "utf8");
  const log = new OutputLog({ maxLines: 10_000 });
  for (let i = 0; i < raw.length; i += 4096) log.append(raw.slice(i, i + 4096));
  return log;
}

describe.each([
  {
    file: "curl-progress-bar.ansi",
    finalLines: [/^#{90,} 100\.0%$/],
  },
  {
    file: "curl-progress-meter.ansi",
    finalLines: [/^ {2}% Total {4}% Received % Xferd/, /^100 38\.1M {2}100 38\.1M .* --:--:-- +\d+k$/],
  },
  {
    file: "npm-install.ansi",
    finalLines: [/^added 388 packages in 26s$/, /^68 packages are looking for funding$/, /^npm notice New minor version of npm available!/],
  },
])("clean=true on the $file capture", ({ file, finalLines }) => {
  const log = logOfCapture(file);
  const raw = log.read({ mode: "full" });
  const clean = log.read({ mode: "full", clean: true });

  it("cuts the estimated tokens by at least 70 %", () => {
    expect(raw.stats.linesShown).toBe(clean.stats.linesShown);
    expect(clean.stats.estimatedTokens).toBeLessThanOrEqual(raw.stats.estimatedTokens * 0.3);
  });

  it("keeps the meaningful final lines, free of escapes and redraw leftovers", () => {
    const lines = clean.output.split("\n");
    for (const pattern of finalLines) expect(lines.some((line) => pattern.test(line))).toBe(true);
    expect(clean.output).not.toMatch(/[\x1b\r\b]/);
    expect(clean.output).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/); // npm's spinner frames are gone
  });
});
