import fs from "node:fs";

/**
 * Looking at processes through /proc (Linux), to check what a server left behind. A PTY's child
 * is a session leader (node-pty calls setsid), so "everything a task started" is every process
 * whose session id is that child's pid — background jobs and re-parented grandchildren included.
 */

interface Stat {
  pid: number;
  ppid: number;
  state: string;
  session: number;
  /** Clock ticks after boot: with the pid, identifies a process even if its pid is reused. */
  startTime: number;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  return { pid, ppid: Number(fields[1]), state: fields[0]!, session: Number(fields[3]), startTime: Number(fields[19]) };
}

function allStats(): Stat[] {
  const out: Stat[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/** Live (non-zombie) processes whose session id is `sid`. */
export function sessionMembers(sid: number): number[] {
  return allStats()
    .filter((s) => s.session === sid && s.state !== "Z" && s.state !== "X")
    .map((s) => s.pid);
}

/** Live (non-zombie) processes among `pids`. */
export function aliveAmong(pids: Iterable<number>): number[] {
  const out: number[] = [];
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat && stat.state !== "Z" && stat.state !== "X") out.push(pid);
  }
  return out;
}

export function killAll(pids: Iterable<number>, signal: NodeJS.Signals = "SIGKILL"): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** A process as `pid:starttime`, so a later check is not fooled by a reused pid. */
export type ProcessKey = string;

/**
 * Everything a PTY session started: the processes in the session led by `sid`, plus every
 * descendant of those (a child that called setsid() is in a session of its own but still ours).
 */
export function sessionTree(sid: number): ProcessKey[] {
  const stats = allStats().filter((s) => s.state !== "Z" && s.state !== "X");
  const found = new Set(stats.filter((s) => s.session === sid || s.pid === sid).map((s) => s.pid));
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of stats) {
      if (!found.has(s.pid) && found.has(s.ppid)) {
        found.add(s.pid);
        grew = true;
      }
    }
  }
  return stats.filter((s) => found.has(s.pid)).map((s) => `${s.pid}:${s.startTime}`);
}

/** The key of a live process, or undefined when it is gone. */
export function processKey(pid: number): ProcessKey | undefined {
  const stat = readStat(pid);
  return stat && stat.state !== "Z" && stat.state !== "X" ? `${pid}:${stat.startTime}` : undefined;
}

/** The processes of `keys` that still exist (same pid, same start time, not a zombie). */
export function aliveKeys(keys: Iterable<ProcessKey>): ProcessKey[] {
  const out: ProcessKey[] = [];
  for (const key of keys) {
    const [pid, start] = key.split(":").map(Number) as [number, number];
    const stat = readStat(pid);
    if (stat && stat.startTime === start && stat.state !== "Z" && stat.state !== "X") out.push(key);
  }
  return out;
}

/** A short description of a process for failure messages: `pid (comm) ppid=… sid=…`. */
export function describeProcess(key: ProcessKey): string {
  const pid = Number(key.split(":")[0]);
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const comm = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
    const stat = readStat(pid)!;
    return `${pid} (${comm}) ppid=${stat.ppid} sid=${stat.session} state=${stat.state}`;
  } catch {
    return `${pid} (gone)`;
  }
}

export function killKeys(keys: Iterable<ProcessKey>): void {
  killAll(aliveKeys(keys).map((key) => Number(key.split(":")[0])));
}
