import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { estimateTokens } from "../../src/lib/terminal-text/ansi-clean";
import type { BenchContext, Row, ScenarioResult } from "../lib/context";
import { BENCH_BASH_PROFILE, type BenchServer } from "../lib/server";
import { round } from "../lib/stats";

/**
 * tokens: each capture in test/fixtures/terminal-captures is printed byte for byte in a task
 * session (`stty -opost; cat <file>`: no output processing, so the PTY adds no `\r`), then read
 * through the buffer route in full, raw and with `clean=true`; `stats.estimatedTokens` of both.
 * Here the "raw" column is the raw read, "app" the cleaned one.
 *
 * Then send-and-wait (issue 15): an agent runs a command printing 10 000 lines in a shell task
 * and learns its result in ONE `send_task_terminal_input` call (`waitFor: "prompt"`, the command
 * followed by `echo "exit=$?"`) through the real MCP server
 * (stdio, `bin/ai-manager-mcp.mjs`), as Claude Code would. "app" is the estimated tokens of the
 * tool's answer (the one heuristic, chars ÷ 4), "raw" those of the command's whole output read
 * clean (what an agent reading all of it would pay). The target also needs the answer to hold the
 * command's last lines and its exit status.
 */
export async function tokensScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const dir = path.join(ctx.root, "test", "fixtures", "terminal-captures");
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".ansi")).sort();
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  await ctx.withServer("tokens", {}, async (server) => {
    let rawSum = 0;
    let cleanSum = 0;
    for (const file of files) {
      const taskId = await server.startTask(`tokens ${file}`, ctx.tmp, `stty -opost; cat ${path.join(dir, file)}`);
      await server.waitExit(taskId);
      const route = `/api/internal/terminal/${taskId}/buffer?mode=full&maxLines=10000`;
      const raw = await server.ok<{ stats: { estimatedTokens: number; totalBytes: number } }>("GET", route);
      const clean = await server.ok<{ stats: { estimatedTokens: number } }>("GET", `${route}&clean=true`);
      rawSum += raw.stats.estimatedTokens;
      cleanSum += clean.stats.estimatedTokens;
      const ratio = clean.stats.estimatedTokens / raw.stats.estimatedTokens;
      details[file] = { bytes: raw.stats.totalBytes, fileBytes: fs.statSync(path.join(dir, file)).size, raw: raw.stats.estimatedTokens, clean: clean.stats.estimatedTokens };
      rows.push({
        scenario: "tokens",
        metric: `${file} (clean vs raw read)`,
        unit: "tokens",
        app: clean.stats.estimatedTokens,
        raw: raw.stats.estimatedTokens,
        ratio: round(ratio, 2),
        target: { text: "≤ 0.30 (issue 4)", pass: ratio <= 0.3 },
      });
    }
    rows.push({
      scenario: "tokens",
      metric: "all captures",
      unit: "tokens",
      app: cleanSum,
      raw: rawSum,
      ratio: round(cleanSum / rawSum, 2),
    });
    const sent = await sendAndWait(ctx, server);
    rows.push(sent.row);
    details["send-and-wait"] = sent.details;
  });
  return { rows, details };
}

const COMMAND_LINES = 10_000;
const TOKEN_TARGET = 400;

async function sendAndWait(ctx: BenchContext, server: BenchServer): Promise<{ row: Row; details: Record<string, unknown> }> {
  const taskId = await server.startTask("tokens send-and-wait", ctx.tmp, "", undefined, BENCH_BASH_PROFILE);
  // Setup, not counted: the shell has printed its prompt (an agent would have started the task earlier).
  await server.ok("GET", `/api/internal/terminal/${taskId}/buffer?since=0&mode=tail&tailLines=1&waitFor=idle&idleMs=300&timeoutMs=20000`);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(ctx.root, "bin", "ai-manager-mcp.mjs")],
    env: { AI_MANAGER_URL: server.origin, AI_MANAGER_INTERNAL_TOKEN: server.token, AI_MANAGER_TASK_ID: taskId },
    cwd: ctx.tmp,
    stderr: "ignore",
  });
  const client = new Client({ name: "bench-tokens", version: "1.0.0" });
  await client.connect(transport);
  try {
    const result = (await client.callTool({
      name: "send_task_terminal_input",
      arguments: { input: `seq 1 ${COMMAND_LINES}; echo "exit=$?"`, waitFor: "prompt" },
    })) as { content: Array<{ type: string; text: string }>; isError?: boolean };
    const text = result.content.map((c) => c.text).join("\n");
    if (result.isError) throw new Error(`send_task_terminal_input failed: ${text}`);
    const tokens = estimateTokens(text);
    const readFrom = Number(/output from line (\d+)/.exec(text)?.[1] ?? 0);
    const whole = await server.ok<{ stats: { estimatedTokens: number; linesShown: number } }>(
      "GET",
      `/api/internal/terminal/${taskId}/buffer?mode=full&maxLines=10000&clean=true&since=${readFrom}`,
    );
    const lastLines = new RegExp(`^${COMMAND_LINES - 1}\\n${COMMAND_LINES}\\nexit=0$`, "m").test(text);
    const exitStatus = /^exit=0$/m.test(text) && /\[prompt back after [\d.]+ s\]/.test(text);
    const pass = tokens <= TOKEN_TARGET && lastLines && exitStatus;
    await server.stopTask(taskId);
    return {
      row: {
        scenario: "tokens",
        metric: `send-and-wait: ${COMMAND_LINES.toLocaleString("en-US")}-line command, 1 MCP call (vs reading its whole output)`,
        unit: "tokens",
        app: tokens,
        raw: whole.stats.estimatedTokens,
        ratio: round(tokens / whole.stats.estimatedTokens, 3),
        target: { text: `≤ ${TOKEN_TARGET} in 1 call, last lines + exit status (issue 15)`, pass },
        ...(pass ? {} : { note: `last lines ${lastLines ? "present" : "MISSING"}, exit status ${exitStatus ? "present" : "MISSING"}` }),
      },
      details: { calls: 1, tokens, chars: text.length, wholeOutputTokens: whole.stats.estimatedTokens, wholeOutputLines: whole.stats.linesShown, lastLines, exitStatus, answer: text },
    };
  } finally {
    await client.close();
  }
}
