"use client";

import { useState } from "react";
import { appWasUpdated, useAppEvents } from "@/lib/client/app-events-client";
import styles from "./update-banner.module.css";

/** Whether the server now serves another build than the one this page came from. */
function useAppUpdated(): boolean {
  const [updated, setUpdated] = useState(appWasUpdated);
  useAppEvents((event) => {
    if (event.type === "updated") setUpdated(true);
  });
  return updated;
}

function ReloadButton() {
  return (
    <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
      Reload
    </button>
  );
}

/**
 * Shown on every page once the server serves another build than the one the page came from (it
 * was updated and restarted under it). Nothing reloads by itself: whatever was typed into the page
 * stays until the person chooses to reload. Terminals keep streaming meanwhile; live updates and
 * the page's buttons do not work until then (the events client stops passing events on).
 */
export function UpdateBanner() {
  if (!useAppUpdated()) return null;
  return (
    <div className={styles.banner} role="alert">
      <p className={styles.text}>
        <strong>AI Manager was updated while this page was open.</strong> This page no longer updates and its buttons no longer work: reload it to
        continue. Copy anything you typed here first; your terminals keep running either way.
      </p>
      <ReloadButton />
    </div>
  );
}

/**
 * The same news inside an open modal dialog, which makes the banner behind it unreachable: the
 * person reads it where they are typing, and can reload from there.
 */
export function DialogUpdateNotice() {
  if (!useAppUpdated()) return null;
  return (
    <div className={styles.dialogNotice} role="alert">
      <p className={styles.text}>AI Manager was updated: this form can no longer be sent. Copy what you typed, then reload.</p>
      <ReloadButton />
    </div>
  );
}
