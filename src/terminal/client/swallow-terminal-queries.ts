import type { Terminal } from "@xterm/xterm";

/**
 * The server's mirror is the one answerer of terminal queries (cursor position, device
 * attributes, mode requests): a browser terminal that answered too would send duplicate replies
 * into the program's input. Registering handlers that claim these queries stops xterm.js from
 * answering, without guessing which keystrokes are replies.
 */
export function swallowTerminalQueries(term: Terminal): { dispose(): void } {
  const handlers = [
    // DSR: status (5) and cursor position (6) reports; DECXCPR and other private DSRs.
    term.parser.registerCsiHandler({ final: "n" }, () => true),
    term.parser.registerCsiHandler({ prefix: "?", final: "n" }, () => true),
    // DA1 / DA2 device attributes.
    term.parser.registerCsiHandler({ final: "c" }, () => true),
    term.parser.registerCsiHandler({ prefix: ">", final: "c" }, () => true),
    // DECRQM mode requests (ANSI and private).
    term.parser.registerCsiHandler({ intermediates: "$", final: "p" }, () => true),
    term.parser.registerCsiHandler({ prefix: "?", intermediates: "$", final: "p" }, () => true),
    // DECRQSS setting requests.
    term.parser.registerDcsHandler({ intermediates: "$", final: "q" }, () => true),
    // OSC 10/11/12 colour queries ("?"); setting a colour still goes through to xterm.js.
    ...[10, 11, 12].map((id) => term.parser.registerOscHandler(id, (data) => data.includes("?"))),
  ];
  return { dispose: () => handlers.forEach((h) => h.dispose()) };
}
