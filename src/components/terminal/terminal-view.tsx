"use client";

import "@xterm/xterm/css/xterm.css";
import { memo, useEffect, useImperativeHandle, useRef, useState, type Ref } from "react";
import type { AckGate, AckPolicy } from "@/lib/client/ack-gate";
import { backgroundBytesPerSecond } from "@/lib/client/background-rate";
import { watchBackgroundShare } from "@/lib/client/background-share";
import { useAppEvents } from "@/lib/client/app-events-client";
import type { SessionState, Sizing } from "@/terminal/contract/protocol";
import type { ConnectionStatus } from "@/terminal/client/terminal-connection";
import { TerminalController, type TerminalSizeInfo } from "@/terminal/client/terminal-controller";

import { TerminalSearchBar } from "./terminal-search-bar";
import { readTerminalTheme, TERMINAL_FONT_FAMILY } from "./terminal-theme";
import { useTerminalSearch } from "./use-terminal-search";
import { isTouchScreen } from "./use-touch-device";
import styles from "./terminal-view.module.css";

export { ACTIVITY_THROTTLE_MS } from "@/terminal/client/terminal-controller";
/** Below this a shrunk glance view stops shrinking and scrolls sideways: smaller is not legible. */
export const MIN_SHRUNK_FONT_SIZE = 7;
/** Start consuming a little before a tile scrolls into view, so it is current when seen. */
const VISIBILITY_MARGIN = "200px";

export interface TerminalViewHandle {
  /** Reconnect now (after a Start, or when told a session started). */
  reconnect(): void;
  focus(): void;
  /** Resize the terminal to what fits this view, whatever the size policy says (the person asked). */
  takeSize(): void;
  /** Bytes from an on-screen key, through the terminal's input path. */
  sendKeys(data: string): void;
  /** Text pasted from outside xterm (bracketed when the program turned bracketed paste on). */
  paste(text: string): void;
  /** The modes that decide which bytes a key sends. */
  inputModes(): { applicationCursorKeys: boolean; bracketedPaste: boolean };
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
  /**
   * How this view's size counts (docs/protocol.md, "Size policy"): `lead` — a person's main view
   * of the task: it sets the PTY size when it types (or opens while nobody does) and offers "Fit
   * to this view" otherwise; `follow` — a glance (a Missions tile): it renders at the PTY's size and
   * never changes it. On a touch screen a `lead` view follows too. Any view can `takeSize()`.
   */
  sizing?: Sizing;
  /** A glance view: when the PTY is wider than the view, shrink the font (to MIN_SHRUNK_FONT_SIZE) before scrolling sideways. */
  shrinkToFit?: boolean;
  /** The PTY's size, whether this view sets it, and what would fit this view. */
  onSize?(info: TerminalSizeInfo): void;
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
 * proposes no size before that), sized by the size policy (docs/protocol.md), disposed on unmount.
 */
export const TerminalView = memo(function TerminalView({
  taskId,
  fontSize = 13,
  scrollback = 5_000,
  className,
  wheelScrollsPageUnlessFocused = false,
  background = false,
  active = false,
  sizing = "lead",
  shrinkToFit = false,
  ref,
  ...callbacks
}: TerminalViewProps) {
  const sizingRef = useRef(sizing);
  sizingRef.current = sizing;
  const shrinkRef = useRef(shrinkToFit);
  shrinkRef.current = shrinkToFit;
  const screenRef = useRef<HTMLDivElement>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const controllerRef = useRef<TerminalController | undefined>(undefined);
  // The latest callbacks, so the terminal is never recreated because a parent re-rendered.
  const callbacksRef = useRef(callbacks);
  callbacksRef.current = callbacks;
  // The font size at creation; later changes go through the controller (effect below).
  const initialFontSize = useRef(fontSize);
  const [status, setStatus] = useState<ConnectionStatus>("connecting");
  // Ctrl/Cmd+F: find in this terminal's scrollback (TerminalSearchBar).
  const { attach: attachSearch, bar: searchBar } = useTerminalSearch(readTerminalTheme);
  // Ack policy inputs, read by updatePolicy (refs: they change without re-creating anything).
  const gateRef = useRef<AckGate | undefined>(undefined);
  const resyncRef = useRef<() => void>(() => undefined);
  // `typed`: keys went out from this view since it last lost focus (the key lifts pacing at once).
  const flags = useRef({ background, active, visible: true, focused: false, typed: false, share: 1 });
  flags.current.background = background;
  flags.current.active = active;
  const policyRef = useRef<AckPolicy>({ paused: false, bytesPerSecond: null });
  const updatePolicy = useRef((resyncIfBehind: boolean = true) => {
    const { background: bg, active: act, visible, focused, typed, share } = flags.current;
    const rate = backgroundBytesPerSecond();
    const next: AckPolicy = !bg || act || focused || typed
      ? { paused: false, bytesPerSecond: null }
      : { paused: !visible, bytesPerSecond: rate === null ? null : Math.round(rate * share) };
    const previous = policyRef.current;
    policyRef.current = next;
    const loosened = (previous.paused && !next.paused) || (previous.bytesPerSecond !== null && next.bytesPerSecond === null);
    // Coming into view or into focus while behind: show the screen as it is now rather than
    // replaying what piled up (with a flood, that could be seconds of someone else's past). A key
    // that loosens it has already asked for that jump itself (TerminalController.sendLive).
    if (resyncIfBehind && loosened && gateRef.current?.behind) resyncRef.current();
    gateRef.current?.setPolicy(next);
  }).current;

  useImperativeHandle(ref, () => ({
    reconnect: () => controllerRef.current?.reconnect(),
    focus: () => controllerRef.current?.focus(),
    takeSize: () => controllerRef.current?.takeSize(),
    sendKeys: (data) => controllerRef.current?.sendKeys(data),
    paste: (text) => controllerRef.current?.paste(text),
    inputModes: () => controllerRef.current?.inputModes() ?? { applicationCursorKeys: false, bracketedPaste: false },
  }), []);

  // The terminal and its connection: one controller per task (src/terminal/client).
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const controller = new TerminalController(container, {
      taskId,
      fontSize: initialFontSize.current,
      scrollback,
      fontFamily: TERMINAL_FONT_FAMILY,
      readTheme: readTerminalTheme,
      initialPolicy: policyRef.current,
      events: {
        onActivity: (at) => callbacksRef.current.onActivity?.(at),
        onStatus: (next) => {
          setStatus(next);
          callbacksRef.current.onStatus?.(next);
        },
        onState: (state) => callbacksRef.current.onState?.(state),
        onExit: (exit) => callbacksRef.current.onExit?.(exit),
        onError: (message) => callbacksRef.current.onError?.(message),
        onSize: (info) => callbacksRef.current.onSize?.(info),
        onInput: () => {
          if (flags.current.typed) return;
          flags.current.typed = true;
          updatePolicy(false);
        },
      },
      wantsActivity: () => Boolean(callbacksRef.current.onActivity),
      visibility: () => flags.current,
      // A phone's keyboard typing into the task never re-wraps it for the desktop: touch screens follow.
      sizing: () => (sizingRef.current === "lead" && !isTouchScreen() ? "lead" : "follow"),
      shrinkToFitMinFont: () => (shrinkRef.current ? MIN_SHRUNK_FONT_SIZE : undefined),
      onTerminal: attachSearch,
    });
    controllerRef.current = controller;
    gateRef.current = controller.gate;
    updatePolicy();
    resyncRef.current = () => controller.resync();
    return () => {
      resyncRef.current = () => undefined;
      gateRef.current = undefined;
      controllerRef.current = undefined;
      controller.dispose();
    };
  }, [taskId, scrollback, attachSearch]);

  // A new font size changes how many cells fit: propose the new size (the server applies it).
  useEffect(() => {
    controllerRef.current?.setFontSize(fontSize);
  }, [fontSize]);

  useEffect(updatePolicy, [background, active, updatePolicy]);

  useEffect(() => {
    controllerRef.current?.sizingChanged();
  }, [sizing, shrinkToFit]);

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
      if (!flags.current.focused) flags.current.typed = false;
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
      flags.current.typed = false;
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
      controllerRef.current?.reconnect();
    }
  });

  return (
    <div ref={screenRef} className={className ? `${styles.screen} ${className}` : styles.screen} data-testid="terminal-screen" data-connection={status}>
      {/* data-renderer and the probe (docs/rendering.md) are set on this element by the controller. */}
      <div ref={containerRef} className={styles.xterm} data-task-id={taskId} data-terminal-view={background ? "tile" : "task"} />
      <TerminalSearchBar {...searchBar} />
      {status === "reconnecting" ? <div className={styles.overlay}>Reconnecting…</div> : null}
    </div>
  );
});
