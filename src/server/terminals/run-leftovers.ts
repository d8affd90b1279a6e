import { processesByEnv, signalProcesses } from "../../terminal/host/process-tree";

/** Set in every task terminal; every process a run starts inherits it. */
export const EXECUTION_ID_ENV = "AI_MANAGER_EXECUTION_ID";

/**
 * SIGKILLs every process still carrying one of these runs' execution ids: what is left of runs
 * whose terminal host died. The kernel hung up their terminals, but a process that ignores the
 * hang-up (or left the session with setsid) lives on with nobody to end it — after a crash of the
 * host while no app server was connected, not even a pid is known any more. Returns how many
 * processes were signalled.
 */
export function killRunLeftovers(executionIds: Iterable<string>): number {
  const found = processesByEnv(EXECUTION_ID_ENV, new Set(executionIds));
  const pids = [...found.values()].flat();
  signalProcesses(pids, "SIGKILL");
  return pids.length;
}
