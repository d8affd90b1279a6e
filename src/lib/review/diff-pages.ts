/**
 * Cuts one file's unified diff (git's text) into pages of at most `maxLines` diff lines, each page
 * a complete diff on its own (the file header, then whole hunks, with a hunk that does not fit
 * split into smaller hunks whose `@@` headers are recomputed). The diff view renders one page at a
 * time and adds the next on demand, so a 5 000-line change never builds 5 000 rows in one go.
 */

export interface DiffPage {
  /** A complete unified diff: the file header and this page's hunks. */
  text: string;
  /** Diff body lines in this page (not counting headers). */
  lines: number;
  /** The first new-file line this page covers (for labels). */
  firstNewLine: number;
}

export interface PagedDiff {
  header: string;
  pages: DiffPage[];
  totalLines: number;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;

interface Hunk {
  oldStart: number;
  newStart: number;
  oldCount: number;
  newCount: number;
  context: string;
  body: string[];
}

function parse(diff: string): { header: string[]; hunks: Hunk[] } {
  const lines = diff.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const header: string[] = [];
  const hunks: Hunk[] = [];
  let current: Hunk | undefined;
  for (const line of lines) {
    const match = HUNK_HEADER.exec(line);
    if (match) {
      current = {
        oldStart: Number(match[1]),
        oldCount: match[2] === undefined ? 1 : Number(match[2]),
        newStart: Number(match[3]),
        newCount: match[4] === undefined ? 1 : Number(match[4]),
        context: match[5] ?? "",
        body: [],
      };
      hunks.push(current);
    } else if (current) {
      current.body.push(line);
    } else {
      header.push(line);
    }
  }
  return { header, hunks };
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}

/** Splits a hunk into pieces of at most `size` body lines with correct line numbers. */
function splitHunk(hunk: Hunk, size: number): Hunk[] {
  if (hunk.body.length <= size) return [hunk];
  const pieces: Hunk[] = [];
  // The next line numbers on each side (an empty old range starts one before, as git writes it).
  let oldNext = hunk.oldCount === 0 ? hunk.oldStart + 1 : hunk.oldStart;
  let newNext = hunk.newCount === 0 ? hunk.newStart + 1 : hunk.newStart;
  for (let i = 0; i < hunk.body.length; i += size) {
    let body = hunk.body.slice(i, i + size);
    // "\ No newline at end of file" belongs to the line before it: keep them together.
    while (i + size < hunk.body.length && hunk.body[i + size]?.startsWith("\\") && body.length > 0) {
      body = [...body, hunk.body[i + size]!];
      i += 1;
    }
    let oldCount = 0;
    let newCount = 0;
    for (const line of body) {
      const mark = line[0];
      if (mark === "-") oldCount += 1;
      else if (mark === "+") newCount += 1;
      else if (mark !== "\\") {
        oldCount += 1;
        newCount += 1;
      }
    }
    pieces.push({
      oldStart: oldCount === 0 ? oldNext - 1 : oldNext,
      oldCount,
      newStart: newCount === 0 ? newNext - 1 : newNext,
      newCount,
      context: i === 0 ? hunk.context : "",
      body,
    });
    oldNext += oldCount;
    newNext += newCount;
  }
  return pieces;
}

function hunkText(hunk: Hunk): string {
  return [`@@ -${range(hunk.oldStart, hunk.oldCount)} +${range(hunk.newStart, hunk.newCount)} @@${hunk.context}`, ...hunk.body].join("\n");
}

export function paginateDiff(diff: string, maxLines: number): PagedDiff {
  const size = Math.max(1, Math.floor(maxLines));
  const { header, hunks } = parse(diff);
  const headerText = header.join("\n");
  const pieces = hunks.flatMap((hunk) => splitHunk(hunk, size));
  const pages: DiffPage[] = [];
  let current: Hunk[] = [];
  let count = 0;
  const flush = () => {
    if (current.length === 0) return;
    const text = [headerText, ...current.map(hunkText)].filter((part) => part.length > 0).join("\n");
    pages.push({ text: `${text}\n`, lines: count, firstNewLine: current[0]!.newStart });
    current = [];
    count = 0;
  };
  for (const piece of pieces) {
    if (count > 0 && count + piece.body.length > size) flush();
    current.push(piece);
    count += piece.body.length;
  }
  flush();
  return { header: headerText, pages, totalLines: pieces.reduce((sum, piece) => sum + piece.body.length, 0) };
}
