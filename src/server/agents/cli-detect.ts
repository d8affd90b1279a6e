import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { AGENT_CLIS, BUILTIN_AGENT_KINDS, type BuiltinAgentKind } from "../../lib/agent-clis";
import { resolveCommand } from "../../terminal/host/command-resolver";

/** A CLI that does not print its version in this long is reported without one (a first-run TUI, a hung wrapper). */
export const VERSION_TIMEOUT_MS = 10_000;
/** Settings may be opened often; PATH and the binaries rarely change. A stale answer is refreshed in the background. */
export const DETECT_TTL_MS = 60_000;
const MAX_VERSION_CHARS = 200;

export interface AgentCliPresence {
  kind: BuiltinAgentKind;
  /** Where it was found on PATH, or null when it is not installed. */
  path: string | null;
  /** The first line of `<bin> --version`, or null (not installed, or it did not answer). */
  version: string | null;
  /** Why there is no version although the binary exists. */
  error?: string;
}

/**
 * Gemini CLI starts a second node process of itself (for a larger heap) unless told not to: its
 * `--version` took 3.1 s of CPU that way and 1.9 s without, at every server start, beside the
 * reattach of the sessions. Only the version is asked for here; runs of it are left as they are.
 */
const VERSION_ENV = { GEMINI_CLI_NO_RELAUNCH: "true" };

function versionEnv(env: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv {
  const merged: Record<string, string | undefined> = { ...env, ...VERSION_ENV };
  return merged as NodeJS.ProcessEnv;
}

/** Runs `<path> --version` without a shell, bounded in time and output. */
export function readVersion(file: string, env: Readonly<Record<string, string | undefined>>): Promise<{ version: string | null; error?: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      ["--version"],
      { env: versionEnv(env), cwd: os.tmpdir(), timeout: VERSION_TIMEOUT_MS, killSignal: "SIGKILL", maxBuffer: 64 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        const first = `${stdout}`.split("\n").map((line) => line.trim()).find(Boolean) ?? `${stderr}`.split("\n").map((l) => l.trim()).find(Boolean);
        if (error && !first) {
          const reason = (error as NodeJS.ErrnoException & { killed?: boolean }).killed ? `no answer within ${VERSION_TIMEOUT_MS / 1000} s` : error.message;
          resolve({ version: null, error: reason.slice(0, MAX_VERSION_CHARS) });
          return;
        }
        resolve({ version: first ? first.slice(0, MAX_VERSION_CHARS) : null });
      },
    );
  });
}

export async function detectAgentClis(env: Readonly<Record<string, string | undefined>> = process.env): Promise<AgentCliPresence[]> {
  return Promise.all(
    BUILTIN_AGENT_KINDS.map(async (kind): Promise<AgentCliPresence> => {
      const file = resolveCommand(AGENT_CLIS[kind].binary, os.tmpdir(), env.PATH);
      if (!file) return { kind, path: null, version: null };
      return { kind, path: file, ...(await readVersion(file, env)) };
    }),
  );
}

/**
 * Which agent CLIs are installed, for Settings: found on the server's PATH, with their version.
 * Detection runs in the background (at start, and when an answer is older than `DETECT_TTL_MS`
 * or a binary changed), so a page never waits for a slow `--version` — except the very first,
 * which waits for the detection already under way.
 */
export class AgentCliDetector {
  private latest: { at: number; result: AgentCliPresence[]; stamp: string } | undefined;
  private running: Promise<AgentCliPresence[]> | undefined;

  constructor(
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached answer (refreshing it in the background when stale), or the first detection. */
  async current(): Promise<AgentCliPresence[]> {
    if (!this.latest) return this.refresh();
    if (this.now() - this.latest.at > DETECT_TTL_MS || this.stamp() !== this.latest.stamp) void this.refresh();
    return this.latest.result;
  }

  refresh(): Promise<AgentCliPresence[]> {
    this.running ??= detectAgentClis(this.env)
      .then((result) => {
        this.latest = { at: this.now(), result, stamp: this.stamp() };
        return result;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Which binaries PATH resolves to and when they changed: an install or upgrade shows at once. */
  private stamp(): string {
    return BUILTIN_AGENT_KINDS.map((kind) => {
      const file = resolveCommand(AGENT_CLIS[kind].binary, os.tmpdir(), this.env.PATH);
      if (!file) return "-";
      try {
        return `${file}:${fs.statSync(file).mtimeMs}`;
      } catch {
        return "-";
      }
    }).join("|");
  }
}
