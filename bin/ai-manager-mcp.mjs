#!/usr/bin/env node
// AI Manager's MCP server (stdio). Usable from any directory, e.g.
//   claude mcp add ai-manager -- node /path/to/ai-manager/bin/ai-manager-mcp.mjs
// It runs the build's bundle (scripts/server-bundle.mjs) when that is current, else the TypeScript
// sources through tsx, resolved relative to this file. Neither prints anything on stdout, which
// belongs to the MCP protocol.
import { fileURLToPath, pathToFileURL } from "node:url";
import { currentBundle } from "../scripts/server-bundle.mjs";

const root = new URL("../", import.meta.url);
const bundle = currentBundle(fileURLToPath(root), "mcp");
if (bundle) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import("tsx/esm/api");
  register({ tsconfig: fileURLToPath(new URL("tsconfig.json", root)) });
  await import(new URL("src/mcp/main.ts", root).href);
}
