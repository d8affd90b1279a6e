/**
 * The one reading of a request target that every access decision uses (docs/security.md, "One
 * decision point"). Next, `new URL` and Node's legacy `url.parse` all resolve dot segments, and
 * the last two turn `\` into `/`: a guard that tested the raw path let
 * `/_next/static/../../settings` through as a static file, and Next then served Settings.
 *
 * The rule: a target is accepted only when it means the same thing to every parser. Percent-escapes
 * of unreserved characters (`%41`, `%2e`, `%7e`) are decoded — that is what every parser does — and
 * then anything a parser might still rewrite or read differently is refused with 400 instead of
 * being guessed at: dot segments, empty segments (`//`), `\`, `#`, raw bytes outside printable
 * ASCII, escapes of separators and of `%` itself (double encoding), broken escapes, and targets
 * that are not origin-form (`http://host/x`, `*`). What is accepted is handed on in its decoded
 * form, so the path that was classified is the path Next routes.
 */

export type RequestTarget = { ok: true; path: string; search: string } | { ok: false; status: 400 | 414; reason: string };

/** Far beyond any route of this app (task ids are ≤ 64 characters); bounds every later check. */
export const MAX_PATH_CHARS = 2048;

const UNRESERVED = /[A-Za-z0-9\-._~]/;
/**
 * Printable ASCII that both WHATWG URL parsing and Node's legacy `url.parse` leave as it is in a
 * path: not space, `"`, `'`, `#`, `<`, `>`, `` ` ``, `{`, `}`, `|`, `^` (one or the other
 * percent-encodes them; browsers send them encoded) nor `\`. `%` is checked as an escape below.
 */
const ALLOWED_RAW = /^[A-Za-z0-9\-._~!$&()*+,;=:@%/[\]]*$/;

export function parseRequestTarget(rawUrl: string | undefined): RequestTarget {
  const url = rawUrl ?? "";
  if (!url.startsWith("/")) return refuse("The request target must be a path starting with '/'.");
  const queryAt = url.indexOf("?");
  const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
  const search = queryAt < 0 ? "" : url.slice(queryAt);
  if (rawPath.length > MAX_PATH_CHARS) return { ok: false, status: 414, reason: `The path is longer than ${MAX_PATH_CHARS} characters.` };
  if (!ALLOWED_RAW.test(rawPath) || search.includes("#") || /[^\x21-\x7e]/.test(search)) {
    return refuse("The request target holds a character that must be percent-encoded (space, '\\', '#', quotes, '<>`{}|^', a control or non-ASCII byte).");
  }

  let path = "";
  for (let i = 0; i < rawPath.length; i++) {
    const ch = rawPath[i]!;
    if (ch !== "%") {
      path += ch;
      continue;
    }
    const hex = rawPath.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return refuse("The path holds a '%' that is not followed by two hex digits.");
    const code = parseInt(hex, 16);
    const decoded = String.fromCharCode(code);
    if (UNRESERVED.test(decoded)) path += decoded;
    else if (code === 0x2f || code === 0x5c || code === 0x25 || code < 0x20 || code === 0x7f) {
      return refuse("The path holds an encoded '/', '\\', '%' or control character; no route of this app uses one.");
    } else path += `%${hex.toUpperCase()}`;
    i += 2;
  }

  const segments = path.split("/").slice(1);
  // A trailing slash leaves one empty last segment (Next redirects it); anything else empty is `//`.
  if (segments.slice(0, -1).some((s) => s === "")) return refuse("The path holds an empty segment ('//').");
  if (segments.some((s) => s === "." || s === "..")) return refuse("The path holds a '.' or '..' segment.");
  return { ok: true, path, search };
}

function refuse(reason: string): RequestTarget {
  return { ok: false, status: 400, reason };
}
