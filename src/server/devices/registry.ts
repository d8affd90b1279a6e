import { processWide } from "../registry";
import type { DeviceStore } from "./device-store";

/**
 * What Settings needs from the server about remote access, published once by the custom server.
 * Server actions and pages run from separate module copies in the Next bundle and reach the same
 * instances here, so a revoke from Settings closes the device's WebSockets in the server. Besides
 * the registry helper, only types are imported.
 */
export interface RemoteAccess {
  /** Undefined when sign-in is off (AI_MANAGER_AUTH=none, loopback only): there are no devices. */
  devices: DeviceStore | undefined;
  /** True when the server listens on an address other machines can reach. */
  exposed: boolean;
  /** True when the pages are served over HTTPS. */
  tls: boolean;
  /**
   * Sign-in URLs (with the access token) for the addresses a person can open: this machine's
   * LAN addresses when exposed, else the loopback one. Empty when sign-in is off.
   */
  signInUrls(): string[];
}

const remoteAccess = processWide<RemoteAccess>("remote-access", "AI Manager is");

export const publishRemoteAccess = remoteAccess.publish;
export const clearRemoteAccess = remoteAccess.clear;
export const getRemoteAccess = remoteAccess.get;
