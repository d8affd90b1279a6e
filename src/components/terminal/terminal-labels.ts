import type { ConnectionStatus } from "@/terminal/client/terminal-connection";

/** Words for a terminal's state, shared by the task page's toolbar and the Missions tiles. */

export const CONNECTION_TEXT: Record<ConnectionStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  idle: "Not running",
  closed: "Closed",
};

export function exitText(exit: { exitCode: number | null; signal: string | null }): string {
  return exit.signal ? `Stopped by ${exit.signal}` : `Exited with code ${exit.exitCode ?? "?"}`;
}
