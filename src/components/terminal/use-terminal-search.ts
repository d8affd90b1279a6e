"use client";

import type { ITheme, Terminal as Xterm } from "@xterm/xterm";
import { useCallback, useState } from "react";
import { TerminalSearch } from "@/terminal/client/terminal-search";
import type { SearchResults } from "@/terminal/client/terminal-search-query";
import type { TerminalSearchBarProps } from "./terminal-search-bar";

/**
 * Search for a terminal component: `attach` is handed the xterm once it exists (it returns the
 * detach to call before the xterm is disposed), and `bar` is spread onto <TerminalSearchBar>.
 */
export function useTerminalSearch(readTheme: () => ITheme): {
  attach(term: Xterm): () => void;
  bar: TerminalSearchBarProps;
} {
  const [search, setSearch] = useState<TerminalSearch | null>(null);
  const [open, setOpen] = useState(false);
  // Bumped by every press of the search key: the bar (re)takes the keyboard even when already open.
  const [openRequest, setOpenRequest] = useState(0);
  const [results, setResults] = useState<SearchResults | null>(null);
  const [unavailable, setUnavailable] = useState(false);

  const attach = useCallback(
    (term: Xterm) => {
      const created = new TerminalSearch(term, readTheme, {
        onOpenRequest: () => {
          setOpen(true);
          setOpenRequest((n) => n + 1);
        },
        onResults: setResults,
        onUnavailable: () => setUnavailable(true),
      });
      setSearch(created);
      return () => {
        created.dispose();
        setSearch((current) => (current === created ? null : current));
        setOpen(false);
        setResults(null);
      };
    },
    [readTheme],
  );

  const onClose = useCallback(() => setOpen(false), []);
  const onCleared = useCallback(() => setResults(null), []);
  return { attach, bar: { search, open, openRequest, results, unavailable, onClose, onCleared } };
}
