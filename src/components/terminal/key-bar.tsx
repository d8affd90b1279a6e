"use client";

import { useState, type SyntheticEvent, type RefObject } from "react";
import { KEY_BAR_KEYS, keyBytes } from "./key-bar-keys";
import type { TerminalViewHandle } from "./terminal-view";
import styles from "./key-bar.module.css";

export interface KeyBarProps {
  terminal: RefObject<TerminalViewHandle | null>;
  onError?(message: string): void;
}

/**
 * Keys a phone keyboard lacks, under the terminal: Esc, Tab, Ctrl-C, Ctrl-D, arrows, Enter, and
 * Paste. Each sends the bytes a real keyboard would, through the terminal's own input path.
 */
export function KeyBar({ terminal, onError }: KeyBarProps) {
  const [pasting, setPasting] = useState(false);

  const paste = async () => {
    setPasting(true);
    try {
      const text = await navigator.clipboard.readText();
      // xterm's paste: line ends become \r, and the paste markers wrap it when the program asked for them.
      if (text) terminal.current?.paste(text);
    } catch {
      onError?.("The browser did not let the page read the clipboard; allow it, or paste with the keyboard's own paste.");
    } finally {
      setPasting(false);
    }
  };

  return (
    <div className={styles.bar} role="toolbar" aria-label="Terminal keys" onPointerDown={keepTerminalFocus} onMouseDown={keepTerminalFocus}>
      {KEY_BAR_KEYS.map((key) => (
        <button
          key={key.id}
          type="button"
          className={styles.key}
          aria-label={key.name}
          title={key.name}
          onClick={() => {
            const handle = terminal.current;
            if (handle) handle.sendKeys(keyBytes(key.id, handle.inputModes()));
          }}
        >
          {key.label}
        </button>
      ))}
      <button type="button" className={styles.key} disabled={pasting} onClick={() => void paste()}>
        Paste
      </button>
    </div>
  );
}

/**
 * A tap on a key must not take the focus from the terminal: on a phone that closes the on-screen
 * keyboard, and the next typed letter would go nowhere. Both events: a touch's focus change is the
 * default action of the mousedown that follows the pointerdown.
 */
function keepTerminalFocus(event: SyntheticEvent<HTMLDivElement>): void {
  if ((event.target as HTMLElement).closest("button")) event.preventDefault();
}
