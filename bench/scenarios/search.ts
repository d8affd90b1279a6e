import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { BenchContext, Row, ScenarioResult } from "../lib/context";
import { round } from "../lib/stats";

/** The recorded output: the issue asks for a 100 MB recording. */
const OUTPUT_BYTES = 100 * 1024 * 1024;

interface SearchAnswer {
  totalMatches: number;
  complete: boolean;
  searchedToLine: number;
}

/**
 * search: a task prints 100 MiB of the flood file (plain log lines, every eighth one coloured),
 * then `GET …/search` scans the whole run — its recording on disk, flushed and streamed through
 * the search worker, plus the live log — once for plain text and once for a regex. The figure is
 * the recording's size over the route's wall time (MB/s). The "raw" column is GNU grep on the
 * same file in the same run (`grep -c`, and `grep -cE` for the regex): a C scanner over the raw
 * bytes that neither parses the asciicast events nor cleans escape codes, so the ratio is how
 * far the app's full search is from the fastest plain scan of those bytes.
 */
export async function searchScenario(ctx: BenchContext, reps: number): Promise<ScenarioResult> {
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  await ctx.withServer("search", { "terminal.recordingMaxBytes": 1024 * 1024 * 1024 }, async (server) => {
    const taskId = await server.startTask("search flood", ctx.tmp, `head -c ${OUTPUT_BYTES} ${ctx.floodFile}`);
    await server.waitExit(taskId);
    const status = await server.ok<{ executionId: string }>("GET", `/api/internal/terminal/${taskId}/status`);
    const file = path.join(server.dataDir, "recordings", `${status.executionId}.cast`);
    const bytes = fs.statSync(file).size;
    const mb = bytes / 1e6;
    details.recordingBytes = bytes;

    // The first search of a server starts its worker (TypeScript loader and all): not part of a scan's speed.
    await server.ok("GET", `/api/internal/terminal/${taskId}/search?q=warm-up&context=0`);
    const cases = [
      // Line numbers of the flood (one line in 8192, the first of its block coloured), case-insensitive as the app's default.
      { name: "plain text", params: `q=${encodeURIComponent("004096 src")}&regex=false`, grep: ["-ci", "004096 src"] },
      { name: "regex", params: `q=${encodeURIComponent("^0040\\d6 ")}&regex=true`, grep: ["-ciE", "0040[0-9]6 "] },
    ];
    for (const c of cases) {
      const appMs: number[] = [];
      const grepMs: number[] = [];
      let answer: SearchAnswer | undefined;
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now();
        answer = await server.ok<SearchAnswer>("GET", `/api/internal/terminal/${taskId}/search?${c.params}&maxMatches=50&context=2`);
        appMs.push(performance.now() - t0);
        const g0 = performance.now();
        const grep = spawnSync("grep", [...c.grep, file], { encoding: "utf8" });
        grepMs.push(performance.now() - g0);
        if (grep.status !== 0 && grep.status !== 1) throw new Error(`grep failed: ${grep.stderr}`);
      }
      const app = mb / (median(appMs) / 1000);
      const raw = mb / (median(grepMs) / 1000);
      details[c.name] = { appMs, grepMs, totalMatches: answer?.totalMatches, complete: answer?.complete, lines: answer?.searchedToLine };
      rows.push({
        scenario: "search",
        metric: `100 MiB run, ${c.name} (recording ${round(mb, 1)} MB)`,
        unit: "MB/s",
        app: round(app, 1),
        raw: round(raw, 1),
        ratio: round(app / raw, 3),
        note: answer?.complete ? `${answer.totalMatches} matching lines of ${answer.searchedToLine}; raw = grep ${c.grep[0]} on the .cast file` : "the search ran out of its time budget (incomplete)",
      });
    }
  });
  return { rows, details };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
