"use client";

import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef, useState } from "react";
import { onThemeChange } from "@/lib/client/theme-client";
import { formatBytes } from "@/lib/format/quantities";
import { attachProbe } from "@/terminal/client/terminal-probe";
import { TerminalRenderer } from "@/terminal/client/terminal-renderer";
import { CastFormatError, CastParser, type CastItem, type CastParserStats } from "@/terminal/recording/cast-parser";
import { resizeTerminal } from "@/terminal/xterm-resize";
import { TerminalSearchBar } from "../terminal/terminal-search-bar";
import { readTerminalTheme, TERMINAL_FONT_FAMILY } from "../terminal/terminal-theme";
import { useTerminalSearch } from "../terminal/use-terminal-search";
import styles from "./recording.module.css";

/**
 * xterm parses asynchronously and drops data past ~50 MB unparsed; wait for it to catch up after
 * this much (a 100 MB recording streams through in steps, and the tab stays responsive).
 */
const WRITE_AHEAD_BYTES = 512 * 1024;
const SCROLLBACK_LINES = 20_000;

export function recordingUrl(executionId: string, download = false): string {
  return `/api/executions/${encodeURIComponent(executionId)}/recording${download ? "?download=1" : ""}`;
}

type Phase =
  | { kind: "loading"; bytes: number }
  | { kind: "done"; bytes: number; stats: CastParserStats }
  | { kind: "missing" }
  | { kind: "error"; message: string };

type Xterm = import("@xterm/xterm").Terminal;

/** A run's recording, replayed into a read-only terminal: every output in order, at its sizes. */
export function RecordingTerminal({ executionId }: { executionId: string }) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [phase, setPhase] = useState<Phase>({ kind: "loading", bytes: 0 });
  // Ctrl/Cmd+F: find in the replay, all of it (the scrollback holds SCROLLBACK_LINES).
  const { attach: attachSearch, bar: searchBar } = useTerminalSearch(readTerminalTheme);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const abort = new AbortController();
    let term: Xterm | undefined;
    let detachSearch: (() => void) | undefined;
    let detachProbe: (() => void) | undefined;
    let renderer: TerminalRenderer | undefined;
    const offTheme = onThemeChange(() => {
      if (term) term.options.theme = readTerminalTheme();
    });

    const replay = async () => {
      const [{ Terminal }, { FitAddon }] = await Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit")]);
      if (abort.signal.aborted) return;
      term = new Terminal({
        disableStdin: true,
        cursorBlink: false,
        cursorInactiveStyle: "none",
        fontSize: 12,
        fontFamily: TERMINAL_FONT_FAMILY,
        scrollback: SCROLLBACK_LINES,
        // Search highlights are decorations, still a proposed API in xterm 6.
        allowProposedApi: true,
        theme: readTerminalTheme(),
      });
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.open(container);
      const termRenderer = new TerminalRenderer(term, container);
      renderer = termRenderer;
      detachProbe = attachProbe(container, term, () => termRenderer.kind);
      detachSearch = attachSearch(term);
      const activeTerm = term;
      const caughtUp = () => new Promise<void>((resolve) => activeTerm.write("", resolve));

      const response = await fetch(recordingUrl(executionId), { signal: abort.signal, cache: "no-store" });
      if (response.status === 404) {
        setPhase({ kind: "missing" });
        return;
      }
      if (!response.ok || !response.body) throw new Error(`The server answered ${response.status} ${response.statusText}`.trim());

      const parser = new CastParser();
      let bytes = 0;
      let ahead = 0;
      const apply = async (items: CastItem[]) => {
        for (const item of items) {
          if (item.type === "output") {
            activeTerm.write(item.data);
            ahead += item.data.length;
            if (ahead >= WRITE_AHEAD_BYTES) {
              ahead = 0;
              await caughtUp();
            }
          } else {
            const { cols, rows } = item.type === "header" ? { cols: item.header.width, rows: item.header.height } : item;
            // What came before was laid out at the old size: let it land first.
            await caughtUp();
            resizeTerminal(activeTerm, cols, rows);
          }
        }
      };
      const reader = response.body.getReader();
      // Streaming decode: a chunk may end inside a multi-byte character.
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        await apply(parser.push(decoder.decode(value, { stream: true })));
        setPhase({ kind: "loading", bytes });
      }
      await apply([...parser.push(decoder.decode()), ...parser.end()]);
      await caughtUp();
      // Show as many rows as the dialog has room for (columns stay as recorded: lines wrap as they did).
      const rows = fit.proposeDimensions()?.rows;
      if (rows && Number.isFinite(rows) && rows > activeTerm.rows) activeTerm.resize(activeTerm.cols, Math.floor(rows));
      activeTerm.scrollToBottom();
      setPhase({ kind: "done", bytes, stats: parser.stats });
    };

    // After the dialog has been shown: xterm measures its cells on open.
    const frame = requestAnimationFrame(() => {
      replay().catch((error: unknown) => {
        if (abort.signal.aborted) return;
        const message =
          error instanceof CastFormatError
            ? `This run's recording is not readable: ${error.message}`
            : `Could not load the recording. ${error instanceof Error ? error.message : ""}`.trim();
        setPhase({ kind: "error", message });
      });
    });
    return () => {
      cancelAnimationFrame(frame);
      abort.abort();
      offTheme();
      detachSearch?.();
      detachProbe?.();
      renderer?.dispose();
      term?.dispose();
    };
  }, [executionId, attachSearch]);

  return (
    <div className={styles.viewer}>
      <p className={styles.status} role="status">
        {statusText(phase)}
      </p>
      <div className={styles.screen} data-testid="recording-screen" hidden={phase.kind === "missing" || phase.kind === "error"}>
        <div ref={containerRef} className={styles.xterm} data-terminal-view="replay" />
        <TerminalSearchBar {...searchBar} />
      </div>
      {phase.kind === "error" ? (
        <p className="form-alert" role="alert">
          {phase.message}
        </p>
      ) : null}
    </div>
  );
}

function statusText(phase: Phase): string {
  switch (phase.kind) {
    case "loading":
      return phase.bytes > 0 ? `Loading the recording… ${formatBytes(phase.bytes)}` : "Loading the recording…";
    case "missing":
      return "No recording was kept for this run (it started before recordings existed, or its file was removed).";
    case "error":
      return "The recording could not be shown.";
    case "done": {
      const notes = [`${formatBytes(phase.bytes)} recorded`];
      if (phase.stats.truncatedTail) notes.push("it ends mid-write (the server stopped while it ran)");
      if (phase.stats.invalidLines > 0) notes.push(`${phase.stats.invalidLines} unreadable ${phase.stats.invalidLines === 1 ? "line" : "lines"} skipped`);
      return `Read-only replay · ${notes.join(" · ")}`;
    }
  }
}
