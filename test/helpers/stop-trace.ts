import type { PtySession } from "../../src/terminal/host/pty-session";

/**
 * Wraps each session's stop() to record, in one shared list, when it began and when it settled.
 * "Stopped in parallel" is then an order — every stop began before the first one finished —
 * instead of a duration that a busy machine stretches.
 */
export function traceStops(sessions: PtySession[]): Array<"begin" | "end"> {
  const trace: Array<"begin" | "end"> = [];
  for (const session of sessions) {
    const stop = session.stop.bind(session);
    session.stop = async (...args: Parameters<PtySession["stop"]>) => {
      trace.push("begin");
      try {
        return await stop(...args);
      } finally {
        trace.push("end");
      }
    };
  }
  return trace;
}
