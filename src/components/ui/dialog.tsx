"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";
import { DialogUpdateNotice } from "@/components/live/update-banner";

interface DialogProps {
  open: boolean;
  /** Called for Escape, the close button, and any other request to close. */
  onClose: () => void;
  title: string;
  description?: ReactNode;
  size?: "small" | "medium" | "large";
  children: ReactNode;
}

/**
 * A modal on the native <dialog>: the browser gives focus trapping, Escape, the top layer and
 * `role="dialog"` for free. Children mount only while open, so a form inside starts fresh each time.
 */
export function Dialog({ open, onClose, title, description, size = "medium", children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // React's autoFocus runs before showModal() makes the content focusable; focus here instead.
      dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      data-size={size}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        // Keep the element and React state in step: React decides when it closes.
        event.preventDefault();
        onClose();
      }}
    >
      <div className="dialog-header">
        <div>
          <h2 id={titleId} className="dialog-title">
            {title}
          </h2>
          {description ? (
            <p id={descriptionId} className="dialog-description">
              {description}
            </p>
          ) : null}
        </div>
        <button type="button" className="button button-ghost icon-button" aria-label="Close" onClick={onClose}>
          <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
            <path d="M3 3l8 8M11 3l-8 8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          </svg>
        </button>
      </div>
      <div className="dialog-body">
        {open ? (
          <>
            <DialogUpdateNotice />
            {children}
          </>
        ) : null}
      </div>
    </dialog>
  );
}
