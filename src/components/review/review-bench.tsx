"use client";

import { useMemo, useState } from "react";
import { sampleFileDiff } from "@/lib/review/sample-diff";
import { DiffViewer } from "./diff-viewer";

/**
 * Bench harness: "Open" mounts the app's DiffViewer (paged, as on the Changes tab) on a generated
 * diff; "Open unpaged" mounts the same component with every line at once (the library alone), the
 * baseline the bench compares against.
 */
export function ReviewBench({ lines }: { lines: number }) {
  const diff = useMemo(() => sampleFileDiff(lines), [lines]);
  const [shown, setShown] = useState<"paged" | "unpaged" | null>(null);
  return (
    <div>
      <p>
        {lines} changed lines, {diff.totalLines} diff lines.
      </p>
      <button type="button" className="button" data-testid="bench-open" onClick={() => setShown("paged")}>
        Open
      </button>{" "}
      <button type="button" className="button" data-testid="bench-open-unpaged" onClick={() => setShown("unpaged")}>
        Open unpaged
      </button>
      {shown ? (
        <div data-testid="bench-diff">
          <DiffViewer diff={diff} mode="unified" theme="dark" onAddComment={() => undefined} pageLines={shown === "unpaged" ? Number.MAX_SAFE_INTEGER : undefined} />
        </div>
      ) : null}
    </div>
  );
}
