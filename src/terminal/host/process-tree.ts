import fs from "node:fs";

/**
 * Finding and killing every process a PTY session started. node-pty makes the child a session
 * leader (setsid), so its session id equals its pid; an interactive shell puts background jobs in
 * process groups of their own, so killing the group alone misses them — the session id does not.
 * Processes that re-parented themselves to init keep the session id too.
 */

interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  /** Clock ticks after boot: with the pid, identifies the process even if the pid is reused later. */
  startTime: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces or parentheses.
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).split(" ");
  const state = fields[0];
  if (state === "Z" || state === "X") return undefined; // zombies are already dead
  return {
    pid,
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    session: Number(fields[3]),
    startTime: Number(fields[19]),
  };
}

/**
 * Stopping twenty sessions at once polls the process table twenty times per POLL_MS, each poll
 * reading every /proc/<pid>/stat on the main thread — enough to starve the sessions' own output
 * (the shutdown suite lost a tail that way). A poll may reuse a scan this recent.
 */
const SCAN_REUSE_MS = 25;
let lastScan: { at: number; stats: ProcStat[] } | undefined;

function allStats(maxAgeMs = 0): ProcStat[] {
  const now = performance.now();
  if (maxAgeMs > 0 && lastScan && now - lastScan.at <= maxAgeMs) return lastScan.stats;
  let names: string[];
  try {
    names = fs.readdirSync("/proc");
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const stat = readStat(pid);
    if (stat) out.push(stat);
  }
  lastScan = { at: now, stats: out };
  return out;
}

/**
 * Every live process in the session led by `rootPid`, plus any descendant that left it.
 * `known` (pid → start time) carries what earlier scans found: a process that called setsid() is
 * found through its parent only while that parent lives — once the parent is killed it is
 * re-parented to init, outside the session, and only this memory still makes it ours. A known pid
 * counts only while its start time matches, so a reused pid is never taken for it. Found
 * processes are added to `known`.
 */
export function sessionProcesses(rootPid: number, known?: Map<number, number>, scanMaxAgeMs = 0): number[] {
  if (process.platform !== "linux") return isAlive(rootPid) ? [rootPid] : [];
  const stats = allStats(scanMaxAgeMs);
  const byParent = new Map<number, number[]>();
  for (const s of stats) {
    const list = byParent.get(s.ppid);
    if (list) list.push(s.pid);
    else byParent.set(s.ppid, [s.pid]);
  }
  const found = new Set<number>();
  for (const s of stats) {
    if (s.session === rootPid || s.pgrp === rootPid || s.pid === rootPid || known?.get(s.pid) === s.startTime) found.add(s.pid);
  }
  // Descendants that called setsid() themselves are still ours while their parent chain reaches us.
  const queue = [...found];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    for (const child of byParent.get(pid) ?? []) {
      if (!found.has(child)) {
        found.add(child);
        queue.push(child);
      }
    }
  }
  found.delete(process.pid);
  if (known) {
    const startTimes = new Map(stats.map((s) => [s.pid, s.startTime]));
    for (const pid of found) known.set(pid, startTimes.get(pid)!);
  }
  return [...found];
}

/**
 * Every live process whose environment (as it was started) holds `name=<one of values>`, by
 * value. A variable every process of a run inherits is what still ties its processes to the run
 * once the terminal host that knew their pids is gone: also those that left the run's session
 * (setsid) and lost their parent. Other users' processes cannot be read and are skipped; so is
 * this process.
 */
export function processesByEnv(name: string, values: ReadonlySet<string>): Map<string, number[]> {
  const found = new Map<string, number[]>();
  if (process.platform !== "linux" || values.size === 0) return found;
  const prefix = `${name}=`;
  let names: string[];
  try {
    names = fs.readdirSync("/proc");
  } catch {
    return found;
  }
  for (const entry of names) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    let environ: string;
    try {
      environ = fs.readFileSync(`/proc/${pid}/environ`, "latin1");
    } catch {
      continue;
    }
    for (const variable of environ.split("\0")) {
      if (!variable.startsWith(prefix)) continue;
      const value = variable.slice(prefix.length);
      if (values.has(value) && readStat(pid)) {
        const list = found.get(value);
        if (list) list.push(pid);
        else found.set(value, [pid]);
      }
      break;
    }
  }
  return found;
}

/** True while the process exists and is not a zombie (a dead child nobody has reaped yet). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (process.platform !== "linux") return true;
  return readStat(pid) !== undefined;
}

export function signalProcesses(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** How often the escalation loop re-checks for survivors. */
const POLL_MS = 50;

/**
 * SIGHUP + SIGTERM to the whole session (interactive shells ignore SIGTERM but not SIGHUP), then
 * SIGKILL to whatever is left after `graceMs`. Resolves when nothing of the session remains (or
 * after the SIGKILL round has had a moment to land).
 */
export async function killSessionTree(
  rootPid: number,
  options: { graceMs: number; signal?: NodeJS.Signals },
): Promise<void> {
  // Every scan remembers what it found: a background process that setsid()ed and ignores the
  // signal is still killed after the signal took its parent (found by the shutdown suite).
  const known = new Map<number, number>();
  const first = sessionProcesses(rootPid, known);
  if (first.length === 0) return;
  const signal = options.signal ?? "SIGTERM";
  signalProcesses(first, signal);
  if (signal === "SIGTERM") signalProcesses(first, "SIGHUP");
  if (signal === "SIGKILL") return waitGone(rootPid, known, 1_000);
  const deadline = Date.now() + options.graceMs;
  while (Date.now() < deadline) {
    await delay(POLL_MS);
    if (sessionProcesses(rootPid, known, SCAN_REUSE_MS).length === 0) return;
  }
  signalProcesses(sessionProcesses(rootPid, known, SCAN_REUSE_MS), "SIGKILL");
  await waitGone(rootPid, known, 1_000);
}

async function waitGone(rootPid: number, known: Map<number, number>, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const left = sessionProcesses(rootPid, known, SCAN_REUSE_MS);
    if (left.length === 0) return;
    signalProcesses(left, "SIGKILL");
    await delay(POLL_MS);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
