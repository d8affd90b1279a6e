"use client";

import type { ReactNode } from "react";
import type { ActionResult } from "@/lib/errors";
import { DangerActions } from "./danger-actions";
import { Dialog } from "./dialog";
import { useActionRunner } from "./use-action-runner";

interface ConfirmDialogProps<T> {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The action to run on confirm; its failure message is shown in the dialog. */
  onConfirm: () => Promise<ActionResult<T>>;
  onConfirmed?: () => void;
}

/** "Are you sure?" for destructive actions. The confirm button is the dangerous one, Cancel has focus. */
export function ConfirmDialog<T>({ open, onClose, title, children, confirmLabel, onConfirm, onConfirmed }: ConfirmDialogProps<T>) {
  const { pending, failure, run, clear } = useActionRunner();
  const close = () => {
    clear();
    onClose();
  };
  return (
    <Dialog open={open} onClose={close} title={title} size="small">
      <div className="form">
        <div className="muted">{children}</div>
        <DangerActions
          failure={failure}
          onCancel={close}
          label={confirmLabel}
          pendingLabel="Working…"
          pending={pending}
          onConfirm={() =>
            run(onConfirm, () => {
              onConfirmed?.();
              onClose();
            })
          }
        />
      </div>
    </Dialog>
  );
}
