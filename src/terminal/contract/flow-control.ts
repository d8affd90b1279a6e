/**
 * Every flow-control constant of the terminal WebSocket, both ends in one place: what the server
 * batches and holds back per viewer (host/pty-session.ts, host/viewer-hub.ts,
 * server/terminal-socket.ts), and how the browser acknowledges and reconnects
 * (client/terminal-connection.ts). The protocol itself is in ./protocol.ts; the whole path from
 * the program to the viewers is described in docs/flow-control.md.
 *
 * Flow control inside the server process (the host thread's credit in host/pty-reader-worker.mjs,
 * the screen mirror's watermarks in host/screen-mirror.ts) does not cross the socket and stays
 * beside the code it tunes.
 */

// ── Server end: batching ──────────────────────────────────────────────────────────────────────

/** Output is gathered this long before it is sent, so a flood goes out in few large frames. */
export const BATCH_MS = 5;
/**
 * The most a batch holds: reads are not joined past it (a single larger read goes alone). Its
 * decoded string must stay below V8's large-object threshold (128 KB: 64 Ki UTF-16 code units):
 * every large-object allocation maps fresh pages and unmaps them when freed, and at 256 KiB per
 * batch that cost 3–5 ms of CPU per MB of output, more than everything else the session does
 * with it (docs/flow-control.md, "Garbage").
 */
export const MAX_BATCH_BYTES = 64 * 1024;
/**
 * A batch is sent at once when it holds this much, whatever the timer says: in a flood every post
 * of the terminal host thread (at least this much, host/pty-reader-worker.mjs) is a batch of its
 * own, handed on as it arrives instead of waiting for the next one.
 */
export const BATCH_FULL_BYTES = 60 * 1024;
/**
 * Largest binary frame to a viewer, and the most a flood adds to a viewer's window: a viewer may
 * have the high watermark plus what the program printed in the last BATCH_MS (up to this) in
 * flight — what it had when batches were this large (host/viewer-hub.ts).
 */
export const MAX_FRAME_BYTES = 256 * 1024;
/** Output arriving this soon after a keystroke is sent immediately: it is most likely the echo. */
export const ECHO_WINDOW_MS = 30;

// ── Server end: per-viewer flow control ────────────────────────────────────────────────────────

/** Unacknowledged bytes at which sending to a viewer pauses (VS Code pauses at 100k chars). */
export const VIEWER_HIGH_WATERMARK = 100_000;
/**
 * Unacknowledged bytes below which a paused viewer resumes. VS Code resumes at 5k; here acks cross
 * the app server to the terminal host, and waiting for the window to empty left a bubble of that
 * round trip in every refill (a flood's viewer fell behind and out of the ring): half the window.
 */
export const VIEWER_LOW_WATERMARK = 50_000;
/** Recent output shared by all viewers; a viewer further behind than this is resynced. */
export const RING_BYTES = 4 * 1024 * 1024;
/** The socket's own send buffer also caps sending: a peer that stops reading is caught even if it acked. */
export const SOCKET_HIGH_WATERMARK = 1024 * 1024;
/**
 * A viewer that types while the oldest output it has not been sent is older than this jumps to
 * the present (a resync): whoever types wants to see what the keys do, not replay a flood first.
 */
export const TYPING_CATCH_UP_MS = 500;

// ── Browser end ────────────────────────────────────────────────────────────────────────────────

/** Acks are grouped so a flood does not produce one message per frame: this many bytes… */
export const ACK_EVERY_BYTES = 16 * 1024;
/** …or this long after the first unacknowledged frame was rendered, whichever comes first. */
export const ACK_DELAY_MS = 20;
/**
 * A view in front that fell out of the ring draws a flood as one screen this often and parses
 * nothing in between (client/flood-skimmer.ts, docs/flow-control.md "Skimming a flood").
 */
export const SKIM_INTERVAL_MS = 200;
/** First reconnect delay after a dropped socket; doubled per failed attempt… */
export const RECONNECT_MIN_MS = 250;
/** …up to this. */
export const RECONNECT_MAX_MS = 5_000;
