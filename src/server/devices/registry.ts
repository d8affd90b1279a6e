import type { DeviceStore } from "./device-store";

/**
 * What Settings needs from the server about remote access, published once by the custom server.
 * Server actions and pages run from separate module copies in the Next bundle and reach the same
 * instances here, so a revoke from Settings closes the device's WebSockets in the server. Only
 * types are imported.
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

const ACCESS_KEY = Symbol.for("ai-manager.remote-access");

type GlobalWithAccess = typeof globalThis & { [ACCESS_KEY]?: RemoteAccess };

export function publishRemoteAccess(access: RemoteAccess): void {
  (globalThis as GlobalWithAccess)[ACCESS_KEY] = access;
}

export function clearRemoteAccess(): void {
  delete (globalThis as GlobalWithAccess)[ACCESS_KEY];
}

export function getRemoteAccess(): RemoteAccess {
  const access = (globalThis as GlobalWithAccess)[ACCESS_KEY];
  if (!access) throw new Error("AI Manager is not initialised: run the app through its server (npm start / npm run dev).");
  return access;
}
