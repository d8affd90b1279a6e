import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { newSecret, sha256 } from "../security/secrets";

/**
 * Signed-in devices (docs/security.md, "Remote access"). Signing in with the access token creates
 * one device: a random session secret goes into that browser's cookie, and only its SHA-256 is
 * kept here, in `<dataDir>/devices.json` (mode 0600), with what a person needs to recognise the
 * device later (user agent, address, first and last seen). Revoking one device removes its record:
 * its cookie no longer matches anything, and listeners close its open WebSockets.
 *
 * A JSON file rather than a table: a handful of rows, written on sign-in, revoke and at most once a
 * minute per device for "last seen"; and it keeps this feature out of the database migrations.
 */

export const DEVICES_FILE = "devices.json";
/** Past this many devices the one seen longest ago is dropped at the next sign-in. */
export const MAX_DEVICES = 100;
/** "Last seen" is exact in memory; written to disk at most this often per device. */
const LAST_SEEN_PERSIST_MS = 60_000;
/** Longest user agent kept: enough to recognise a browser, not a place to store a megabyte. */
const MAX_USER_AGENT = 300;

const deviceRecordSchema = z.object({
  id: z.string().regex(/^[a-f0-9]{16}$/),
  secretHash: z.string().regex(/^[a-f0-9]{64}$/),
  userAgent: z.string().max(MAX_USER_AGENT),
  ip: z.string().max(64),
  createdAt: z.string(),
  lastSeenAt: z.string(),
});
const devicesFileSchema = z.object({
  version: z.literal(1),
  /** SHA-256 of the access token the devices signed in with (see the constructor). */
  tokenHash: z.string(),
  devices: z.array(deviceRecordSchema),
});

export type DeviceRecord = z.infer<typeof deviceRecordSchema>;
/** What pages may see of a device: never the secret's hash. */
export type DeviceView = Omit<DeviceRecord, "secretHash">;

export interface DeviceSeen {
  userAgent: string;
  ip: string;
  now?: Date;
}

export class DeviceStore {
  private readonly file: string;
  private readonly byHash = new Map<string, DeviceRecord>();
  private readonly persistedSeen = new Map<string, number>();
  private readonly revokedListeners = new Set<(deviceId: string) => void>();

  private readonly tokenHash: string;

  /**
   * `accessToken`: devices signed in under another token are dropped, so replacing the token file
   * still signs every device out at once, as it did before devices existed.
   */
  constructor(dataDir: string, accessToken: string) {
    this.file = path.join(dataDir, DEVICES_FILE);
    this.tokenHash = sha256(`ai-manager-devices:${accessToken}`);
    const stored = this.readFile();
    for (const device of stored ?? []) this.byHash.set(device.secretHash, device);
    if (stored === undefined && fs.existsSync(this.file)) this.persist();
  }

  /** A new device for a browser that just presented the access token; returns its cookie secret. */
  create(seen: DeviceSeen): { device: DeviceView; secret: string } {
    const now = (seen.now ?? new Date()).toISOString();
    const secret = newSecret();
    const record: DeviceRecord = {
      id: randomBytes(8).toString("hex"),
      secretHash: sha256(secret),
      userAgent: seen.userAgent.slice(0, MAX_USER_AGENT),
      ip: seen.ip.slice(0, 64),
      createdAt: now,
      lastSeenAt: now,
    };
    this.byHash.set(record.secretHash, record);
    while (this.byHash.size > MAX_DEVICES) this.dropLeastRecent();
    this.persist();
    return { device: view(record), secret };
  }

  /** The device a cookie secret belongs to, without touching it (the Settings page marks "this device"). */
  find(secret: string): DeviceView | undefined {
    const record = this.byHash.get(sha256(secret));
    return record ? view(record) : undefined;
  }

  /**
   * The device of a request's cookie secret, with its last-seen time and address brought up to
   * date. The lookup is by hash: the secret itself never sits in memory beyond this call.
   */
  authenticate(secret: string, seen: DeviceSeen): DeviceView | undefined {
    const record = this.byHash.get(sha256(secret));
    if (!record) return undefined;
    const now = seen.now ?? new Date();
    record.lastSeenAt = now.toISOString();
    record.ip = seen.ip.slice(0, 64);
    const last = this.persistedSeen.get(record.id) ?? 0;
    if (now.getTime() - last >= LAST_SEEN_PERSIST_MS) {
      this.persistedSeen.set(record.id, now.getTime());
      this.persist();
    }
    return view(record);
  }

  list(): DeviceView[] {
    return [...this.byHash.values()].map(view).sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt));
  }

  /** Removes one device; its cookie stops working at once. False when no such device exists. */
  revoke(deviceId: string): boolean {
    for (const [hash, record] of this.byHash) {
      if (record.id !== deviceId) continue;
      this.byHash.delete(hash);
      this.persistedSeen.delete(deviceId);
      this.persist();
      for (const listener of this.revokedListeners) listener(deviceId);
      return true;
    }
    return false;
  }

  /** Called with the id of each revoked device (the server closes that device's WebSockets). */
  onRevoked(listener: (deviceId: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  /** Writes "last seen" times that were kept in memory only (at shutdown). */
  flush(): void {
    this.persist();
  }

  private dropLeastRecent(): void {
    let oldest: DeviceRecord | undefined;
    for (const record of this.byHash.values()) if (!oldest || record.lastSeenAt < oldest.lastSeenAt) oldest = record;
    if (oldest) this.revoke(oldest.id);
  }

  /** The stored devices; undefined when the file is damaged or from another access token. */
  private readFile(): DeviceRecord[] | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch {
      return [];
    }
    try {
      const parsed = devicesFileSchema.safeParse(JSON.parse(text));
      // A damaged file signs every device out (they sign in again with the token); it never
      // lets anyone in.
      if (!parsed.success || parsed.data.tokenHash !== this.tokenHash) return undefined;
      return parsed.data.devices;
    } catch {
      return undefined;
    }
  }

  private persist(): void {
    const body = JSON.stringify({ version: 1, tokenHash: this.tokenHash, devices: [...this.byHash.values()] }, null, 2);
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${body}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}

function view(record: DeviceRecord): DeviceView {
  const { secretHash: _hidden, ...rest } = record;
  return { ...rest };
}
