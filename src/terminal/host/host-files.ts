import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { ReusedReadBuffer } from "../contract/host-wire";

/**
 * Where the terminal host of a data dir lives: its socket, its token and its pid file, all in the
 * data dir (created 0700), so only the user who owns the data can reach the host at all.
 */
export const HOST_SOCKET_FILE = "terminal-host.sock";
export const HOST_TOKEN_FILE = "terminal-host.token";
export const HOST_INFO_FILE = "terminal-host.json";
export const HOST_LOG_FILE = "terminal-host.log";

/** Unix socket paths are limited to 107 bytes on Linux (sun_path). */
export const MAX_SOCKET_PATH_BYTES = 107;

export interface HostFiles {
  dataDir: string;
  socket: string;
  token: string;
  info: string;
  log: string;
}

export function hostFiles(dataDir: string): HostFiles {
  const dir = path.resolve(dataDir);
  return {
    dataDir: dir,
    socket: path.join(dir, HOST_SOCKET_FILE),
    token: path.join(dir, HOST_TOKEN_FILE),
    info: path.join(dir, HOST_INFO_FILE),
    log: path.join(dir, HOST_LOG_FILE),
  };
}

/** What the pid file says: enough for `npm run stop` to find a host it cannot talk to. */
export interface HostInfoFile {
  pid: number;
  protocol: number;
  startedAt: string;
}

export function socketPathProblem(files: HostFiles): string | undefined {
  const bytes = Buffer.byteLength(files.socket);
  if (bytes <= MAX_SOCKET_PATH_BYTES) return undefined;
  return `The data dir's path is too long for the terminal host's socket (${bytes} bytes, at most ${MAX_SOCKET_PATH_BYTES}): ${files.socket}. Set AI_MANAGER_DATA_DIR to a shorter path.`;
}

/** The data dir's pid file, or undefined when there is none (no host started, or it exited). */
export function readHostInfo(dataDir: string): HostInfoFile | undefined {
  try {
    return JSON.parse(fs.readFileSync(hostFiles(dataDir).info, "utf8")) as HostInfoFile;
  } catch {
    return undefined;
  }
}

/**
 * A connection to the host's socket, or undefined when nothing answers there. With `reads`, the
 * socket reads into that reused buffer and emits no `data` events.
 */
export function connectToSocket(file: string, reads?: ReusedReadBuffer): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = reads ? net.connect({ path: file, onread: reads.onread }) : net.connect(file);
    socket.once("connect", () => {
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", () => {
      socket.destroy();
      resolve(undefined);
    });
  });
}
