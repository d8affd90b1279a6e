import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { loadOrCreateTokenFile } from "../../server/security/secrets";
import { connectToSocket, HOST_TOKEN_FILE, hostFiles, socketPathProblem, type HostFiles } from "../host/host-files";
import { HostConnection } from "./host-connection";
import type { HostHello } from "../contract/host-protocol";
import { ReusedReadBuffer } from "../contract/host-wire";
import { currentBundle } from "../../../scripts/server-bundle.mjs";

/**
 * Finds the terminal host of a data dir, or starts one (detached: its own session and process
 * group, so a Ctrl+C of `npm start` or the app server's death leaves it and its agents running).
 */

/** How long a new host may take to listen (from the sources it loads TypeScript through tsx; a busy machine is slow). */
const LAUNCH_TIMEOUT_MS = 60_000;
/** A refused connect to a Unix socket costs microseconds; each retry's wait is time a start waits for nothing. */
const CONNECT_RETRY_MS = 25;
/** A host that exits at once may have found another one starting: that one gets this long to answer. */
const LOST_RACE_GRACE_MS = 3_000;

export interface ConnectOptions {
  role: HostHello["role"];
  /** Start a host when none answers (the app server); `npm run stop` only looks. */
  launch: boolean;
  /** Another protocol than this build's (tests of version mismatches). */
  protocol?: number;
}

export class NoHostError extends Error {}

export async function connectToHost(dataDir: string, options: ConnectOptions): Promise<HostConnection> {
  const files = hostFiles(dataDir);
  const tooLong = socketPathProblem(files);
  if (tooLong) throw new Error(tooLong);
  // Only a launcher creates the data dir and the token: looking for a host leaves no trace.
  if (!options.launch && !fs.existsSync(files.socket)) throw new NoHostError(`No terminal host runs for ${files.dataDir}.`);
  fs.mkdirSync(files.dataDir, { recursive: true, mode: 0o700 });
  const token = loadOrCreateTokenFile(files.dataDir, HOST_TOKEN_FILE);
  const hello = { token, role: options.role, protocol: options.protocol };
  const connect = async () => {
    const reads = new ReusedReadBuffer();
    const socket = await connectToSocket(files.socket, reads);
    return socket && HostConnection.open(socket, socket, hello, reads);
  };
  const first = await connect();
  if (first) return first;
  if (!options.launch) throw new NoHostError(`No terminal host runs for ${files.dataDir}.`);
  const child = launchHost(files);
  let exited: { how: string; at: number } | undefined;
  child.once("exit", (code, signal) => {
    exited = { how: signal ? `signal ${signal}` : `exit code ${code}`, at: Date.now() };
  });
  const deadline = Date.now() + LAUNCH_TIMEOUT_MS;
  for (;;) {
    const connection = await connect();
    if (connection) return connection;
    // A host that exited at once may have lost a race to another launcher: that one answers soon.
    if (exited && Date.now() - exited.at > LOST_RACE_GRACE_MS) {
      throw new Error(`The terminal host did not start (${exited.how}); see ${files.log}.`);
    }
    if (Date.now() > deadline) throw new Error(`The terminal host did not start within ${LAUNCH_TIMEOUT_MS / 1000} s; see ${files.log}.`);
    await new Promise((r) => setTimeout(r, CONNECT_RETRY_MS));
  }
}


/** The host's entry: the build's bundle when current, else its source through tsx (same code). */
function hostEntry(): string[] {
  const bundle = currentBundle(fileURLToPath(new URL("../../../", import.meta.url)), "host-main");
  if (bundle) return [bundle];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return ["--import", tsx, fileURLToPath(new URL("../host/host-main.ts", import.meta.url))];
}

function launchHost(files: HostFiles) {
  const log = fs.openSync(files.log, "a", 0o600);
  try {
    const child = spawn(process.execPath, [...hostEntry(), "--data-dir", files.dataDir], {
      detached: true,
      stdio: ["ignore", log, log],
      env: process.env,
    });
    child.unref();
    return child;
  } finally {
    fs.closeSync(log);
  }
}
