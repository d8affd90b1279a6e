"use client";

import "@xterm/xterm/css/xterm.css";
import { memo, useEffect, useImperativeHandle, useRef, useState, type Ref } from "react";
import { AckGate, type AckPolicy } from "@/lib/client/ack-gate";
import { watchBackgroundShare } from "@/lib/client/background-share";
import { useAppEvents } from "@/lib/client/app-events-client";
import { onThemeChange } from "@/lib/client/theme-client";
import { throttleLatest } from "@/lib/client/throttle";
import type { SessionState } from "@/terminal/contract/protocol";
import { swallowTerminalQueries } from "@/terminal/client/swallow-terminal-queries";
import { TerminalConnection, type ConnectionStatus } from "@/terminal/client/terminal-connection";
import { readTerminalTheme, TERMINAL_FONT_FAMILY } from "./terminal-theme";
import styles from "./terminal-view.module.css";

/** "Last activity" needs second precision at most; output can arrive hundreds of times a second. */
export const ACTIVITY_THROTTLE_MS = 1_000;
/** Resizes settle before the size is proposed: dragging a window fires many observer callbacks. */
const RESIZE_DEBOUNCE_MS = 50;
/**
 * What a visible tile that nobody is working in may consume while the page keeps up. A log
 * scrolling at a normal pace is far below it; a flood above it is shown by jumps to the current
 * screen. On an overloaded page it is cut to a share of this (BackgroundShare).
 */
export const BACKGROUND_BYTES_PER_SECOND = 128 * 1024;
/** Start consuming a little before a tile scrolls into view, so it is current when seen. */
const VISIBILITY_MARGIN = "200px";
/**
 * A visible background view behind for this long jumps to the current screen (a fresh attach).
 * On an overloaded page it waits longer (divided by the share): every jump costs the page too.
 */
const STALE_RESYNC_MS = 2_000;
const MAX_STALE_RESYNC_MS = 30_000;
/** Keys typed while (re)connecting are sent once live, up to this much (a paste, not a novel). */
const MAX_PENDING_INPUT_CHARS = 64 * 1024;

type Xterm = import("@xterm/xterm").Terminal;

export interface TerminalViewHandle {
  /** Reconnect now (after a Start, or when told a session started). */
  reconnect(): void;
  focus(): void;
}

export interface TerminalExit {
  exitCode: number | null;
  signal: string | null;
}

export interface TerminalViewProps {
  taskId: string;
  /** In px; changing it re-fits the same terminal (no new xterm, no reconnect). */
  fontSize?: number;
  scrollback?: number;
  className?: string;
  /**
   * The mouse wheel over an unfocused terminal scrolls the page instead of the terminal's
   * scrollback — in a grid of tiles the page must stay scrollable. Once focused, the terminal
   * scrolls.
   */
  wheelScrollsPageUnlessFocused?: boolean;
  /**
   * One of many views (a Missions tile): consume nothing while out of sight, a bounded rate while
   * visible but not focused, everything while focused or `active`. See AckGate.
   */
  background?: boolean;
  /** Being worked in (the expanded tile): consume everything, like the task page. */
  active?: boolean;
  /** When output last arrived; called at most once per ACTIVITY_THROTTLE_MS. */
  onActivity?(at: number): void;
  onStatus?(status: ConnectionStatus): void;
  onState?(state: SessionState): void;
  onExit?(exit: TerminalExit): void;
  onError?(message: string): void;
  ref?: Ref<TerminalViewHandle>;
}

/**
 * One xterm attached to a task's PTY session over the terminal socket: the task page's terminal
 * and every Missions tile are this component. Created once the container is in the page (fit
 * proposes no size before that), sized by the server's resize policy, disposed on unmount.
 */
export const TerminalView = memo(function TerminalView({
  taskId,
  fontSize = 13,
  scrollback = 5_000,
  className,
  wheelScrollsPageUnlessFocused = false,
  background = false,
  active = false,
  ref,
  ...callbacks
}: TerminalViewProps) {
  const screenRef = useRef<HTMLDivElement>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Xterm | undefined>(undefined);
  const connectionRef = useRef<TerminalConnection | undefined>(undefined);
  const proposeSizeRef = useRef<() => void>(() => undefined);
  // The latest callbacks, so the terminal is never recreated because a parent re-rendered.
  const callbacksRef = useRef(callbacks);
  callbacksRef.current = callbacks;
  // The font size at creation; later changes go through term.options (effect below).
  const initialFontSize = useRef(fontSize);
  const [status, setStatus] = useState<ConnectionStatus>("connecting");
  // Ack policy inputs, read by updatePolicy (refs: they change without re-creating anything).
  const gateRef = useRef<AckGate | undefined>(undefined);
  const resyncRef = useRef<() => void>(() => undefined);
  const flags = useRef({ background, active, visible: true, focused: false, share: 1 });
  flags.current.background = background;
  flags.current.active = active;
  const policyRef = useRef<AckPolicy>({ paused: false, bytesPerSecond: null });
  const updatePolicy = useRef(() => {
    const { background: bg, active: act, visible, focused, share } = flags.current;
    const next: AckPolicy = !bg || act || focused
      ? { paused: false, bytesPerSecond: null }
      : { paused: !visible, bytesPerSecond: Math.round(BACKGROUND_BYTES_PER_SECOND * share) };
    const previous = policyRef.current;
    policyRef.current = next;
    const loosened = (previous.paused && !next.paused) || (previous.bytesPerSecond !== null && next.bytesPerSecond === null);
    // Coming into view or into focus while behind: show the screen as it is now rather than
    // replaying what piled up (with a flood, that could be seconds of someone else's past).
    if (loosened && gateRef.current?.behind) resyncRef.current();
    gateRef.current?.setPolicy(next);
  }).current;

  useImperativeHandle(ref, () => ({
    reconnect: () => connectionRef.current?.reconnect(),
    focus: () => termRef.current?.focus(),
  }), []);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let disposed = false;
    let term: Xterm | undefined;
    let observer: ResizeObserver | undefined;
    let conn: TerminalConnection | undefined;
    let resizeTimer: ReturnType<typeof setTimeout> | undefined;
    const offTheme = onThemeChange(() => {
      if (term) term.options.theme = readTerminalTheme();
    });
    const reportActivity = throttleLatest((at: number) => callbacksRef.current.onActivity?.(at), ACTIVITY_THROTTLE_MS);
    const gate = new AckGate(policyRef.current);
    gateRef.current = gate;
    updatePolicy();
    // A deliberate re-attach (to catch up) keeps showing "Live": it is not a connection problem.
    let resyncing = false;
    let pendingInput: string[] = [];
    let pendingChars = 0;
    const sendInput = (data: string) => {
      if (conn?.currentStatus === "live") conn.sendInput(data);
      else if (pendingChars + data.length <= MAX_PENDING_INPUT_CHARS) {
        pendingInput.push(data);
        pendingChars += data.length;
      }
    };
    const resync = () => {
      if (!conn || resyncing) return;
      gate.clear();
      resyncing = true;
      conn.reconnect();
    };
    resyncRef.current = resync;
    const staleCheck = setInterval(() => {
      const { background: bg, visible, share } = flags.current;
      if (bg && visible && gate.behindForMs() >= Math.min(MAX_STALE_RESYNC_MS, STALE_RESYNC_MS / share)) resync();
    }, 1_000);

    void (async () => {
      const [{ Terminal }, { FitAddon }] = await Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit")]);
      if (disposed) return;
      term = new Terminal({
        fontSize: initialFontSize.current,
        fontFamily: TERMINAL_FONT_FAMILY,
        cursorBlink: true,
        scrollback,
        allowProposedApi: true,
        theme: readTerminalTheme(),
      });
      termRef.current = term;
      const fit = new FitAddon();
      term.loadAddon(fit);
      swallowTerminalQueries(term);
      term.open(container);
      const activeTerm = term;
      conn = new TerminalConnection(
        taskId,
        {
          restore(data, cols, rows) {
            activeTerm.reset();
            if (activeTerm.cols !== cols || activeTerm.rows !== rows) activeTerm.resize(cols, rows);
            activeTerm.write(data);
          },
          write(data, done) {
            const bytes = data.byteLength;
            activeTerm.write(data, () => gate.pass(bytes, done));
            if (callbacksRef.current.onActivity) reportActivity(Date.now());
          },
          resize(cols, rows) {
            // In order with the output: what came before was laid out at the old size.
            activeTerm.write("", () => {
              if (activeTerm.cols !== cols || activeTerm.rows !== rows) activeTerm.resize(cols, rows);
            });
          },
        },
        {
          onStatus: (next) => {
            if (resyncing && (next === "connecting" || next === "reconnecting")) return;
            resyncing = false;
            if (next === "live") {
              const queued = pendingInput;
              pendingInput = [];
              pendingChars = 0;
              for (const data of queued) conn?.sendInput(data);
            } else if (next === "idle" || next === "closed") {
              pendingInput = [];
              pendingChars = 0;
            }
            setStatus(next);
            callbacksRef.current.onStatus?.(next);
          },
          onState: (state) => callbacksRef.current.onState?.(state),
          onExit: (exit) => callbacksRef.current.onExit?.(exit),
          onError: (message) => callbacksRef.current.onError?.(message),
        },
      );
      connectionRef.current = conn;
      term.onData(sendInput);
      term.onBinary(sendInput);
      const proposeSize = () => {
        const dims = fit.proposeDimensions();
        if (dims && Number.isFinite(dims.cols) && Number.isFinite(dims.rows) && dims.cols > 1 && dims.rows > 1) {
          conn?.sendSize(Math.floor(dims.cols), Math.floor(dims.rows));
        }
      };
      proposeSizeRef.current = proposeSize;
      observer = new ResizeObserver(() => {
        clearTimeout(resizeTimer);
        resizeTimer = setTimeout(proposeSize, RESIZE_DEBOUNCE_MS);
      });
      observer.observe(container);
      proposeSize();
      conn.connect();
    })();

    return () => {
      disposed = true;
      offTheme();
      clearInterval(staleCheck);
      resyncRef.current = () => undefined;
      gate.dispose();
      gateRef.current = undefined;
      reportActivity.cancel();
      clearTimeout(resizeTimer);
      observer?.disconnect();
      conn?.dispose();
      connectionRef.current = undefined;
      termRef.current = undefined;
      proposeSizeRef.current = () => undefined;
      term?.dispose();
    };
  }, [taskId, scrollback]);

  // A new font size changes how many cells fit: propose the new size (the server applies it).
  useEffect(() => {
    const term = termRef.current;
    if (!term || term.options.fontSize === fontSize) return;
    term.options.fontSize = fontSize;
    proposeSizeRef.current();
  }, [fontSize]);

  useEffect(updatePolicy, [background, active, updatePolicy]);

  // Background views track whether they are seen and whether they have the keyboard.
  useEffect(() => {
    const screen = screenRef.current;
    if (!screen || !background) return;
    const visibility = new IntersectionObserver(
      (entries) => {
        const entry = entries[entries.length - 1];
        if (!entry) return;
        flags.current.visible = entry.isIntersecting;
        updatePolicy();
      },
      { rootMargin: VISIBILITY_MARGIN },
    );
    visibility.observe(screen);
    const unwatchShare = watchBackgroundShare((share) => {
      flags.current.share = share;
      updatePolicy();
    });
    const onFocus = () => {
      flags.current.focused = screen.contains(document.activeElement);
      updatePolicy();
    };
    // After focusout, activeElement is only settled once the event is over.
    const onBlur = () => queueMicrotask(onFocus);
    screen.addEventListener("focusin", onFocus);
    screen.addEventListener("focusout", onBlur);
    return () => {
      visibility.disconnect();
      unwatchShare();
      flags.current.share = 1;
      screen.removeEventListener("focusin", onFocus);
      screen.removeEventListener("focusout", onBlur);
      flags.current.visible = true;
      flags.current.focused = false;
    };
  }, [background, updatePolicy]);

  useEffect(() => {
    const screen = screenRef.current;
    if (!screen || !wheelScrollsPageUnlessFocused) return;
    const onWheel = (event: WheelEvent) => {
      // Capture phase on an ancestor: stopping here keeps xterm from taking the wheel, and
      // without preventDefault the browser scrolls the page.
      if (!screen.contains(document.activeElement)) event.stopPropagation();
    };
    screen.addEventListener("wheel", onWheel, { capture: true, passive: true });
    return () => screen.removeEventListener("wheel", onWheel, { capture: true });
  }, [wheelScrollsPageUnlessFocused]);

  // Sessions started elsewhere (another tab, an agent, the API) show up here live.
  useAppEvents((event) => {
    if ((event.type === "session.changed" && event.taskId === taskId && event.live) || event.type === "resync") {
      connectionRef.current?.reconnect();
    }
  });

  return (
    <div ref={screenRef} className={className ? `${styles.screen} ${className}` : styles.screen} data-testid="terminal-screen" data-connection={status}>
      <div ref={containerRef} className={styles.xterm} />
      {status === "reconnecting" ? <div className={styles.overlay}>Reconnecting…</div> : null}
    </div>
  );
});
