"use client";

import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import type { SearchDirection, TerminalSearch } from "@/terminal/client/terminal-search";
import { isMacPlatform, searchKeyAction } from "@/terminal/client/terminal-search-keys";
import { checkSearchQuery, describeResults, type SearchFlags, type SearchResults } from "@/terminal/client/terminal-search-query";
import styles from "./terminal-search-bar.module.css";

const FLAG_TOGGLES: ReadonlyArray<{ flag: keyof SearchFlags; name: string; label: string }> = [
  { flag: "caseSensitive", name: "Match case", label: "Aa" },
  { flag: "regex", name: "Regular expression", label: ".*" },
];

const STEPS: ReadonlyArray<{ direction: SearchDirection; name: string; key: string; chevron: string }> = [
  { direction: "previous", name: "Previous match", key: "Shift+Enter", chevron: "M2.5 7.5 6 4l3.5 3.5" },
  { direction: "next", name: "Next match", key: "Enter", chevron: "M2.5 4.5 6 8l3.5-3.5" },
];

export interface TerminalSearchBarProps {
  /** The terminal's search, null until its xterm exists. */
  search: TerminalSearch | null;
  open: boolean;
  /** Changes on every press of the search key: the bar takes the keyboard again. */
  openRequest: number;
  results: SearchResults | null;
  /** The search code could not be loaded: the bar says so instead of finding nothing. */
  unavailable: boolean;
  onClose(): void;
  /** The highlights were removed (the bar closed or the query was emptied). */
  onCleared(): void;
}

const NO_FLAGS: SearchFlags = { caseSensitive: false, regex: false };

/**
 * Find in a terminal, over its whole scrollback: typing finds the most recent match, Enter and
 * Shift+Enter (or the arrows) move to the next and previous one, every match is highlighted.
 * Esc closes it and gives the keyboard back to the terminal. Kept mounted while closed, so the
 * last query is there when it opens again.
 */
export function TerminalSearchBar({ search, open, openRequest, results, unavailable, onClose, onCleared }: TerminalSearchBarProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState("");
  const [flags, setFlags] = useState<SearchFlags>(NO_FLAGS);
  const errorId = useId();
  const check = checkSearchQuery(query, flags);
  const error = unavailable ? "Search could not be loaded; reload the page to try again." : check.ok ? null : check.message;

  const run = (nextQuery: string, nextFlags: SearchFlags, direction: SearchDirection, fromLatest: boolean) => {
    if (!search) return;
    if (nextQuery === "" || !checkSearchQuery(nextQuery, nextFlags).ok) {
      search.clear();
      onCleared();
      return;
    }
    // A fresh start (opened again, an option changed) looks from the newest output upwards.
    if (fromLatest) search.clear();
    search.find(nextQuery, nextFlags, direction);
  };

  // Each press of the search key: take the keyboard, with the query selected to type over it.
  useEffect(() => {
    if (!open) return;
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [open, openRequest]);

  // Opening shows the last query's matches again; closing removes every highlight.
  const queryRef = useRef({ query, flags });
  queryRef.current = { query, flags };
  useEffect(() => {
    if (!search) return;
    if (open) {
      const { query: q, flags: f } = queryRef.current;
      run(q, f, "previous", true);
    } else {
      search.clear();
      onCleared();
    }
    // Only on opening/closing (and a new terminal): typing runs its own searches.
  }, [open, search]);

  const close = () => {
    onClose();
    search?.focusTerminal();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Escape") {
      // Handled here: not the dialog's Esc, not the Missions panel's collapse.
      event.preventDefault();
      event.stopPropagation();
      close();
      return;
    }
    const { key, code, ctrlKey, metaKey, shiftKey, altKey } = event;
    if (searchKeyAction({ type: "keydown", key, code, ctrlKey, metaKey, shiftKey, altKey }, isMacPlatform()) === "open-search") {
      // The search key again: stay here, ready to type a new query (not the browser's find bar).
      event.preventDefault();
      inputRef.current?.focus();
      inputRef.current?.select();
    }
  };

  const onInputKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== "Enter" || event.nativeEvent.isComposing) return;
    event.preventDefault();
    run(query, flags, event.shiftKey ? "previous" : "next", false);
  };

  const toggle = (flag: keyof SearchFlags) => {
    const next = { ...flags, [flag]: !flags[flag] };
    setFlags(next);
    run(query, next, "previous", true);
  };

  const count = error ? "" : describeResults(results, query);
  const canMove = query !== "" && error === null && (results?.resultCount ?? 0) > 0;
  return (
    <div
      role="search"
      aria-label="Search the terminal"
      className={styles.bar}
      hidden={!open}
      onKeyDown={onKeyDown}
      // A click on the bar is not a click into the terminal (a Missions tile focuses it on click).
      onClick={(event) => event.stopPropagation()}
    >
      <div className={styles.field}>
        <input
          ref={inputRef}
          type="text"
          className={styles.input}
          aria-label="Find in terminal"
          placeholder="Find"
          spellCheck={false}
          autoComplete="off"
          value={query}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => {
            setQuery(event.target.value);
            run(event.target.value, flags, "previous", false);
          }}
          onKeyDown={onInputKeyDown}
        />
        <output className={styles.count} aria-live="polite" data-testid="terminal-search-count">
          {count}
        </output>
      </div>
      {FLAG_TOGGLES.map(({ flag, name, label }) => (
        <button key={flag} type="button" className={styles.toggle} aria-label={name} title={name} aria-pressed={flags[flag]} onClick={() => toggle(flag)}>
          {label}
        </button>
      ))}
      {STEPS.map(({ direction, name, key, chevron }) => (
        <button
          key={direction}
          type="button"
          className={styles.icon}
          aria-label={name}
          title={`${name} (${key})`}
          disabled={!canMove}
          onClick={() => run(query, flags, direction, false)}
        >
          <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
            <path d={chevron} fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </button>
      ))}
      <button type="button" className={styles.icon} aria-label="Close search" title="Close (Esc)" onClick={close}>
        <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
          <path d="M3 3l6 6M9 3l-6 6" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
      </button>
      {error ? (
        <p id={errorId} className={styles.error} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
