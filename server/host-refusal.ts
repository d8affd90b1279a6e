import type { HostRefused } from "../src/terminal/contract/host-protocol";
import { HOST_PROTOCOL_VERSION } from "../src/terminal/contract/host-protocol";

/** What a person should read when the terminal host of the data dir would not take this app server. */
export function describeRefusal(refusal: HostRefused): string {
  const sessions = `${refusal.runningSessions} running session${refusal.runningSessions === 1 ? "" : "s"}`;
  switch (refusal.code) {
    case "busy":
      return (
        `another AI Manager server (pid ${refusal.appPid ?? "?"}) already uses this data dir and its terminal host (pid ${refusal.hostPid}). ` +
        "Stop that one first, or give this one its own AI_MANAGER_DATA_DIR."
      );
    case "protocol":
      return (
        `the terminal host of this data dir (pid ${refusal.hostPid}) speaks protocol ${refusal.protocol}, this version speaks ${HOST_PROTOCOL_VERSION}. ` +
        `It holds ${sessions} of the version that started it; nothing was touched. ` +
        "Let them finish (run that version again to watch them), or end them with `npm run stop`, then start this version."
      );
    case "token":
      return `the terminal host (pid ${refusal.hostPid}) refused this server's token: ${refusal.message}`;
    case "bad_request":
      return `the terminal host (pid ${refusal.hostPid}) refused the connection: ${refusal.message}`;
  }
}
