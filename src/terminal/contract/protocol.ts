import { z } from "zod";

/**
 * The terminal WebSocket protocol (`/ws/terminals/<taskId>`), defined once and validated on both
 * ends. Output travels as binary frames (raw UTF-8 bytes of what the PTY printed); everything else
 * is a JSON text frame with a `type` tag. See docs/protocol.md.
 */

export const PROTOCOL_VERSION = 1;

/** Largest input message accepted from a viewer (a big paste), in characters. */
export const MAX_INPUT_CHARS = 1_000_000;
export const MAX_COLS = 1000;
export const MAX_ROWS = 500;

/** How a viewer's size counts: see the `resize` message. */
export const SIZINGS = ["lead", "follow"] as const;
export type Sizing = (typeof SIZINGS)[number];

const dimension = (max: number) => z.number().int().min(1).max(max);

export const clientMessageSchema = z.discriminatedUnion("type", [
  /**
   * Keys typed or pasted in this viewer; written to the PTY as they are. `catchUp`: the viewer
   * dropped output it had received and not rendered (it was behind): resync it (a `snapshot`)
   * before the keys are written, and it ignores binary output until that snapshot.
   */
  z.object({ type: z.literal("input"), data: z.string().max(MAX_INPUT_CHARS), catchUp: z.boolean().optional() }),
  /**
   * This viewer's fitted size; applied to the PTY only while this viewer owns the size (see
   * docs/protocol.md, "Size policy"). `sizing`: `lead` (a desktop task view: it takes the size when
   * it types, or when it opens and nobody owns it; the default) or `follow` (a tile or a phone:
   * never by typing or opening). `take`: take the size now (the view's "Fit to this view").
   */
  z.object({
    type: z.literal("resize"),
    cols: dimension(MAX_COLS),
    rows: dimension(MAX_ROWS),
    sizing: z.enum(SIZINGS).optional(),
    take: z.boolean().optional(),
  }),
  /**
   * Resync me: the viewer skipped output it was sent (it draws a flood as a series of screens,
   * docs/flow-control.md, "Skimming a flood"). The server sends a `snapshot` (reason `resync`) of
   * the screen as it is now; binary output before it is to be acked, not rendered.
   */
  z.object({ type: z.literal("resync") }),
  /** Bytes of binary output this viewer has finished rendering since its last ack. */
  z.object({ type: z.literal("ack"), bytes: z.number().int().min(0).max(1_000_000_000) }),
  /** Keep-alive / latency probe; answered with `pong` carrying the same id. */
  z.object({ type: z.literal("ping"), id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const sessionStateSchema = z.object({
  taskId: z.string(),
  executionId: z.string(),
  running: z.boolean(),
  pid: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  cols: z.number().int(),
  rows: z.number().int(),
  viewers: z.number().int(),
});
export type SessionState = z.infer<typeof sessionStateSchema>;

export const serverMessageSchema = z.discriminatedUnion("type", [
  /** First message of every connection: the protocol version and the session's state. */
  z.object({ type: z.literal("hello"), protocol: z.number().int(), viewerId: z.string(), state: sessionStateSchema }),
  /**
   * The screen as it is now (serialized from the server's mirror), to write into a reset terminal
   * of `cols`×`rows`. Binary output that follows continues exactly where this ends.
   * `reason`: `attach` on connect, `resync` after this viewer fell too far behind.
   */
  z.object({
    type: z.literal("snapshot"),
    reason: z.enum(["attach", "resync"]),
    cols: z.number().int(),
    rows: z.number().int(),
    data: z.string(),
  }),
  /**
   * The PTY's size (sent when it or its owner changes); every viewer renders at this size.
   * `owner`: whether this viewer's fitted size is the one applied.
   */
  z.object({ type: z.literal("size"), cols: z.number().int(), rows: z.number().int(), owner: z.boolean().optional() }),
  /** Session state changed (exit, viewer count). */
  z.object({ type: z.literal("state"), state: sessionStateSchema }),
  /** The process ended. Output printed before it has all been sent. */
  z.object({ type: z.literal("exit"), exitCode: z.number().int().nullable(), signal: z.string().nullable() }),
  z.object({ type: z.literal("pong"), id: z.number().int() }),
  /** A message from this viewer was refused; the connection stays open. */
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Close codes the server uses (4000–4999 are application codes). */
export const CLOSE_CODES = {
  /** No session for this task (never started, or reaped). */
  noSession: 4404,
  /** The session was replaced by a new execution of the task: reconnect at once to follow it. */
  sessionReplaced: 4409,
  /** The session was reaped or removed; nothing to follow until a new run starts. */
  sessionEnded: 4410,
  /** The server is shutting down. */
  shutdown: 1001,
  /** The viewer broke the protocol too often. */
  policy: 1008,
} as const;
export type TerminalCloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];

export function terminalSocketPath(taskId: string): string {
  return `/ws/terminals/${encodeURIComponent(taskId)}`;
}

export function parseClientMessage(text: string): { ok: true; message: ClientMessage } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: "Message is not valid JSON" };
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return { ok: false, error: `Invalid message: ${where}${issue?.message ?? "unknown shape"}` };
  }
  return { ok: true, message: parsed.data };
}

export function parseServerMessage(text: string): ServerMessage | undefined {
  try {
    const parsed = serverMessageSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
