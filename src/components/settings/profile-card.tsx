"use client";

import { useId, useState } from "react";
import { deleteProfile, updateProfile } from "@/actions/profile-actions";
import type { ProfileView } from "@/lib/view-models";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { Dialog } from "../ui/dialog";
import { ProfileForm } from "./profile-form";
import { DELIVERY_LABELS, KIND_LABELS, commandPreview } from "./profile-labels";
import styles from "./settings.module.css";

interface ProfileCardProps {
  profile: ProfileView;
  /** Shown as checked: the optimistic choice while a change is in flight. */
  checked: boolean;
  choosing: boolean;
  onChoose: () => void;
}

export function ProfileCard({ profile, checked, choosing, onChoose }: ProfileCardProps) {
  const headingId = useId();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const envCount = Object.keys(profile.env).length;
  return (
    <article className={styles.profileCard} aria-labelledby={headingId} data-active={checked || undefined}>
      <label className={styles.activeChoice}>
        <input
          type="radio"
          name="active-profile"
          checked={checked}
          disabled={choosing}
          onChange={onChoose}
          aria-label={`Active profile: ${profile.name}`}
        />
        <span className={styles.activeChoiceText} aria-hidden="true">
          {checked ? "Active" : "Use"}
        </span>
      </label>
      <div className={styles.profileMain}>
        <div className={styles.profileTitleRow}>
          <h3 id={headingId}>{profile.name}</h3>
          <span className="tag">{KIND_LABELS[profile.kind]}</span>
          {checked ? (
            <span className="badge" data-tone="accent">
              Active
            </span>
          ) : null}
        </div>
        <code className={styles.profileCommand}>{commandPreview(profile.command, profile.args)}</code>
        <p className={styles.profileMeta}>
          Prompt: {DELIVERY_LABELS[profile.promptDelivery].toLowerCase()}
          {envCount > 0 ? ` · ${envCount} environment ${envCount === 1 ? "variable" : "variables"}` : ""}
        </p>
      </div>
      <div className={styles.profileActions}>
        <button type="button" className="button button-small" onClick={() => setEditing(true)}>
          Edit
        </button>
        <button type="button" className="button button-small button-danger-ghost" onClick={() => setDeleting(true)}>
          Delete
        </button>
      </div>

      <Dialog open={editing} onClose={() => setEditing(false)} title={`Edit ${profile.name}`}>
        <ProfileForm
          initial={profile}
          submitLabel="Save profile"
          pendingLabel="Saving…"
          action={(input) => updateProfile(profile.id, input)}
          onSuccess={() => setEditing(false)}
          onCancel={() => setEditing(false)}
        />
      </Dialog>
      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        title={`Delete ${profile.name}?`}
        confirmLabel="Delete profile"
        onConfirm={() => deleteProfile(profile.id)}
      >
        <p>
          Tasks that use this profile will use the active one instead.
          {profile.isActive ? " Another profile becomes active." : ""}
        </p>
      </ConfirmDialog>
    </article>
  );
}
