import fs from "node:fs";
import tls from "node:tls";
import { ConfigError } from "../src/server/config";

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

/**
 * Reads and checks AI_MANAGER_TLS_CERT / AI_MANAGER_TLS_KEY before anything listens, so a wrong
 * path, a file that is not PEM or a key that does not belong to the certificate stops start-up
 * with a message naming the variable instead of failing at the first browser's handshake.
 */
export function loadTlsMaterial(files: { certFile: string; keyFile: string }): TlsMaterial {
  const cert = readPem("AI_MANAGER_TLS_CERT", files.certFile, /-----BEGIN CERTIFICATE-----/, "a certificate");
  const key = readPem("AI_MANAGER_TLS_KEY", files.keyFile, /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/, "a private key");
  try {
    tls.createSecureContext({ cert, key });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      `Invalid configuration:\n  AI_MANAGER_TLS_CERT and AI_MANAGER_TLS_KEY do not make a usable pair (${reason}). ` +
        "Check that the key belongs to the certificate and is not passphrase-protected.",
    );
  }
  return { cert, key };
}

function readPem(variable: string, file: string, marker: RegExp, what: string): Buffer {
  let content: Buffer;
  try {
    content = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigError(`Invalid configuration:\n  ${variable}=${JSON.stringify(file)}: cannot read the file (${code}).`);
  }
  if (!marker.test(content.toString("latin1"))) {
    throw new ConfigError(`Invalid configuration:\n  ${variable}=${JSON.stringify(file)}: not ${what} in PEM format.`);
  }
  return content;
}
