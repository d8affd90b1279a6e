/**
 * Puts several `npm run bench` results side by side as the Markdown table of BENCHMARKS.md:
 *   npx tsx bench/compare-runs.ts bench/results/<a>.json bench/results/<b>.json …
 * The last file gives the figures; every file gives its ratio and whether the target was met.
 */
import fs from "node:fs";
import type { Row } from "./lib/context";

interface Results {
  startedAt: string;
  durationSeconds: number;
  machine: { cpuModel: string; cores: number; ramGB: number; node: string; platform: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  rows: Row[];
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: npx tsx bench/compare-runs.ts <results.json>…");
  process.exit(2);
}
const runs = files.map((file) => JSON.parse(fs.readFileSync(file, "utf8")) as Results);
const latest = runs.at(-1)!;
const key = (row: Row) => `${row.scenario}\u0000${row.metric}`;
const byRun = runs.map((run) => new Map(run.rows.map((row) => [key(row), row])));

const figure = (value: number | undefined, unit: string) => {
  if (value === undefined) return "—";
  const text = Math.abs(value) >= 1000 ? value.toLocaleString("en-US") : String(value);
  return unit === "MB/s" || unit === "ms" || unit === "MB" || unit === "tokens" ? `${text} ${unit}` : text;
};

const lines = [
  `| scenario | metric | app | raw node-pty | app/raw | app/raw, all ${runs.length} runs | target | met |`,
  "|---|---|--:|--:|--:|---|---|---|",
];
for (const row of latest.rows) {
  const all = byRun.map((run) => run.get(key(row)));
  const ratios = all.map((r) => (r?.ratio === undefined ? (r ? `${r.app}` : "—") : `${r.ratio}`)).join(", ");
  const met = row.target ? `${all.filter((r) => r?.target?.pass).length}/${runs.length}` : "";
  lines.push(
    `| ${row.scenario} | ${row.metric} | ${figure(row.app, row.unit)} | ${figure(row.raw, row.unit)} | ${row.ratio === undefined ? "—" : `${row.ratio}×`} | ${ratios} | ${row.target?.text ?? ""} | ${met} |`,
  );
}
console.log(lines.join("\n"));
console.log();
for (const [i, run] of runs.entries()) {
  console.log(
    `- ${files[i]}: ${run.startedAt}, ${run.durationSeconds} s, load ${run.machine.loadAverageAtStart.join(" ")} → ${run.machine.loadAverageAtEnd.join(" ")}`,
  );
}
const m = latest.machine;
console.log(`- machine: ${m.cpuModel}, ${m.cores} cores, ${m.ramGB} GB, ${m.platform}, Node ${m.node}`);
