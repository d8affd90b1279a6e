"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState, useTransition } from "react";
import { resumePtyExecution, startPtyExecution, stopPtyExecution } from "@/actions/agent-actions";
import { callAction } from "@/lib/client/action-call";
import { useAppEvents } from "@/lib/client/app-events-client";
import type { SessionState } from "@/terminal/contract/protocol";
import type { ConnectionStatus } from "@/terminal/client/terminal-connection";
import type { TerminalSizeInfo } from "@/terminal/client/terminal-controller";
import { KeyBar } from "../terminal/key-bar";
import { CONNECTION_TEXT, exitText } from "../terminal/terminal-labels";
import { useTouchDevice } from "../terminal/use-touch-device";
import { TerminalView, type TerminalExit, type TerminalViewHandle } from "../terminal/terminal-view";
import styles from "./task-terminal.module.css";

export interface TaskTerminalProps {
  taskId: string;
  /** The task's stored prompt: what Start sends unless edited. */
  prompt: string;
  profileName: string;
  /** Agent CLI profiles can resume a previous session (src/lib/agent-clis.ts). */
  canResume: boolean;
  /** The session as the server saw it when the page rendered (null: none). */
  initialSession: SessionState | null;
  /** Font size in px. */
  fontSize?: number;
}

/** The task page's terminal: the live view plus Start (with an editable prompt), Stop and Resume. */
export function TaskTerminal({ taskId, prompt, profileName, canResume, initialSession, fontSize = 13 }: TaskTerminalProps) {
  const viewRef = useRef<TerminalViewHandle>(null);
  const [connection, setConnection] = useState<ConnectionStatus>(initialSession ? "connecting" : "idle");
  const [session, setSession] = useState<SessionState | null>(initialSession);
  const [exit, setExit] = useState<TerminalExit | null>(
    initialSession && !initialSession.running ? { exitCode: initialSession.exitCode, signal: initialSession.signal } : null,
  );
  const [draft, setDraft] = useState(prompt);
  const [error, setError] = useState<string | null>(null);
  const [resumable, setResumable] = useState(canResume);
  const [pending, startTransition] = useTransition();
  const [size, setSize] = useState<TerminalSizeInfo | null>(null);
  const touch = useTouchDevice();
  // The key bar shows while the terminal has the keyboard, or when pinned with the Keys toggle.
  const [terminalFocused, setTerminalFocused] = useState(false);
  const [keysPinned, setKeysPinned] = useState(false);

  useEffect(() => setResumable(canResume), [canResume]);

  useAppEvents((event) => {
    if (event.type === "session.changed" && event.taskId === taskId && event.live) setExit(null);
    else if (event.type === "execution.changed" && event.execution.taskId === taskId && event.execution.agentSessionId) setResumable(true);
  });

  const onState = useCallback((state: SessionState) => {
    setSession(state);
    if (state.running) setExit(null);
  }, []);

  const router = useRouter();
  const run = useCallback(
    (action: () => Promise<{ ok: boolean; message?: string }>) => {
      setError(null);
      startTransition(async () => {
        const result = await callAction(action);
        if (result.ok) {
          viewRef.current?.reconnect();
          return;
        }
        setError(result.message ?? "The action failed");
        // A refusal can come from what the page shows as fine (a worktree deleted by hand still read
        // "Healthy" beside "…is missing"): render it again from the server's present state.
        router.refresh();
      });
    },
    [router],
  );

  const running = session?.running === true && exit === null && connection !== "idle";
  // Another view sets the size and this one would fit another: offer to take it (the size policy).
  const canFit = running && connection === "live" && size?.fit != null && !size.owner && (size.fit.cols !== size.cols || size.fit.rows !== size.rows);
  const showKeys = touch && running && (terminalFocused || keysPinned);

  return (
    <div className={styles.root}>
      <div className={styles.toolbar}>
        <span className={styles.connection} data-state={connection} role="status" aria-label="Terminal connection">
          <span className={styles.dot} aria-hidden="true" />
          {CONNECTION_TEXT[connection]}
        </span>
        {exit && (
          <span className={styles.exit} data-testid="terminal-exit">
            {exitText(exit)}
          </span>
        )}
        {session && (
          <span className={styles.meta}>
            <span data-testid="terminal-size" title="The terminal's size: set by the desktop view that typed last (or opened first), or by a view's Fit to this view">
              {session.cols}×{session.rows}
            </span>
            {session.viewers > 1 ? ` · ${session.viewers} viewers` : ""}
          </span>
        )}
        {canFit && size?.fit ? (
          <button
            type="button"
            className="button"
            title={`Another view set this terminal to ${size.cols}×${size.rows}. Resize it to ${size.fit.cols}×${size.fit.rows}, what fits here: the program and every view follow.`}
            onClick={() => viewRef.current?.takeSize()}
          >
            Fit to this view
          </button>
        ) : null}
        <span className={styles.spacer} />
        {touch && running && (
          <button type="button" className="button" aria-pressed={keysPinned} onClick={() => setKeysPinned((pinned) => !pinned)}>
            Keys
          </button>
        )}
        {!running && resumable && (
          <button type="button" className="button" disabled={pending} onClick={() => run(() => resumePtyExecution(taskId))}>
            Resume
          </button>
        )}
        {running ? (
          <button type="button" className="button button-danger" disabled={pending} onClick={() => run(() => stopPtyExecution(taskId))}>
            {pending ? "Stopping…" : "Stop"}
          </button>
        ) : (
          <button type="button" className="button button-primary" disabled={pending} onClick={() => run(() => startPtyExecution(taskId, draft))}>
            {pending ? "Starting…" : "Start"}
          </button>
        )}
      </div>
      {!running && (
        <label className={styles.prompt}>
          <span>Prompt for {profileName}</span>
          <textarea
            className="textarea mono"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            rows={3}
            placeholder="What should the agent do? (optional)"
          />
        </label>
      )}
      {error && (
        <p className={styles.error} role="alert">
          {error}
        </p>
      )}
      <div
        className={styles.terminalArea}
        onFocus={() => setTerminalFocused(true)}
        onBlur={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setTerminalFocused(false);
        }}
      >
        <TerminalView
          ref={viewRef}
          taskId={taskId}
          fontSize={fontSize}
          className={styles.screen}
          onStatus={setConnection}
          onState={onState}
          onSize={setSize}
          onExit={setExit}
          onError={setError}
        />
        {showKeys && <KeyBar terminal={viewRef} onError={setError} />}
      </div>
    </div>
  );
}
