import { z } from "zod";
import { clientMessageSchema, MAX_COLS, MAX_ROWS, type ServerMessage, type SessionState } from "./protocol";
import type { OutputReadResult } from "../host/output-log";
import type { ScreenSnapshot } from "../host/screen-mirror";

/**
 * The terminal host protocol: the app server (src/terminal/server/host-connection.ts) and the
 * terminal host process (src/terminal/host/host-service.ts) over one byte stream — a Unix socket
 * in the data dir, or any other stream (a subprocess's stdio, SSH). Frames are in ./host-wire.ts.
 * See docs/terminal-host.md.
 *
 * What crosses: commands (a request id, answered by `res` with the same id), session events, and
 * per-viewer channels that carry one browser viewer's WebSocket traffic to the session's viewer
 * hub in the host. The first frame each way is the handshake, and its shape never changes between
 * versions, so that any two versions can at least tell each other apart.
 *
 * Everything the app server sends is validated here with zod (the host trusts no peer); what the
 * host sends is typed, and read by the app server that asked for it.
 */

/** Bumped on any incompatible change of the messages below. */
export const HOST_PROTOCOL_VERSION = 3;

const MAX_ID_CHARS = 128;
const id = z.string().min(1).max(MAX_ID_CHARS);
const dimension = (max: number) => z.number().int().min(1).max(max);
/** Viewer channels are numbered by the app server. */
const channel = z.number().int().min(1).max(2 ** 31 - 1);

// ── Handshake (stable across versions) ──────────────────────────────────────────────────────────

export const helloSchema = z.object({
  t: z.literal("hello"),
  protocol: z.number().int(),
  /** The host's token (`<dataDir>/terminal-host.token`): only someone who can read the data dir connects. */
  token: z.string().max(256),
  /** `app`: the one app server that drives sessions. `control`: `npm run stop`/`restart` and tests. */
  role: z.enum(["app", "control"]),
  pid: z.number().int().min(0),
});
export type HostHello = z.infer<typeof helloSchema>;

export type HostRefusalCode = "protocol" | "token" | "busy" | "bad_request";

/** How a session looks from the app server: its state plus what the app needs to show and record it. */
export interface HostedSessionInfo extends SessionState {
  commandLine: string;
  /** Stopped on request (stop, reap, shutdown) rather than ending on its own. */
  stopped: boolean;
}

/** A run that ended while no app server was connected: recorded in the database at the next connect. */
export interface EndedRun {
  taskId: string;
  executionId: string;
  exitCode: number | null;
  signal: string | null;
  endedAt: string;
  stopped: boolean;
}

export type HostWelcome = {
  t: "welcome";
  protocol: number;
  hostPid: number;
  startedAt: string;
  /** Every session the host holds, running or exited and not yet reaped. */
  sessions: HostedSessionInfo[];
  endedWhileAway: EndedRun[];
};

export type HostRefused = {
  t: "refused";
  code: HostRefusalCode;
  message: string;
  /** The host's own protocol version (so a mismatch can be reported precisely). */
  protocol: number;
  hostPid: number;
  /** Running sessions, so the refused side can say what is at stake. */
  runningSessions: number;
  /** For `busy`: the pid of the app server already connected. */
  appPid?: number;
};

// ── Commands (app server → host, answered) ───────────────────────────────────────────────────────

export const keepaliveSchema = z.object({
  runningMs: z.number().int().min(0),
  exitedMs: z.number().int().min(0),
});
export type KeepaliveValues = z.infer<typeof keepaliveSchema>;

/** The nice of a task terminal at the "background" CPU priority (the default; Settings). */
export const BACKGROUND_NICENESS = 15;

export const spawnSpecSchema = z.object({
  taskId: id,
  executionId: id,
  command: z.string().min(1).max(4096),
  args: z.array(z.string().max(1_000_000)).max(1000),
  cwd: z.string().min(1).max(4096),
  env: z.record(z.string(), z.string()),
  cols: dimension(MAX_COLS),
  rows: dimension(MAX_ROWS),
  scrollbackLines: z.number().int().min(0).max(1_000_000),
  /**
   * The nice of the program's session, its scheduling group included (docs/terminal-host.md,
   * "CPU priority"). Optional, so a host of this protocol version that predates it ignores it.
   */
  niceness: z.number().int().min(0).max(19).optional(),
  initialInput: z.string().max(1_000_000).optional(),
  recording: z.object({
    file: z.string().min(1).max(4096),
    title: z.string().max(4096),
    command: z.string().max(1_000_000),
    env: z.record(z.string(), z.string()),
    maxBytes: z.number().int().min(0),
  }),
});
export type SpawnSpec = z.infer<typeof spawnSpecSchema>;

const readQuerySchema = z.object({
  mode: z.enum(["full", "head", "tail", "head-tail"]),
  tailLines: z.number().int().min(0).optional(),
  headLines: z.number().int().min(0).optional(),
  maxLines: z.number().int().min(1).optional(),
  since: z.number().int().min(0).optional(),
  clean: z.boolean().optional(),
});

const stopSignal = z.enum(["SIGTERM", "SIGINT", "SIGHUP", "SIGKILL", "SIGQUIT", "SIGUSR1", "SIGUSR2"]);

export const hostCallSchema = z.discriminatedUnion("op", [
  /** Keepalive times (Settings); the host applies them while no app server is connected too. */
  z.object({ op: z.literal("configure"), keepalive: keepaliveSchema }),
  z.object({ op: z.literal("spawn"), spec: spawnSpecSchema }),
  /** Stops the task's running session; answered once its exit is recorded. */
  z.object({ op: z.literal("stop"), taskId: id, signal: stopSignal.optional() }),
  /** Stops (if needed) and forgets the task's session. */
  z.object({ op: z.literal("remove"), taskId: id, reason: z.string().max(200) }),
  z.object({ op: z.literal("readLog"), taskId: id, executionId: id, query: readQuerySchema }),
  z.object({
    op: z.literal("snapshot"),
    taskId: id,
    executionId: id,
    mode: z.enum(["full", "last_line", "last_n_lines", "cursor_area"]),
    nLines: z.number().int().min(1).max(200).optional(),
    contextLines: z.number().int().min(1).max(20).optional(),
  }),
  z.object({ op: z.literal("stats"), taskId: id, executionId: id }),
  /**
   * Writes the session's buffered recording to disk now and answers where its log stands, at one
   * instant: the file then holds every line the log has numbered (output search reads it).
   */
  z.object({ op: z.literal("flushRecording"), taskId: id, executionId: id }),
  /** Runs the app server has written to its database (they leave `endedWhileAway`). */
  z.object({ op: z.literal("exitsRecorded"), executionIds: z.array(id).max(100_000) }),
  /** `npm run stop`: stop every session, then exit. Answered with how many were stopped. */
  z.object({ op: z.literal("shutdown") }),
  /** Who is connected, for `npm run restart` and `npm run stop`. */
  z.object({ op: z.literal("status") }),
]);
export type HostCall = z.infer<typeof hostCallSchema>;

export interface SessionStats {
  totalLines: number;
  totalBytes: number;
  outputBytes: number;
  lastOutputAt: string | null;
}

/**
 * The log's position when the recording was flushed. `recording`: `complete` (the file holds all
 * output so far), `cut` (it stopped at its size cap; later lines are only in the live log), `none`.
 */
export interface RecordingFlush {
  recording: "complete" | "cut" | "none";
  firstLine: number;
  totalLines: number;
}

export type SpawnResult = { pid: number; commandLine: string; startedAt: string; recordingStartedAt: number };

export interface HostStatus {
  hostPid: number;
  protocol: number;
  startedAt: string;
  appPid: number | null;
  runningSessions: number;
  sessions: number;
}

/** What each command answers with. */
export interface HostCallResults {
  configure: null;
  spawn: SpawnResult;
  stop: HostedSessionInfo;
  remove: null;
  readLog: OutputReadResult;
  snapshot: ScreenSnapshot;
  stats: SessionStats;
  flushRecording: RecordingFlush;
  exitsRecorded: null;
  shutdown: { stopped: number };
  status: HostStatus;
}

/** A command's failure: `code` is an AppError code the app server maps to an HTTP status. */
export interface HostCallError {
  code: string;
  message: string;
}

// ── Everything after the handshake ──────────────────────────────────────────────────────────────

export const appMessageSchema = z.discriminatedUnion("t", [
  z.object({ t: z.literal("req"), id: z.number().int().min(1), call: hostCallSchema }),
  /** Input from a person (through a viewer channel) or an agent (the internal API). */
  z.object({ t: z.literal("write"), taskId: id, data: z.string().max(4_000_000) }),
  z.object({ t: z.literal("resize"), taskId: id, cols: dimension(MAX_COLS), rows: dimension(MAX_ROWS) }),
  /** While on, the host sends `output` after each batch of the task's output (buffer waits). */
  z.object({ t: z.literal("watchOutput"), taskId: id, on: z.boolean() }),
  /** A browser viewer connected; the host attaches it to the session (or closes the channel). */
  z.object({ t: z.literal("viewerOpen"), channel, taskId: id }),
  z.object({ t: z.literal("viewerMessage"), channel, message: clientMessageSchema }),
  /** The viewer's WebSocket send buffer is over its watermark (`true`) or drained again. */
  z.object({ t: z.literal("viewerBlocked"), channel, blocked: z.boolean() }),
  z.object({ t: z.literal("viewerClose"), channel }),
]);
export type AppMessage = z.infer<typeof appMessageSchema>;

export type HostMessage =
  | { t: "res"; id: number; ok: true; value: HostCallResults[keyof HostCallResults] }
  | { t: "res"; id: number; ok: false; error: HostCallError }
  /** A session was added or its state changed (viewers, size, exit). */
  | { t: "session"; info: HostedSessionInfo }
  /** The session left the host (reaped, removed, replaced): its viewers were closed. */
  | { t: "removed"; taskId: string; executionId: string }
  /** The process ended; sent before any answer that depends on it. */
  | { t: "exit"; run: EndedRun }
  /** A batch of the task's output was processed (only while watched). */
  | { t: "output"; taskId: string; executionId: string }
  | { t: "viewerMessage"; channel: number; message: ServerMessage }
  | { t: "viewerClosed"; channel: number; code: number; reason: string }
  /** The host is about to stop every session and exit (`npm run stop`): the app server should exit too. */
  | { t: "hostStopping" };

/** Frame kinds (see ./host-wire.ts). */
export const FRAME_JSON = 0;
/** Viewer output: a 4-byte channel number, then the bytes as the program printed them. */
export const FRAME_OUTPUT = 1;

export function parseAppMessage(value: unknown): { ok: true; message: AppMessage } | { ok: false; error: string } {
  const parsed = appMessageSchema.safeParse(value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, error: `${issue?.path.join(".") || "message"}: ${issue?.message ?? "invalid"}` };
}
