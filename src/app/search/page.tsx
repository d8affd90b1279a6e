import type { Metadata } from "next";
import { SearchResults } from "@/components/search/search-results";
import styles from "@/components/search/search.module.css";
import { isAppError } from "@/lib/errors";
import { MAX_SEARCH_CHARS, regexProblem, searchPageParamsSchema, type SearchPageParams } from "@/lib/schemas/search-schemas";
import { getServices } from "@/server/registry";
import type { GlobalSearchView } from "@/server/search/search-types";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Search" };

interface SearchPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** One value per parameter: a repeated one counts as its first. */
function firstValues(raw: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
}

function searchHref(params: SearchPageParams, offset: number): string {
  const query = new URLSearchParams({ q: params.q });
  if (params.regex) query.set("regex", "1");
  if (params.case) query.set("case", "1");
  if (offset > 0) query.set("offset", String(offset));
  return `/search?${query.toString()}`;
}

async function runSearch(params: SearchPageParams): Promise<{ view?: GlobalSearchView; error?: string }> {
  if (params.regex) {
    const problem = regexProblem(params.q);
    if (problem) return { error: problem };
  }
  try {
    const view = await getServices().search.searchAll({
      spec: { query: params.q, regex: params.regex === "1", caseSensitive: params.case === "1", context: 1 },
      offset: params.offset,
    });
    return { view };
  } catch (error) {
    // A regex that backtracks, a full queue: the service's message says what to do.
    if (isAppError(error)) return { error: error.message };
    throw error;
  }
}

/** Search in the output of every run of every task: recordings and live terminals. */
export default async function SearchPage({ searchParams }: SearchPageProps) {
  const params = searchPageParamsSchema.parse(firstValues(await searchParams));
  const outcome = params.q ? await runSearch(params) : undefined;
  return (
    <main className="page">
      <div className="page-header">
        <div>
          <h1>Search</h1>
          <p className="page-subtitle">Find text in the terminal output of every task&apos;s runs — live terminals and recordings, all of each run.</p>
        </div>
      </div>
      <section className="panel">
        <div className="panel-body">
          <form className={styles.form} method="get" action="/search" role="search">
            <label className="visually-hidden" htmlFor="search-q">
              Output contains
            </label>
            <input
              id="search-q"
              className={`input mono ${styles.query}`}
              type="search"
              name="q"
              defaultValue={params.q}
              placeholder="Output contains…"
              maxLength={MAX_SEARCH_CHARS}
              autoFocus
              aria-invalid={outcome?.error ? true : undefined}
              aria-describedby={outcome?.error ? "search-error" : undefined}
            />
            <label className={styles.toggle}>
              <input type="checkbox" name="regex" value="1" defaultChecked={params.regex === "1"} /> Regular expression
            </label>
            <label className={styles.toggle}>
              <input type="checkbox" name="case" value="1" defaultChecked={params.case === "1"} /> Match case
            </label>
            <button type="submit" className="button button-primary">
              Search
            </button>
          </form>
        </div>
      </section>
      {outcome?.error ? (
        <p id="search-error" className={`form-alert ${styles.error}`} role="alert">
          {outcome.error}
        </p>
      ) : null}
      {outcome?.view ? (
        <SearchResults view={outcome.view} olderHref={outcome.view.nextOffset !== null ? searchHref(params, outcome.view.nextOffset) : undefined} />
      ) : null}
    </main>
  );
}
