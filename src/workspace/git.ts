import { execFile } from "node:child_process";
import { AppError } from "../lib/errors";

/**
 * The one way this app runs git: the `git` CLI (2.38 or newer: `merge-tree --write-tree`) with an
 * argument array (never a shell), a timeout, no prompts, no pager, no colour, and git's own message
 * in the error. Callers put `--` before paths and validate anything that becomes a ref or option.
 */

/** Longer than any local operation on a big repository; a hung git (a lock, a hook) is cut off. */
export const GIT_TIMEOUT_MS = 60_000;
/** Push and `gh` talk to the network. */
export const GIT_NETWORK_TIMEOUT_MS = 120_000;
/** Diffs of huge generated files are cut by the callers; this only bounds memory. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface GitOptions {
  cwd: string;
  timeoutMs?: number;
  /** Exit codes that are answers, not failures (e.g. 1 from `diff --quiet`). Default: only 0. */
  okExitCodes?: number[];
  env?: Record<string, string>;
  /** Text written to git's stdin. */
  input?: string;
}

/** A git command that failed: carries git's own message (first lines of stderr). */
export class GitError extends AppError {
  readonly exitCode: number;
  readonly stderr: string;

  constructor(args: readonly string[], exitCode: number, stderr: string, code: `${string}:${string}` = "bad_request:git") {
    const said = stderr.trim().split("\n").slice(0, 6).join("\n") || `exit code ${exitCode}`;
    super(code as ConstructorParameters<typeof AppError>[0], `git ${args[0] ?? ""} failed: ${said}`);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** The environment every git call gets: never ask a person anything, never page, never colour. */
function gitEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "",
    SSH_ASKPASS: "",
    GIT_PAGER: "cat",
    PAGER: "cat",
    GIT_OPTIONAL_LOCKS: "0",
    LC_ALL: "C",
    ...extra,
  };
}

export function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
  const okExitCodes = options.okExitCodes ?? [0];
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      ["-c", "color.ui=false", "-c", "core.quotePath=false", ...args],
      {
        cwd: options.cwd,
        env: gitEnv(options.env),
        timeout: options.timeoutMs ?? GIT_TIMEOUT_MS,
        killSignal: "SIGKILL",
        maxBuffer: MAX_OUTPUT_BYTES,
        encoding: "utf8",
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (error && typeof (error as NodeJS.ErrnoException).code === "string") {
          const code = (error as NodeJS.ErrnoException).code;
          const why = code === "ENOENT" ? "git is not installed, or the directory does not exist" : code;
          reject(new AppError("unavailable:git", `git ${args[0] ?? ""} could not run in ${options.cwd}: ${why}`));
          return;
        }
        const exitCode = error ? (error.killed ? -1 : typeof error.code === "number" ? error.code : 1) : 0;
        if (error?.killed) {
          reject(new GitError(args, exitCode, `timed out after ${options.timeoutMs ?? GIT_TIMEOUT_MS} ms\n${stderr}`, "unavailable:git_timeout"));
          return;
        }
        if (!okExitCodes.includes(exitCode)) {
          reject(new GitError(args, exitCode, stderr));
          return;
        }
        resolve({ stdout, stderr, exitCode });
      },
    );
    // git may exit without reading its input (a hook refused, a bad argument): the write then fails
    // with EPIPE, which must not become an uncaught exception. The exit status says what happened.
    child.stdin?.on("error", () => undefined);
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** stdout of a git command that must succeed, trimmed of its final newline. */
export async function gitText(args: readonly string[], options: GitOptions): Promise<string> {
  const result = await git(args, options);
  return result.stdout.replace(/\n$/, "");
}

/** True when git answers 0, false on 1 (or the given "no" codes); other failures throw. */
export async function gitTest(args: readonly string[], options: GitOptions & { noExitCodes?: number[] }): Promise<boolean> {
  const no = options.noExitCodes ?? [1];
  const result = await git(args, { ...options, okExitCodes: [0, ...no] });
  return result.exitCode === 0;
}
