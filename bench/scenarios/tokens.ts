import fs from "node:fs";
import path from "node:path";
import type { BenchContext, Row, ScenarioResult } from "../lib/context";
import { round } from "../lib/stats";

/**
 * tokens: each capture in test/fixtures/terminal-captures is printed byte for byte in a task
 * session (`stty -opost; cat <file>`: no output processing, so the PTY adds no `\r`), then read
 * through the buffer route in full, raw and with `clean=true`; `stats.estimatedTokens` of both.
 * Here the "raw" column is the raw read, "app" the cleaned one.
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
  });
  return { rows, details };
}
