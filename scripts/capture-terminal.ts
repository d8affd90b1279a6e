/**
 * Records what a program writes to a real terminal, byte for byte as node-pty delivers it, for
 * test fixtures (test/fixtures/terminal-captures/).
 *
 *   npx tsx scripts/capture-terminal.ts [--cwd DIR] [--cols N] [--rows N] <out-file> -- <command...>
 *
 * The command runs in a PTY named xterm-256color (100×30 unless told otherwise) with this
 * process's environment minus what npm/npx add to it (`npm_*`, INIT_CWD, NODE, COLOR), so it sees
 * the caller's shell environment; nothing is typed into it. The exit code is the command's.
 */
import { writeFileSync } from "node:fs";
import * as pty from "node-pty";

interface CaptureArgs {
  outFile: string;
  command: string;
  args: string[];
  cwd: string;
  cols: number;
  rows: number;
}

const USAGE =
  "usage: npx tsx scripts/capture-terminal.ts [--cwd DIR] [--cols N] [--rows N] <out-file> -- <command...>";

function parseArgs(argv: string[]): CaptureArgs {
  const separator = argv.indexOf("--");
  if (separator === -1) throw new Error(USAGE);
  const options = argv.slice(0, separator);
  const [command, ...args] = argv.slice(separator + 1);
  const settings = { cwd: process.cwd(), cols: 100, rows: 30 };
  const positional: string[] = [];
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!;
    const value = options[i + 1];
    if (option === "--cwd" && value !== undefined) settings.cwd = value;
    else if (option === "--cols" && value !== undefined) settings.cols = Number(value);
    else if (option === "--rows" && value !== undefined) settings.rows = Number(value);
    else {
      positional.push(option);
      continue;
    }
    i++;
  }
  const [outFile] = positional;
  if (outFile === undefined || positional.length !== 1 || command === undefined) throw new Error(USAGE);
  return { outFile, command, args, ...settings };
}

/** Variables `npx` injects into the script's environment; the captured program must not see them. */
const NPX_INJECTED = /^(npm_.*|INIT_CWD|NODE|COLOR)$/;

function programEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !NPX_INJECTED.test(name)) env[name] = value;
  }
  return { ...env, TERM: "xterm-256color" };
}

function capture({ outFile, command, args, cwd, cols, rows }: CaptureArgs): Promise<number> {
  const chunks: string[] = [];
  const term = pty.spawn(command, args, { name: "xterm-256color", cols, rows, cwd, env: programEnvironment() });
  term.onData((data) => chunks.push(data));
  return new Promise((resolve) => {
    term.onExit(({ exitCode, signal }) => {
      // node-pty can deliver the last output just after the exit event.
      setTimeout(() => {
        const text = chunks.join("");
        writeFileSync(outFile, text);
        process.stderr.write(
          `captured ${Buffer.byteLength(text)} bytes in ${chunks.length} chunks from \`${[command, ...args].join(" ")}\` ` +
            `(${cols}x${rows}, exit ${exitCode}${signal ? `, signal ${signal}` : ""}) into ${outFile}\n`,
        );
        resolve(exitCode);
      }, 200);
    });
  });
}

try {
  process.exitCode = await capture(parseArgs(process.argv.slice(2)));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
