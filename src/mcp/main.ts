import fs from "node:fs";
import path from "node:path";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { InternalApiClient } from "./api-client";
import { loadMcpConfig, REPO_ROOT } from "./config";
import { buildMcpServer } from "./server";
import { refuseMalformedToolCalls } from "./tool-call-guard";

/**
 * The MCP server's entry (`npm run mcp`, bin/ai-manager-mcp.mjs). stdout carries the protocol
 * and nothing else: console output of any library is sent to stderr, as are our own logs.
 */
for (const method of ["log", "info", "debug"] as const) console[method] = console.error;

function log(message: string): void {
  process.stderr.write(`[ai-manager-mcp] ${message}\n`);
}

function readVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version?: string }).version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

async function main(): Promise<void> {
  const config = loadMcpConfig();
  const server = buildMcpServer({ client: new InternalApiClient(config), defaultTaskId: config.defaultTaskId, version: readVersion() });
  const transport = new StdioServerTransport();
  // The client closing stdin is the normal way an MCP session ends.
  transport.onclose = () => process.exit(0);
  process.stdin.on("end", () => process.exit(0));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void server.close().finally(() => process.exit(0)));
  await server.connect(transport);
  refuseMalformedToolCalls(transport);
  log(`ready; AI Manager at ${config.baseUrl}${config.defaultTaskId ? `, default task ${config.defaultTaskId}` : ""}${config.urlError ? ` (${config.urlError})` : ""}`);
}

process.on("uncaughtException", (error) => {
  log(`fatal: ${error.stack ?? error.message}`);
  process.exit(1);
});

main().catch((error: unknown) => {
  log(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
