import fs from "node:fs";

const WORDS = "the quick brown fox jumps over a lazy dog while tests compile build passed warning error src lib index ok".split(" ");

/**
 * The flood every throughput/fan-out/load scenario `cat`s: lines of 79 printable ASCII characters
 * (a line number and words), every eighth line green (`ESC[32m … ESC[0m`) — plain log output
 * with some colour, as a build or test run prints it. ASCII only, so characters = bytes.
 * Returns the file's size (whole lines, at most `bytes`).
 */
export function generateFloodFile(file: string, bytes: number): number {
  const lines: string[] = [];
  for (let i = 0; i < 8192; i++) {
    let line = `${String(i).padStart(6, "0")} `;
    for (let w = i; line.length < 79; w += 7) line += `${WORDS[w % WORDS.length]} `;
    line = line.slice(0, 79);
    lines.push(i % 8 === 0 ? `\x1b[32m${line}\x1b[0m\n` : `${line}\n`);
  }
  const block = Buffer.from(lines.join(""));
  const fd = fs.openSync(file, "w");
  let written = 0;
  try {
    while (written + block.length <= bytes) {
      fs.writeSync(fd, block);
      written += block.length;
    }
    // Fill up with whole lines of the block.
    if (written < bytes) {
      const rest = block.subarray(0, block.lastIndexOf(0x0a, bytes - written - 1) + 1);
      fs.writeSync(fd, rest);
      written += rest.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  return written;
}
