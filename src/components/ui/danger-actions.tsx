"use client";

import type { ActionFailure } from "@/lib/errors";

interface DangerActionsProps {
  /** The last run's failure, shown above the buttons. */
  failure: ActionFailure | undefined;
  onCancel: () => void;
  label: string;
  pendingLabel: string;
  pending: boolean;
  /** Besides while pending: e.g. until the loss is confirmed. */
  disabled?: boolean;
  onConfirm: () => void;
}

/** A destructive dialog's foot: its failure, Cancel (which has the focus) and the dangerous button. */
export function DangerActions({ failure, onCancel, label, pendingLabel, pending, disabled = false, onConfirm }: DangerActionsProps) {
  return (
    <>
      {failure ? (
        <p className="form-alert" role="alert">
          {failure.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button" onClick={onCancel} data-autofocus>
          Cancel
        </button>
        <button type="button" className="button button-danger" disabled={pending || disabled} onClick={onConfirm}>
          {pending ? pendingLabel : label}
        </button>
      </div>
    </>
  );
}
