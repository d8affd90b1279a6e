import fs from "node:fs";
import path from "node:path";

/**
 * Private per-run files under `<dataDir>/runs/<executionId>/`: the directory is 0700, files 0600
 * (they hold the callback secret and the internal token). Only the files this module writes are
 * removed; the directory goes only once empty, so other per-run data can live beside them.
 */
export const RUNS_DIR = "runs";
export const SETTINGS_FILE = "claude-settings.json";
export const MCP_CONFIG_FILE = "mcp-config.json";
/** Gemini CLI's settings (hooks + MCP) and opencode's config for the run (src/server/agents). */
export const GEMINI_SETTINGS_FILE = "gemini-settings.json";
export const OPENCODE_CONFIG_FILE = "opencode.json";
const OWN_FILES = [SETTINGS_FILE, MCP_CONFIG_FILE, GEMINI_SETTINGS_FILE, OPENCODE_CONFIG_FILE];
/** A run's own temp dir (its TMPDIR), removed with everything in it when the run's files go. */
export const RUN_TMP_DIR = "tmp";

export function runDir(dataDir: string, executionId: string): string {
  return path.join(dataDir, RUNS_DIR, executionId);
}

export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** Written to a temporary name and renamed, so Claude never reads a half-written file. */
export function writePrivateJson(dir: string, name: string, data: unknown): string {
  const file = path.join(dir, name);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return file;
}

export function removeRunFiles(dir: string): void {
  for (const name of OWN_FILES) fs.rmSync(path.join(dir, name), { force: true });
  fs.rmSync(path.join(dir, RUN_TMP_DIR), { recursive: true, force: true });
  try {
    fs.rmdirSync(dir);
  } catch {
    // Not empty (other per-run data) or already gone.
  }
}

/**
 * Start-up: runs of a previous app server are over — except those still alive in the terminal
 * host (`live`), whose Claude still reads its settings — and their files need not stay on disk.
 */
export function sweepRunFiles(dataDir: string, live: ReadonlySet<string> = new Set()): void {
  const root = path.join(dataDir, RUNS_DIR);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) if (entry.isDirectory() && !live.has(entry.name)) removeRunFiles(path.join(root, entry.name));
}
