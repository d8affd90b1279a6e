import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const INTERNAL_TOKEN_FILE = "internal-token";
/** The people's access token (login URL); separate from the agents' internal token. */
export const ACCESS_TOKEN_FILE = "access-token";

export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function sha256(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Constant-time comparison of two strings (different lengths compare unequal, still in constant time per length). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(sha256(a), "hex");
  const bb = Buffer.from(sha256(b), "hex");
  return timingSafeEqual(ab, bb) && a.length === b.length;
}

/**
 * The token agents and the MCP server present to /api/internal/*: the configured one, else one
 * generated on first start into `<dataDir>/internal-token` (mode 0600) and reused afterwards.
 */
export function loadOrCreateTokenFile(dataDir: string, fileName: string, configured?: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, fileName);
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (/^[A-Za-z0-9_-]{32,}$/.test(existing)) {
      fs.chmodSync(file, 0o600);
      return existing;
    }
  } catch {
    // Not there yet.
  }
  const token = newSecret();
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${token}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  return token;
}
