import { z } from "zod";

/** The longest search text: long patterns are a sign of a mistake and make backtracking likelier. */
export const MAX_SEARCH_CHARS = 500;

/**
 * The search page's URL (`/search?q=…&regex=1&case=1&offset=N`): a GET form, so a search is a
 * link that can be shared and reloaded. A value that does not fit falls back to its default.
 */
export const searchPageParamsSchema = z.object({
  q: z.string().trim().max(MAX_SEARCH_CHARS, `must be at most ${MAX_SEARCH_CHARS} characters`).catch("").default(""),
  regex: z.literal("1").optional().catch(undefined),
  case: z.literal("1").optional().catch(undefined),
  offset: z.coerce.number().int().min(0).max(1_000_000).catch(0).default(0),
});
export type SearchPageParams = z.output<typeof searchPageParamsSchema>;

/** Checks a regex before it reaches the server: the message the page shows. */
export function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    return `Not a valid regular expression: ${(error as Error).message}`;
  }
}
