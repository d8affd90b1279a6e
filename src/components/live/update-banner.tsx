"use client";

import { useState } from "react";
import { appWasUpdated, useAppEvents } from "@/lib/client/app-events-client";
import styles from "./update-banner.module.css";

/**
 * Shown on every page once the server serves another build than the one the page came from (it
 * was updated and restarted under it). Nothing reloads by itself: whatever was typed into the page
 * stays until the person chooses to reload. Terminals keep streaming meanwhile; live updates and
 * the page's buttons do not work until then (the events client stops passing events on).
 */
export function UpdateBanner() {
  const [updated, setUpdated] = useState(appWasUpdated);
  useAppEvents((event) => {
    if (event.type === "updated") setUpdated(true);
  });
  if (!updated) return null;
  return (
    <div className={styles.banner} role="alert">
      <p className={styles.text}>
        <strong>AI Manager was updated while this page was open.</strong> This page no longer updates and its buttons no longer work: reload it to
        continue. Copy anything you typed here first; your terminals keep running either way.
      </p>
      <button type="button" className="button button-primary" onClick={() => window.location.reload()}>
        Reload
      </button>
    </div>
  );
}
