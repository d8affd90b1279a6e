import type { ReviewComment } from "../../workspace/types";

/**
 * How pending review comments reach an agent: one text, `path:line: comment` per comment under a
 * short header, sent as one bracketed paste followed by Enter (as the internal API's `paste` mode:
 * server/internal-api/terminal-input.ts). Pure: the browser shows the same text as a preview.
 */

export const PASTE_START = "\u001b[200~";
export const PASTE_END = "\u001b[201~";
/** Enter goes in as a separate write: agent TUIs take a `\r` in the same read as part of the paste. */
export const PASTE_ENTER_DELAY_MS = 150;

export const REVIEW_HEADER = "Review comments on your changes (path:line: comment), please address them:";

/** `src/a.ts:12`, `src/a.ts:12-14`; a comment on removed lines says so. */
export function commentLocation(comment: Pick<ReviewComment, "path" | "startLine" | "endLine" | "side">): string {
  const start = Math.min(comment.startLine, comment.endLine);
  const end = Math.max(comment.startLine, comment.endLine);
  const lines = start === end ? `${start}` : `${start}-${end}`;
  return `${comment.path}:${lines}${comment.side === "old" ? " (removed lines)" : ""}`;
}

/** The whole message: the header, then one comment per line (a multi-line comment's later lines indented). */
export function formatReviewComments(comments: readonly ReviewComment[]): string {
  const body = comments.map((comment) => {
    const text = comment.text.trim().replace(/\r\n?/g, "\n").split("\n").join("\n    ");
    return `${commentLocation(comment)}: ${text}`;
  });
  return [REVIEW_HEADER, ...body].join("\n");
}

/** The bytes for the terminal: markers inside the text are removed so it cannot end the paste early. */
export function bracketedPaste(text: string): { first: string; then: string } {
  const clean = text.split(PASTE_START).join("").split(PASTE_END).join("").replace(/\r?\n$/, "");
  return { first: `${PASTE_START}${clean}${PASTE_END}`, then: "\r" };
}
