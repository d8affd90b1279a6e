"use client";

import { useState } from "react";
import { revokeDevice } from "@/actions/device-actions";
import type { DeviceView } from "@/server/devices/device-store";
import { ConfirmDialog } from "../ui/confirm-dialog";
import styles from "./settings.module.css";

interface DeviceListProps {
  devices: DeviceView[];
  /** The device this page was loaded on, if it is one of them. */
  currentId: string | undefined;
}

/** Signed-in devices, each revocable on its own. */
export function DeviceList({ devices, currentId }: DeviceListProps) {
  const [revoking, setRevoking] = useState<DeviceView | undefined>();
  if (devices.length === 0) return <p className="muted">No device is signed in.</p>;
  return (
    <>
      <ul className={styles.deviceList} aria-label="Signed-in devices">
        {devices.map((device) => (
          <li key={device.id} className={styles.deviceRow} data-testid="device-row" data-device-id={device.id}>
            <div className={styles.deviceMain}>
              <div className={styles.profileTitleRow}>
                <strong>{describeAgent(device.userAgent)}</strong>
                {device.id === currentId ? (
                  <span className="badge" data-tone="accent">
                    This device
                  </span>
                ) : null}
              </div>
              <p className={styles.profileMeta}>
                {device.ip} · signed in <time dateTime={device.createdAt}>{formatTime(device.createdAt)}</time> · last seen{" "}
                <time dateTime={device.lastSeenAt}>{formatTime(device.lastSeenAt)}</time>
              </p>
              <p className={styles.deviceAgent} title={device.userAgent}>
                {device.userAgent}
              </p>
            </div>
            <button type="button" className="button button-small button-danger-ghost" onClick={() => setRevoking(device)}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={revoking !== undefined}
        onClose={() => setRevoking(undefined)}
        title="Revoke this device?"
        confirmLabel="Revoke"
        onConfirm={() => revokeDevice({ deviceId: revoking?.id })}
        onConfirmed={() => {
          // Revoking the device you are on signs you out: the next page load asks for the token.
          if (revoking?.id === currentId) window.location.reload();
        }}
      >
        <p>
          {revoking?.id === currentId
            ? "This is the device you are using: you will be signed out here and need the access token again."
            : `${revoking ? describeAgent(revoking.userAgent) : "The device"} (${revoking?.ip ?? ""}) is signed out at once; its open terminals close. Other devices stay signed in.`}
        </p>
      </ConfirmDialog>
    </>
  );
}

/** A short name people recognise ("Chrome on Android"), from the user agent. */
function describeAgent(userAgent: string): string {
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrome\/|Chromium\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : /curl\//.test(userAgent)
            ? "curl"
            : "Browser";
  const system = /iPhone|iPad/.test(userAgent)
    ? "iOS"
    : /Android/.test(userAgent)
      ? "Android"
      : /Mac OS X/.test(userAgent)
        ? "macOS"
        : /Windows/.test(userAgent)
          ? "Windows"
          : /Linux/.test(userAgent)
            ? "Linux"
            : undefined;
  return system ? `${browser} on ${system}` : browser;
}

function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
