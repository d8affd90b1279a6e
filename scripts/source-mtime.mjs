// The newest modification time under a file or directory tree: how the builds decide "stale".
import fs from "node:fs";
import path from "node:path";

/** Milliseconds since the epoch; 0 when the entry does not exist. */
export function newestMtime(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}
