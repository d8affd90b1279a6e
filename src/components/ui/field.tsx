"use client";

import { useId, type ReactNode } from "react";

/** The attributes that tie a control to its label, hint and error message. */
export interface FieldControlProps {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
  "aria-errormessage": string | undefined;
}

interface FieldProps {
  label: string;
  /** Shown as "(optional)" after the label. */
  optional?: boolean;
  hint?: ReactNode;
  error?: string | undefined;
  /** Extra content after the control (e.g. a computed reading of the value). */
  after?: ReactNode;
  children: (control: FieldControlProps) => ReactNode;
}

/**
 * Label, control, hint and error in one accessible unit: the error is the control's
 * `aria-errormessage` and part of its description, so screen readers (and tests) find it.
 */
export function Field({ label, optional, hint, error, after, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
        {optional ? <span className="field-optional"> (optional)</span> : null}
      </label>
      {children({
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": describedBy,
        "aria-errormessage": error ? errorId : undefined,
      })}
      {after}
      {error ? (
        <p id={errorId} className="field-error">
          {capitalize(error)}
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
