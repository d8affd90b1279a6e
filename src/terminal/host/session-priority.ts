import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";

/**
 * A task terminal's CPU priority (docs/terminal-host.md, "CPU priority").
 *
 * On Linux with autogroup scheduling (the desktop default), every session — and node-pty starts
 * each program in a session of its own — is a scheduling group that the kernel weighs against
 * every other group, whatever the nice values of the processes inside. Twenty busy agents are
 * then twenty groups against this app's one or two: a `renice` of the program changes nothing
 * (measured: a busy loop got 9 % of a core beside twenty reniced shell loops, 97 % once their
 * groups had nice 15). So the group's own nice is set too, through `/proc/<pid>/autogroup`;
 * without autogroup, the process's nice is what counts, and its children inherit it.
 */

/** The group only exists once the child called setsid(), microseconds after the fork. */
const SETSID_POLL_MS = 1;
/**
 * Without CAP_SYS_ADMIN the kernel takes one autogroup change per tenth of a second, machine-wide,
 * and answers EAGAIN in between: twenty terminals started together need two seconds.
 */
const RATE_LIMIT_MS = 100;
/** A program that is not its own session leader by then never will be (it was not setsid'd). */
const SESSION_WAIT_MS = 2_000;
/** How long the probe below waits its turn behind other changes (other tests start terminals too). */
const PROBE_GIVE_UP_MS = 10_000;
/** Other programs on the machine may be changing groups too; past this, the program keeps nice 0 for its group. */
const GIVE_UP_MS = 60_000;

/**
 * Lowers the priority of the session led by `pid` to `niceness` (0: leave it as it is): at once
 * for the process, within milliseconds for its group (seconds when many start together). Never
 * throws; where it cannot, the program simply runs at the host's priority. Raising a priority is
 * not attempted: it needs privileges.
 */
export function applySessionNiceness(pid: number, niceness: number): void {
  if (niceness <= 0) return;
  try {
    os.setPriority(pid, niceness);
  } catch {
    // Gone already, or not ours: nothing to lower.
  }
  if (!fs.existsSync("/proc/self/autogroup")) return;
  groupNiceQueue.add(pid, niceness);
}

interface GroupNiceRequest {
  pid: number;
  niceness: number;
  since: number;
  /** How long it may wait its turn behind the kernel's rate limit. */
  giveUpMs: number;
  /** Told once the request leaves the queue: whether the group was lowered. */
  settled?: (lowered: boolean) => void;
}

type Attempt = "done" | "not-yet" | "rate-limited" | "impossible";

/** One queue per process, because the kernel's rate limit is one per machine. */
class GroupNiceQueue {
  private readonly pending: GroupNiceRequest[] = [];
  private timer: NodeJS.Timeout | undefined;
  /**
   * The host's own group, read once: the host never leaves its session. Undefined in the root
   * group (a process no one ever setsid'd, as in many containers); a child there is told apart
   * by having a name.
   */
  private ownGroup: { name: string | undefined } | undefined;

  add(pid: number, niceness: number, options: { giveUpMs?: number; settled?: (lowered: boolean) => void } = {}): void {
    this.pending.push({ pid, niceness, since: Date.now(), giveUpMs: options.giveUpMs ?? GIVE_UP_MS, settled: options.settled });
    if (!this.timer) this.run();
  }

  private run(): void {
    this.timer = undefined;
    const ownGroup = (this.ownGroup ??= { name: autogroupName("self") }).name;
    let rateLimited = false;
    for (const request of [...this.pending]) {
      const outcome = rateLimited ? "rate-limited" : attemptGroupNice(request, ownGroup);
      if (outcome === "rate-limited") rateLimited = true;
      const expired = Date.now() - request.since > (outcome === "not-yet" ? SESSION_WAIT_MS : request.giveUpMs);
      if (outcome === "done" || outcome === "impossible" || expired || !fs.existsSync(`/proc/${request.pid}`)) {
        this.pending.splice(this.pending.indexOf(request), 1);
        request.settled?.(outcome === "done");
      }
    }
    if (this.pending.length === 0) return;
    this.timer = setTimeout(() => this.run(), rateLimited ? RATE_LIMIT_MS : SETSID_POLL_MS);
    this.timer.unref();
  }
}

const groupNiceQueue = new GroupNiceQueue();

function attemptGroupNice({ pid, niceness }: GroupNiceRequest, ownGroup: string | undefined): Attempt {
  const group = autogroupName(String(pid));
  // Before its setsid() the child is still in this process's group: writing then would lower
  // the terminal host itself. While the child execs, its /proc files can refuse to be read for
  // a moment: that is retried too, until it is gone.
  if (sessionOf(pid) !== pid || group === undefined || group === ownGroup) return "not-yet";
  try {
    fs.writeFileSync(`/proc/${pid}/autogroup`, String(niceness));
  } catch (error) {
    // Otherwise: a read-only /proc, another user's process, or the program exiting right now.
    return (error as NodeJS.ErrnoException).code === "EAGAIN" ? "rate-limited" : "impossible";
  }
  return autogroupNice(String(pid)) === niceness ? "done" : "not-yet";
}

/**
 * `/autogroup-123` from `/proc/<pid>/autogroup` ("/autogroup-123 nice 0"), or undefined: no
 * autogroup, or the root group, whose file is empty.
 */
export function autogroupName(pid: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/autogroup`, "utf8").split(" ")[0] || undefined;
  } catch {
    return undefined;
  }
}

/** The nice of a process's autogroup, or undefined without autogroup. */
export function autogroupNice(pid: string): number | undefined {
  try {
    const match = /nice (-?\d+)/.exec(fs.readFileSync(`/proc/${pid}/autogroup`, "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether this process can lower a session's group here: it starts a program in a session of its
 * own and tries, as the host would. False without autogroup, with a read-only /proc, or where a
 * security module refuses the write. The host itself never asks: it just tries. For the tests
 * (and anyone diagnosing a machine); resolves within seconds.
 */
export async function canLowerSessionGroups(): Promise<boolean> {
  if (!fs.existsSync("/proc/self/autogroup")) return false;
  const probe = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
  const pid = await new Promise<number | undefined>((resolve) => {
    probe.once("spawn", () => resolve(probe.pid));
    probe.once("error", () => resolve(undefined));
  });
  if (pid === undefined) return false;
  try {
    // In the same queue as the host's own requests: it waits its turn as they do.
    return await new Promise<boolean>((settled) => groupNiceQueue.add(pid, 1, { giveUpMs: PROBE_GIVE_UP_MS, settled }));
  } finally {
    probe.kill("SIGKILL");
  }
}

function sessionOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // After the command name (which may hold spaces and parentheses): state ppid pgrp session …
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[3]);
  } catch {
    return undefined;
  }
}
