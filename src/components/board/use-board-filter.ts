"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState, useTransition } from "react";
import { boardHref, type ExpandedColumns } from "@/lib/board";
import { useBoardUi } from "@/stores/board-ui-store";

/**
 * A pause in typing this long sends the filter to the server: one query per pause, not per key,
 * and short enough to feel like the results follow the text.
 */
const FILTER_DEBOUNCE_MS = 200;

export interface BoardFilter {
  /** What the input shows: the text as typed, updated on every key without waiting for the server. */
  text: string;
  setText: (value: string) => void;
  /** Sends a pending text at once (Enter). */
  flush: () => void;
  /** The columns do not show the typed text's results yet. */
  pending: boolean;
  /**
   * Show more / Show fewer: the board with these columns expanded and the text as typed, sent or
   * not. (The links carry the filter the board was rendered with; a click while a filter waits
   * for its pause would drop the typed text, or the pause would then drop the expansion.)
   */
  showColumns: (all: ExpandedColumns) => void;
}

/**
 * The board's filter runs on the server (it needs every task's whole text, which the browser no
 * longer gets): the typed text lives in the board's UI store, and after a pause it becomes the
 * URL's `q`, which re-renders the page in a transition. The input is never re-mounted, so it
 * keeps its focus and caret. `applied` is the filter the server rendered with.
 */
export function useBoardFilter(applied: string, expanded: ExpandedColumns): BoardFilter {
  const router = useRouter();
  const text = useBoardUi((state) => state.filter);
  const setFilter = useBoardUi((state) => state.setFilter);
  const [navigating, startTransition] = useTransition();
  // Until the store has taken the URL's filter (first effect), show that filter: the server's
  // HTML and the hydrating client then agree, and the input never flashes empty.
  const [adopted, setAdopted] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // The filter this input last put in the URL, and the one the server last rendered with.
  const requested = useRef(applied);
  const seen = useRef(applied);
  // Read at send time: "Show more" may have changed the expanded columns since the last key.
  const expandedNow = useRef(expanded);
  useEffect(() => {
    expandedNow.current = expanded;
  }, [expanded]);

  const send = useCallback(
    (query: string) => {
      clearTimeout(timer.current);
      timer.current = undefined;
      if (query === requested.current) return;
      requested.current = query;
      startTransition(() => router.replace(boardHref({ q: query, all: expandedNow.current }), { scroll: false }));
    },
    [router],
  );

  useEffect(() => () => clearTimeout(timer.current), []);

  // On arrival: a filter in the URL (a link, back/forward) wins; otherwise the text kept from the
  // last visit to the board (opening a task and coming back) is applied again.
  useEffect(() => {
    if (applied) setFilter(applied);
    else if (text.trim()) send(text.trim());
    setAdopted(true);
    // Once, on mount: later changes are handled below and by setText.
  }, []);

  // A filter change this input did not ask for (back/forward, the Board link while on the board)
  // shows in the input. Responses to its own requests — including one superseded by a newer
  // request still in flight — must never overwrite what is being typed.
  useEffect(() => {
    if (applied === seen.current) return;
    seen.current = applied;
    if (applied === requested.current || navigating || timer.current !== undefined) return;
    requested.current = applied;
    setFilter(applied);
  }, [applied, navigating, setFilter]);

  const setText = useCallback(
    (value: string) => {
      setFilter(value);
      const query = value.trim();
      clearTimeout(timer.current);
      timer.current = undefined;
      if (query === requested.current) return;
      // Clearing the filter shows everything at once: nothing to wait for.
      if (!query) return send(query);
      timer.current = setTimeout(() => send(query), FILTER_DEBOUNCE_MS);
    },
    [send, setFilter],
  );

  const flush = useCallback(() => send(useBoardUi.getState().filter.trim()), [send]);

  const showColumns = useCallback(
    (all: ExpandedColumns) => {
      clearTimeout(timer.current);
      timer.current = undefined;
      const query = useBoardUi.getState().filter.trim();
      requested.current = query;
      expandedNow.current = all;
      // A new history entry, as the links make: Back collapses the column again.
      startTransition(() => router.push(boardHref({ q: query, all }), { scroll: false }));
    },
    [router],
  );

  const shown = adopted ? text : applied;
  return { text: shown, setText, flush, pending: navigating || shown.trim() !== applied, showColumns };
}
