#!/usr/bin/env node
// AI Manager's MCP server (stdio). Usable from any directory, e.g.
//   claude mcp add ai-manager -- node /path/to/ai-manager/bin/ai-manager-mcp.mjs
// It loads the TypeScript sources through tsx, resolved relative to this file. tsx prints
// nothing on stdout, which belongs to the MCP protocol.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = new URL("../", import.meta.url);
register({ tsconfig: fileURLToPath(new URL("tsconfig.json", root)) });
await import(new URL("src/mcp/main.ts", root).href);
