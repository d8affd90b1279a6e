import type { ChangedFile, FileChangeKind } from "@/workspace/types";
import styles from "./review.module.css";

export const KIND_LETTER: Record<FileChangeKind, string> = {
  added: "A",
  modified: "M",
  deleted: "D",
  renamed: "R",
  copied: "C",
  type_changed: "T",
};

/** Where a file's change lives: committed on the branch, uncommitted in the worktree, untracked. */
export function FileMarkers({ file }: { file: ChangedFile }) {
  return (
    <>
      {file.committed ? (
        <span className={styles.marker} data-marker="committed">
          committed
        </span>
      ) : null}
      {file.uncommitted ? (
        <span className={styles.marker} data-marker="uncommitted">
          uncommitted
        </span>
      ) : null}
      {file.untracked ? (
        <span className={styles.marker} data-marker="untracked">
          untracked
        </span>
      ) : null}
    </>
  );
}

/** A file's added/removed line counts, or "binary". */
export function ChangeCounts({ file }: { file: ChangedFile }) {
  if (file.binary) return <span className="faint">binary</span>;
  return (
    <span>
      <span className={styles.added}>+{file.added ?? 0}</span> <span className={styles.removed}>−{file.removed ?? 0}</span>
    </span>
  );
}
