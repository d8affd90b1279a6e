import path from "node:path";
import { z } from "zod";

/**
 * Configuration, read once from the environment at start-up and validated.
 * An invalid value stops start-up with a message that names the variable.
 */
const configSchema = z.object({
  HOST: z.string().trim().min(1, "must not be empty").default("127.0.0.1"),
  PORT: z.coerce
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must be between 0 and 65535")
    .max(65535, "must be between 0 and 65535")
    .default(3000),
  AI_MANAGER_DATA_DIR: z.string().trim().min(1, "must not be empty").default("./data"),
  AI_MANAGER_INTERNAL_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{24,256}$/, "must be 24-256 characters of A-Z a-z 0-9 . _ ~ -")
    .optional(),
  AI_MANAGER_ACCESS_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{24,256}$/, "must be 24-256 characters of A-Z a-z 0-9 . _ ~ -")
    .optional(),
  AI_MANAGER_AUTH: z.enum(["token", "none"], { error: 'must be "token" or "none"' }).default("token"),
  AI_MANAGER_TLS_CERT: z.string().trim().min(1, "must not be empty").optional(),
  AI_MANAGER_TLS_KEY: z.string().trim().min(1, "must not be empty").optional(),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
});

export interface AppConfig {
  host: string;
  port: number;
  dataDir: string;
  internalToken: string | undefined;
  accessToken: string | undefined;
  auth: "token" | "none";
  /** PEM files for HTTPS; both or neither (checked at load, read again by the server). */
  tls: { certFile: string; keyFile: string } | undefined;
  logLevel: string;
  dev: boolean;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Empty strings count as unset, so `PORT= npm start` behaves like no PORT at all. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== "") out[key] = value;
  }
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const parsed = configSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = issue.path.map(String).join(".");
      return `  ${name}=${JSON.stringify(env[name] ?? "")}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  if ((c.AI_MANAGER_TLS_CERT === undefined) !== (c.AI_MANAGER_TLS_KEY === undefined)) {
    const missing = c.AI_MANAGER_TLS_CERT === undefined ? "AI_MANAGER_TLS_CERT" : "AI_MANAGER_TLS_KEY";
    throw new ConfigError(
      `Invalid configuration:\n  ${missing} is not set: HTTPS needs both AI_MANAGER_TLS_CERT and AI_MANAGER_TLS_KEY (PEM files), or neither.`,
    );
  }
  // Reaching the UI from other machines hands them the terminals: never without sign-in.
  if (c.AI_MANAGER_AUTH === "none" && !isLoopbackAddress(c.HOST)) {
    throw new ConfigError(
      `Invalid configuration:\n  AI_MANAGER_AUTH="none" with HOST=${JSON.stringify(c.HOST)}: a non-loopback address makes the terminals ` +
        "reachable from other machines, so sign-in stays on there. Remove AI_MANAGER_AUTH=none, or set HOST=127.0.0.1.",
    );
  }
  return {
    host: c.HOST,
    port: c.PORT,
    dataDir: path.resolve(cwd, c.AI_MANAGER_DATA_DIR),
    internalToken: c.AI_MANAGER_INTERNAL_TOKEN,
    accessToken: c.AI_MANAGER_ACCESS_TOKEN,
    auth: c.AI_MANAGER_AUTH,
    tls:
      c.AI_MANAGER_TLS_CERT !== undefined && c.AI_MANAGER_TLS_KEY !== undefined
        ? { certFile: path.resolve(cwd, c.AI_MANAGER_TLS_CERT), keyFile: path.resolve(cwd, c.AI_MANAGER_TLS_KEY) }
        : undefined,
    logLevel: c.LOG_LEVEL,
    dev: c.NODE_ENV === "development",
  };
}

/**
 * True for names that can only ever mean this machine: `localhost`, 127.0.0.0/8 and `::1`.
 * Everything else (0.0.0.0, ::, a LAN address, a host name) may be reachable from elsewhere.
 */
export function isLoopbackAddress(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}
