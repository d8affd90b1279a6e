import type { SearchAddon } from "@xterm/addon-search";
import type { ITheme, Terminal as Xterm } from "@xterm/xterm";
import { onThemeChange } from "@/lib/client/theme-client";
import { CTRL_F, isMacPlatform, searchKeyAction } from "./terminal-search-keys";
import { checkSearchQuery, SEARCH_HIGHLIGHT_LIMIT, searchDecorations, type SearchFlags, type SearchResults } from "./terminal-search-query";

/**
 * Find in one xterm (live task terminal, Missions tile, replayed recording): the search addon with
 * highlights in the theme's colours, and the terminal's search key. Framework-free; the React
 * search bar (components/terminal/terminal-search-bar) drives it. The addon searches the whole
 * buffer, scrollback included, and scrolls the active match into view.
 *
 * It takes the terminal's custom key handler (xterm has one slot): nothing else in the app uses it.
 */

export interface TerminalSearchEvents {
  /** The search key was pressed in the terminal: show the bar (or focus it when shown). */
  onOpenRequest(): void;
  onResults(results: SearchResults): void;
  /** The addon's chunk could not be loaded (the server went away): searching cannot work here. */
  onUnavailable(): void;
}

export type SearchDirection = "next" | "previous";

export class TerminalSearch {
  private addon: SearchAddon | undefined;
  /** A search asked for before the addon arrived (its chunk loads on first use of the page). */
  private pending: (() => void) | undefined;
  /** Re-runs the shown search with fresh colours (after a theme switch); set while a query is shown. */
  private refresh: (() => void) | undefined;
  private resultsListener: { dispose(): void } | undefined;
  private readonly offTheme: () => void;
  private readonly mac = isMacPlatform();
  private disposed = false;

  constructor(
    private readonly term: Xterm,
    private readonly readTheme: () => ITheme,
    private readonly events: TerminalSearchEvents,
  ) {
    // The key handler goes in at once, so the search key never reaches the program, even before
    // the addon has loaded.
    term.attachCustomKeyEventHandler((event) => this.onKey(event));
    this.offTheme = onThemeChange(() => this.refresh?.());
    void import("@xterm/addon-search").then(({ SearchAddon }) => {
      if (this.disposed) return;
      const addon = new SearchAddon({ highlightLimit: SEARCH_HIGHLIGHT_LIMIT });
      term.loadAddon(addon);
      this.resultsListener = addon.onDidChangeResults((results) => events.onResults(results));
      this.addon = addon;
      const pending = this.pending;
      this.pending = undefined;
      pending?.();
    }, () => {
      this.pending = undefined;
      if (!this.disposed) events.onUnavailable();
    });
  }

  /**
   * Find the query from the active match (or from the newest output) in `direction`. A query that
   * grew while typing stays on the match it extends, searching "previous" (the addon's expansion).
   * A query that cannot run (see checkSearchQuery) clears the highlights: no throw.
   */
  find(query: string, flags: SearchFlags, direction: SearchDirection): void {
    if (this.disposed) return;
    const addon = this.addon;
    if (!addon) {
      this.pending = () => this.find(query, flags, direction);
      return;
    }
    if (query === "" || !checkSearchQuery(query, flags).ok) {
      this.clear();
      return;
    }
    const options = { ...flags, decorations: searchDecorations(this.readTheme()) };
    this.refresh = () => {
      addon.clearDecorations();
      this.run(() => addon.findNext(query, { ...options, decorations: searchDecorations(this.readTheme()), incremental: true }));
    };
    this.run(() => (direction === "next" ? addon.findNext(query, options) : addon.findPrevious(query, options)));
  }

  /** Remove the highlights and the selection the search made (the bar closed or the query emptied). */
  clear(): void {
    this.refresh = undefined;
    this.pending = undefined;
    if (this.disposed) return;
    this.addon?.clearDecorations();
    this.term.clearSelection();
  }

  focusTerminal(): void {
    this.term.focus();
  }

  dispose(): void {
    this.disposed = true;
    this.refresh = undefined;
    this.pending = undefined;
    this.offTheme();
    this.resultsListener?.dispose();
    this.addon?.dispose();
    this.addon = undefined;
  }

  private run(search: () => boolean): void {
    try {
      search();
    } catch {
      // Queries are checked with the addon's own regex flags first; a throw here would be an addon
      // bug, and a search bar must not take the page down for it.
      this.clear();
      this.events.onResults({ resultIndex: -1, resultCount: 0 });
    }
  }

  /** xterm's key hook: false keeps the key from the program (and from xterm's own handling). */
  private onKey(event: KeyboardEvent): boolean {
    const action = searchKeyAction(event, this.mac);
    if (!action) return true;
    // keydown, keypress and keyup all come here: act once, and keep all three from the program.
    if (event.type === "keydown") {
      // Else the browser opens its own find bar, which cannot see the terminal's scrollback.
      event.preventDefault();
      if (action === "open-search") this.events.onOpenRequest();
      else this.term.input(CTRL_F, true);
    }
    return false;
  }
}
