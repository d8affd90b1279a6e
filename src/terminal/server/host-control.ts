import fs from "node:fs";
import { hostFiles, readHostInfo } from "../host/host-files";
import { isAlive } from "../host/process-tree";
import { HostRefusedError } from "./host-connection";
import { connectToHost, NoHostError } from "./host-launcher";

/**
 * `npm run stop` and `npm run restart`: what they do to the terminal host of a data dir and to
 * the app server connected to it (docs/terminal-host.md, "Lifecycle").
 */

/** The promise of `npm run stop`: every session and the host gone within this. */
const STOP_DEADLINE_MS = 10_000;
const POLL_MS = 50;

export interface StopReport {
  /** False when no host ran for the data dir. */
  hostFound: boolean;
  stoppedSessions: number;
  hostPid?: number;
  appPid?: number | null;
  /** How it was stopped: asked over the protocol, or SIGTERM (a host of another protocol version). */
  how?: "protocol" | "signal";
}

async function waitGone(pids: number[], deadline: number): Promise<boolean> {
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return true;
}

/** Ends every session, the host, and the app server connected to it. */
export async function stopHost(dataDir: string): Promise<StopReport> {
  const deadline = Date.now() + STOP_DEADLINE_MS;
  let connection;
  try {
    connection = await connectToHost(dataDir, { role: "control", launch: false });
  } catch (error) {
    if (error instanceof HostRefusedError) {
      // Another protocol version: it cannot be asked, but SIGTERM makes any version stop its sessions.
      const pid = error.refusal.hostPid;
      process.kill(pid, "SIGTERM");
      await waitGone([pid], deadline);
      return { hostFound: true, stoppedSessions: error.refusal.runningSessions, hostPid: pid, how: "signal" };
    }
    if (error instanceof NoHostError) return { hostFound: false, stoppedSessions: 0, ...staleHost(dataDir) };
    throw error;
  }
  try {
    const status = await connection.call({ op: "status" });
    const { stopped } = await connection.call({ op: "shutdown" });
    const pids = [status.hostPid, ...(status.appPid ? [status.appPid] : [])];
    if (!(await waitGone(pids, deadline))) {
      throw new Error(`The terminal host (pid ${status.hostPid}) or the app server did not exit within ${STOP_DEADLINE_MS / 1000} s.`);
    }
    return { hostFound: true, stoppedSessions: stopped, hostPid: status.hostPid, appPid: status.appPid, how: "protocol" };
  } finally {
    connection.close();
  }
}

/** The pid file of a host that no longer answers (it was killed): removed, so nothing trusts it. */
function staleHost(dataDir: string): Pick<StopReport, "hostPid"> {
  const info = readHostInfo(dataDir);
  if (!info) return {};
  fs.rmSync(hostFiles(dataDir).info, { force: true });
  return { hostPid: info.pid };
}

/** The app server connected to the host, if any (for `npm run restart`). */
export async function connectedAppPid(dataDir: string): Promise<number | null> {
  try {
    const connection = await connectToHost(dataDir, { role: "control", launch: false });
    try {
      return (await connection.call({ op: "status" })).appPid;
    } finally {
      connection.close();
    }
  } catch {
    return null;
  }
}

/** Stops the app server only (SIGTERM: its sessions keep running) and waits for it to exit. */
export async function stopAppServer(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return true;
  process.kill(pid, "SIGTERM");
  return waitGone([pid], Date.now() + STOP_DEADLINE_MS);
}
