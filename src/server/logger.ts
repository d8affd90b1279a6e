import pino from "pino";

/**
 * Structured logs to stderr (fd 2): stdout stays free for programs that speak a protocol on it
 * (the MCP server) and for the one-time login URL that `npm start` prints.
 */
export type Logger = pino.Logger;

export function createLogger(level: string, name = "ai-manager"): Logger {
  return pino(
    {
      name,
      level,
      // Tokens travel in URLs and headers; never let them reach a log line.
      redact: {
        paths: ["token", "*.token", "headers.authorization", "*.headers.authorization", "headers.cookie"],
        censor: "[redacted]",
      },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}
