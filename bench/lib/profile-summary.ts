import fs from "node:fs";
import path from "node:path";

/**
 * Top frames of a V8 .cpuprofile (node --cpu-prof) by self time. Also a CLI:
 *   npx tsx bench/lib/profile-summary.ts <file.cpuprofile | dir> [top]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FrameShare {
  frame: string;
  selfMs: number;
  percent: number;
}

export function summarizeProfile(file: string, top = 15): { totalMs: number; idlePercent: number; frames: FrameShare[] } {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  if (profile.samples && profile.timeDeltas) {
    for (let i = 0; i < profile.samples.length; i++) {
      const delta = profile.timeDeltas[i + 1] ?? 0;
      selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + delta);
    }
  }
  const totalUs = profile.endTime - profile.startTime;
  const byFrame = new Map<string, number>();
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") idleUs += us;
    const where = url ? `${shorten(url)}:${lineNumber + 1}` : "";
    const key = `${functionName || "(anonymous)"}${where ? ` ${where}` : ""}`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + us);
  }
  const frames = [...byFrame.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([frame, us]) => ({ frame, selfMs: Math.round(us / 100) / 10, percent: Math.round((us / totalUs) * 1000) / 10 }));
  return { totalMs: Math.round(totalUs / 1000), idlePercent: Math.round((idleUs / totalUs) * 1000) / 10, frames };
}

function shorten(url: string): string {
  const clean = url.replace(/^file:\/\//, "");
  const nm = clean.lastIndexOf("node_modules/");
  if (nm >= 0) return clean.slice(nm + "node_modules/".length);
  const cwd = process.cwd() + path.sep;
  return clean.startsWith(cwd) ? clean.slice(cwd.length) : clean;
}

export function formatSummary(file: string, top = 15): string {
  const s = summarizeProfile(file, top);
  const lines = [`${file}: ${s.totalMs} ms profiled, ${s.idlePercent}% idle`];
  for (const f of s.frames) lines.push(`  ${f.percent.toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.frame}`);
  return lines.join("\n");
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const target = process.argv[2];
  const top = Number(process.argv[3] ?? 20);
  if (!target) {
    process.stderr.write("usage: profile-summary.ts <file.cpuprofile | dir> [top]\n");
    process.exit(2);
  }
  const files = fs.statSync(target).isDirectory()
    ? fs.readdirSync(target, { recursive: true }).map(String).filter((f) => f.endsWith(".cpuprofile")).map((f) => path.join(target, f))
    : [target];
  for (const file of files) process.stdout.write(`${formatSummary(file, top)}\n\n`);
}
