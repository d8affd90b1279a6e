"use client";

import { useState } from "react";
import { Dialog } from "../ui/dialog";
import { RecordingTerminal, recordingUrl } from "./recording-terminal";
import styles from "./recording.module.css";

/** "View output" for an ended run: its recording replayed in a dialog, with a download of the .cast. */
export function RecordingButton({ executionId, runLabel }: { executionId: string; runLabel: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button button-small" onClick={() => setOpen(true)}>
        View output
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Run output" description={runLabel} size="large">
        <div className={styles.viewer}>
          <RecordingTerminal executionId={executionId} />
          <div className={styles.actions}>
            <a className="button" href={recordingUrl(executionId, true)} download={`${executionId}.cast`} data-autofocus>
              Download .cast
            </a>
          </div>
        </div>
      </Dialog>
    </>
  );
}
