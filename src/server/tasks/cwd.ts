import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AppError } from "../../lib/errors";

/**
 * A task's working directory: `~` expands to the home directory, the path must be absolute and
 * name an existing directory. Returns the normalised absolute path.
 */
export function resolveTaskCwd(input: string): string {
  const raw = input.trim();
  const expanded = raw === "~" ? os.homedir() : raw.startsWith("~/") ? path.join(os.homedir(), raw.slice(2)) : raw;
  const fail = (message: string) => new AppError("bad_request:cwd", message, { cwd: message });
  if (!path.isAbsolute(expanded)) throw fail(`Working directory must be an absolute path (got "${raw}")`);
  const resolved = path.resolve(expanded);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resolved);
  } catch {
    throw fail(`Working directory does not exist: ${resolved}`);
  }
  if (!stat.isDirectory()) throw fail(`Working directory is not a directory: ${resolved}`);
  return resolved;
}
