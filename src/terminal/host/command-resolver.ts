import fs from "node:fs";
import path from "node:path";

/**
 * Finds the executable node-pty would run, before spawning: node-pty forks first and only the
 * child learns that exec failed, so a missing command would otherwise look like a quick exit.
 */
export function resolveCommand(command: string, cwd: string, envPath: string | undefined): string | undefined {
  const isExecutableFile = (file: string) => {
    try {
      const stat = fs.statSync(file);
      if (!stat.isFile()) return false;
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes("/")) {
    const file = path.resolve(cwd, command);
    return isExecutableFile(file) ? file : undefined;
  }
  for (const dir of (envPath ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, command);
    if (isExecutableFile(file)) return file;
  }
  return undefined;
}
