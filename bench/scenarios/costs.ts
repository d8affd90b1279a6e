import fs from "node:fs";
import path from "node:path";
import { CostService } from "../../src/server/costs/cost-service";
import { ExecutionService } from "../../src/server/executions/execution-service";
import { createLogger } from "../../src/server/logger";
import { createTestApp, makeDir } from "../../src/server/testing/test-app";
import { assistantLines, jsonl, userLine } from "../../test/helpers/claude-transcript";
import type { BenchContext, Row, ScenarioResult } from "../lib/context";
import { median, MiB, nowMs, round } from "../lib/stats";

/**
 * costs: what keeping a Claude run's cost current costs, on a transcript of `sizeMiB` in Claude's
 * format (responses of 2–3 lines each, user turns with tool output between them). In process,
 * real SQLite (migrations) and real files. "app": CostService — the first read of the whole file,
 * then a refresh after one more response is appended (what a hook or the timer does mid-run).
 * "raw": the naive way, every time — read the whole file, JSON.parse every line, sum usage.
 */
export async function costsScenario(ctx: BenchContext, sizeMiB: number, reps: number): Promise<ScenarioResult> {
  const app = createTestApp();
  const start = new Date(Date.now() - 60_000);
  try {
    const executions = new ExecutionService(app.database.db, app.events);
    const profile = app.profiles.list()[0]!;
    const task = app.tasks.create({ title: "bench costs", cwd: makeDir(app, "p"), prompt: "", profileId: profile.id });
    const execution = executions.create(executions.newId(), { taskId: task.id, profile, commandLine: "claude", cwd: task.cwd, callbackSecretHash: "h", startedAt: start });
    const file = path.join(ctx.tmp, "costs-transcript.jsonl");
    const messages = writeTranscript(file, sizeMiB * MiB, start);
    const bytes = fs.statSync(file).size;
    const costs = new CostService({ db: app.database.db, events: app.events, logger: createLogger("silent"), pollMs: 3_600_000 });
    try {
      const t0 = nowMs();
      costs.noteTranscript(execution, file);
      // The first read goes in 4 MiB slices; a test drives them back to back instead of the catch-up timer.
      while ((costs.usageOf(execution.id)?.messages ?? 0) < messages) await costs.refresh(execution.id);
      const firstMs = nowMs() - t0;
      const incremental: number[] = [];
      const naive: number[] = [];
      for (let i = 0; i < reps; i++) {
        fs.appendFileSync(file, jsonl(assistantLines({ id: `msg_more_${i}`, model: "claude-sonnet-4-5-20250929", usage: { input: 3, output: 40, cacheRead: 20_000 }, at: new Date(), blocks: ["text", "tool_use"] })));
        const a = nowMs();
        await costs.refresh(execution.id);
        incremental.push(nowMs() - a);
        const b = nowMs();
        naiveSum(file);
        naive.push(nowMs() - b);
      }
      const usage = costs.usageOf(execution.id);
      if (usage?.messages !== messages + reps) throw new Error(`counted ${usage?.messages} responses, expected ${messages + reps}`);
      const inc = median(incremental);
      const full = median(naive);
      const rows: Row[] = [
        {
          scenario: "costs",
          metric: `first read of a ${sizeMiB} MiB transcript`,
          unit: "ms",
          app: round(firstMs, 1),
          raw: round(full, 1),
          ratio: round(firstMs / full, 2),
          note: "app: 4 MiB slices, each counted and stored in SQLite; raw: one readFile + JSON.parse of every line",
        },
        {
          scenario: "costs",
          metric: "refresh after one appended response (median)",
          unit: "ms",
          app: round(inc, 2),
          raw: round(full, 1),
          ratio: round(inc / full, 4),
          target: { text: "≤ 0.01 of a full re-read", pass: inc / full <= 0.01 },
        },
      ];
      return { rows, details: { bytes, messages, reps, firstMs, incrementalMs: incremental, naiveMs: naive } };
    } finally {
      costs.close();
    }
  } finally {
    app.dispose();
  }
}

/** Writes about `target` bytes of conversation; returns the number of responses in it. */
function writeTranscript(file: string, target: number, start: Date): number {
  const fd = fs.openSync(file, "w");
  let written = 0;
  let n = 0;
  try {
    while (written < target) {
      const at = new Date(start.getTime() + 1000 + n);
      const chunk = jsonl([
        userLine(`tool output ${n}: ${"lorem ipsum dolor sit amet ".repeat(40 + (n % 200))}`, at),
        ...assistantLines({ id: `msg_${n}`, model: n % 5 === 0 ? "claude-haiku-4-5-20251001" : "claude-sonnet-4-5-20250929", usage: { input: 5, output: 300, cacheWrite: 2_000, cacheRead: 40_000 }, at, blocks: n % 2 ? ["thinking", "text", "tool_use"] : ["text", "tool_use"] }),
      ]);
      fs.writeSync(fd, chunk);
      written += Buffer.byteLength(chunk);
      n += 1;
    }
  } finally {
    fs.closeSync(fd);
  }
  return n;
}

function naiveSum(file: string): number {
  let total = 0;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    const entry = JSON.parse(line) as { type?: string; message?: { usage?: { output_tokens?: number } } };
    if (entry.type === "assistant") total += entry.message?.usage?.output_tokens ?? 0;
  }
  return total;
}
