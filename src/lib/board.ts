import { z } from "zod";
import type { TaskStatus } from "./domain";

/**
 * The board's shape at scale: which columns are capped, how much of a description a card gets,
 * and the URL parameters (`q`, `all`) that carry the filter and the expanded columns, so both
 * survive a refresh and every live re-render is filtered and capped on the server.
 * Client-safe: the board builds its links with these.
 */

/** Shown even when empty: the path a task normally takes. Rarer columns appear once they hold a task. */
export const ALWAYS_SHOWN_STATUSES: readonly TaskStatus[] = ["todo", "running", "needs_input", "review", "done"];

/**
 * End states: tasks pile up there for as long as the app is used (weeks of agents: thousands in
 * Done), while the active columns stay short because someone works them down.
 */
export const CAPPED_STATUSES = ["done", "failed", "interrupted"] as const satisfies readonly TaskStatus[];
export type CappedStatus = (typeof CAPPED_STATUSES)[number];

/** Cards a capped column shows until "Show more": a few screens of the most recent ones. */
export const BOARD_COLUMN_CAP = 50;

/**
 * Cards each "Show more" adds to a capped column. Every live refresh sends the shown cards again
 * (~400 bytes each), so a column of thousands is opened a page at a time, not all at once; the
 * filter finds any task however old.
 */
export const BOARD_COLUMN_PAGE = 200;

/** Most cards a column can be asked to show (a hand-edited URL): far beyond any page anyone scrolls. */
const MAX_SHOWN_CARDS = 100_000;

/**
 * How many cards each expanded end-state column shows (the URL's `all`, e.g. `done:250`). A
 * capped column not listed shows BOARD_COLUMN_CAP.
 */
export type ExpandedColumns = Readonly<Partial<Record<CappedStatus, number>>>;

/** A card clamps its description to two lines (~120–200 characters at its width); more is never seen. */
export const PREVIEW_CHARS = 200;

/** Longer filters are cut: nothing longer is typed by hand, and it bounds the server's work per query. */
export const MAX_BOARD_QUERY_CHARS = 200;

export function isCappedStatus(status: TaskStatus): status is CappedStatus {
  return (CAPPED_STATUSES as readonly TaskStatus[]).includes(status);
}

/** One line of at most PREVIEW_CHARS, whitespace collapsed, cut at a word boundary when one is near. */
export function descriptionPreview(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= PREVIEW_CHARS) return flat;
  let cut = flat.slice(0, PREVIEW_CHARS);
  // Never end on half a surrogate pair (an emoji cut in two renders as a replacement box).
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(" ");
  if (space >= PREVIEW_CHARS - 30) cut = cut.slice(0, space);
  return `${cut.trimEnd()}…`;
}

/** The filter's rule, the same as the board always had: the words anywhere in the title, the notes or the directory, any case. */
export function normalizeBoardQuery(query: string): string {
  return query.trim().toLowerCase();
}

export function matchesBoardQuery(task: { title: string; description: string; cwd: string }, needle: string): boolean {
  if (!needle) return true;
  return (
    task.title.toLowerCase().includes(needle) ||
    task.description.toLowerCase().includes(needle) ||
    task.cwd.toLowerCase().includes(needle)
  );
}

const expandedSchema = z
  .string()
  .optional()
  .transform((value): ExpandedColumns => {
    const shown: Partial<Record<CappedStatus, number>> = {};
    for (const item of (value ?? "").split(",")) {
      const [status, count] = item.split(":");
      // Known capped statuses only: an edited URL cannot make a column of anything else.
      if (!status || !isCappedStatus(status as TaskStatus) || shown[status as CappedStatus] !== undefined) continue;
      // A status without a count (links of older versions said `all=done`) opens its first page.
      const wanted = count === undefined ? BOARD_COLUMN_CAP + BOARD_COLUMN_PAGE : Number(count);
      if (!Number.isFinite(wanted)) continue;
      const cards = Math.min(MAX_SHOWN_CARDS, Math.trunc(wanted));
      if (cards > BOARD_COLUMN_CAP) shown[status as CappedStatus] = cards;
    }
    return shown;
  });

/** The cards a capped column shows. */
export function shownCards(expanded: ExpandedColumns, status: CappedStatus): number {
  return expanded[status] ?? BOARD_COLUMN_CAP;
}

/** The board page's search parameters; anything malformed falls back to the plain board. */
export const boardParamsSchema = z.object({
  q: z
    .string()
    .optional()
    .transform((value) => (value ?? "").trim().slice(0, MAX_BOARD_QUERY_CHARS)),
  all: expandedSchema,
});
export type BoardParams = z.infer<typeof boardParamsSchema>;

/** The board's URL for a filter and the expanded columns; `/` for the plain board. */
export function boardHref(params: { q: string; all: ExpandedColumns }): string {
  const search = new URLSearchParams();
  const q = params.q.trim();
  if (q) search.set("q", q);
  const all = CAPPED_STATUSES.filter((status) => shownCards(params.all, status) > BOARD_COLUMN_CAP).map((status) => `${status}:${params.all[status]}`);
  if (all.length > 0) search.set("all", all.join(","));
  const text = search.toString();
  return text ? `/?${text}` : "/";
}
