import os from "node:os";

const NAMES = new Map<number, string>(Object.entries(os.constants.signals).map(([name, num]) => [num, name]));

/** `15` → `"SIGTERM"`; 0 or unknown → null. */
export function signalName(signal: number | undefined | null): string | null {
  if (!signal) return null;
  return NAMES.get(signal) ?? `SIG${signal}`;
}

export const STOP_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP", "SIGKILL", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];
