"use client";

import { useOptimistic, useState, useTransition } from "react";
import { createProfile, setActiveProfile } from "@/actions/profile-actions";
import { callAction } from "@/lib/client/action-call";
import type { ProfileView } from "@/lib/view-models";
import { Dialog } from "../ui/dialog";
import { ProfileCard } from "./profile-card";
import { ProfileForm } from "./profile-form";
import styles from "./settings.module.css";

/** CLI profiles: list, create, and the active choice (one radio group across the cards). */
export function ProfileList({ profiles }: { profiles: ProfileView[] }) {
  const [creating, setCreating] = useState(false);
  const [choosing, startChoosing] = useTransition();
  const activeId = profiles.find((profile) => profile.isActive)?.id;
  const [shownActive, setShownActive] = useOptimistic(activeId);
  const [chooseError, setChooseError] = useState<string | undefined>(undefined);

  const choose = (id: string) =>
    startChoosing(async () => {
      setShownActive(id);
      const result = await callAction(() => setActiveProfile(id));
      setChooseError(result.ok ? undefined : result.message);
    });

  return (
    <section className="panel" aria-labelledby="profiles-title">
      <div className="panel-header">
        <div>
          <h2 id="profiles-title">CLI profiles</h2>
          <p className="muted">
            The command a task&apos;s terminal runs. Exactly one is active: tasks without a profile of their own use it.
          </p>
        </div>
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          New profile
        </button>
      </div>
      {chooseError ? (
        <p className="form-alert" role="alert">
          {chooseError}
        </p>
      ) : null}
      <div className={styles.profileList} role="radiogroup" aria-label="Active profile">
        {profiles.map((profile) => (
          <ProfileCard
            key={profile.id}
            profile={profile}
            checked={profile.id === shownActive}
            choosing={choosing}
            onChoose={() => choose(profile.id)}
          />
        ))}
      </div>
      <Dialog open={creating} onClose={() => setCreating(false)} title="New CLI profile" description="How to start an agent CLI in a task's terminal.">
        <ProfileForm
          submitLabel="Create profile"
          pendingLabel="Creating…"
          action={createProfile}
          onSuccess={() => setCreating(false)}
          onCancel={() => setCreating(false)}
        />
      </Dialog>
    </section>
  );
}
