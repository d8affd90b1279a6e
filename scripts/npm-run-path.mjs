// `npm start` and `npm run restart` run with the PATH npm builds for package scripts: this
// project's node_modules/.bin, the same under every parent directory, and npm's node-gyp wrapper,
// in front of the PATH they were typed with. Task terminals inherit the server's PATH, so a bare
// `tsc`, `gemini` or `codex` typed there (or an agent profile's command) found AI Manager's own
// dev tools instead of the user's, and Settings listed AI Manager's test copies of the agent CLIs
// as installed. The server takes those entries off before anything reads PATH.
import path from "node:path";

const NODE_GYP_BIN = `${path.sep}@npmcli${path.sep}run-script${path.sep}lib${path.sep}node-gyp-bin`;

/**
 * PATH without the entries npm put in front of it for a package script run in `projectDir` (each
 * `<dir>/node_modules/.bin` from `projectDir` up to the root, and npm's node-gyp-bin), as often as
 * npm runs were nested. Only leading entries go: a node_modules/.bin the user put further on stays.
 * Unchanged when `env` shows no npm run (`npm_lifecycle_event` unset).
 */
export function withoutNpmRunPath(pathValue, projectDir, env) {
  if (!pathValue || !env.npm_lifecycle_event) return pathValue;
  const npmBins = new Set();
  for (let dir = path.resolve(projectDir); ; dir = path.dirname(dir)) {
    npmBins.add(path.join(dir, "node_modules", ".bin"));
    if (path.dirname(dir) === dir) break;
  }
  const entries = pathValue.split(path.delimiter);
  let first = 0;
  while (first < entries.length && (npmBins.has(entries[first]) || entries[first].endsWith(NODE_GYP_BIN))) first += 1;
  return first === 0 ? pathValue : entries.slice(first).join(path.delimiter);
}
