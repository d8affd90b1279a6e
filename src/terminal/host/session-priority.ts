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
const SETSID_POLL_LIMIT = 200;

/**
 * Lowers the priority of the session led by `pid` to `niceness` (0: leave it as it is): at once
 * for the process, within milliseconds for its group. Never throws; where it cannot, the program
 * simply runs at the host's priority. Raising a priority is not attempted: it needs privileges.
 */
export function applySessionNiceness(pid: number, niceness: number): void {
  if (niceness <= 0) return;
  try {
    os.setPriority(pid, niceness);
  } catch {
    // Gone already, or not ours: nothing to lower.
  }
  const ownGroup = autogroupName("self");
  if (ownGroup === undefined) return;
  let tries = 0;
  const attempt = () => {
    const leader = sessionOf(pid) === pid;
    const group = autogroupName(String(pid));
    // Before its setsid() the child is still in this process's group: writing then would lower
    // the terminal host itself. While the child execs, its /proc files can refuse to be read or
    // written for a moment: that is retried too, until it is gone.
    if (leader && group !== undefined && group !== ownGroup && writeAutogroupNice(pid, niceness) && autogroupNice(String(pid)) === niceness) return;
    if (!fs.existsSync(`/proc/${pid}`) || ++tries > SETSID_POLL_LIMIT) return;
    setTimeout(attempt, SETSID_POLL_MS);
  };
  attempt();
}

/** `/autogroup-123` from `/proc/<pid>/autogroup` ("/autogroup-123 nice 0"), or undefined. */
export function autogroupName(pid: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/autogroup`, "utf8").split(" ")[0];
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
 * Whether this process may set autogroup nice values here: the file exists and takes a write
 * (its own current value, which changes nothing). False in sandboxes that mount /proc read-only.
 */
export function autogroupWritable(): boolean {
  const nice = autogroupNice("self");
  if (nice === undefined) return false;
  try {
    fs.writeFileSync("/proc/self/autogroup", String(nice));
    return true;
  } catch {
    return false;
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

function writeAutogroupNice(pid: number, niceness: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/autogroup`, String(niceness));
    return true;
  } catch {
    return false;
  }
}
