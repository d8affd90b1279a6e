import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEVICES_FILE, DeviceStore, MAX_DEVICES } from "./device-store";

const TOKEN = "t".repeat(43);
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aim-devices-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("DeviceStore", () => {
  it("keeps devices across restarts by the hash of their secret, in a 0600 file", () => {
    const dir = tempDir();
    const store = new DeviceStore(dir, TOKEN);
    const { device, secret } = store.create({ userAgent: "phone", ip: "10.0.0.2" });
    const file = path.join(dir, DEVICES_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, "utf8")).not.toContain(secret);
    const reopened = new DeviceStore(dir, TOKEN);
    expect(reopened.authenticate(secret, { userAgent: "phone", ip: "10.0.0.9" })).toMatchObject({ id: device.id, ip: "10.0.0.9" });
    expect(reopened.authenticate(`${secret}x`, { userAgent: "phone", ip: "10.0.0.9" })).toBeUndefined();
  });

  it("revokes one device, tells listeners, and leaves the others", () => {
    const store = new DeviceStore(tempDir(), TOKEN);
    const a = store.create({ userAgent: "a", ip: "1" });
    const b = store.create({ userAgent: "b", ip: "2" });
    const revoked: string[] = [];
    store.onRevoked((id) => revoked.push(id));
    expect(store.revoke(a.device.id)).toBe(true);
    expect(store.revoke(a.device.id)).toBe(false);
    expect(revoked).toEqual([a.device.id]);
    expect(store.find(a.secret)).toBeUndefined();
    expect(store.find(b.secret)?.id).toBe(b.device.id);
    expect(store.list().map((d) => d.id)).toEqual([b.device.id]);
    expect(JSON.stringify(store.list())).not.toContain("secretHash");
  });

  it("signs every device out when the access token was replaced", () => {
    const dir = tempDir();
    const { secret } = new DeviceStore(dir, TOKEN).create({ userAgent: "phone", ip: "1" });
    expect(new DeviceStore(dir, TOKEN).find(secret)).toBeDefined();
    expect(new DeviceStore(dir, "n".repeat(43)).find(secret)).toBeUndefined();
    // And the old token does not bring them back.
    expect(new DeviceStore(dir, TOKEN).find(secret)).toBeUndefined();
  });

  it("treats a damaged file as no devices: everyone signs in again, nobody gets in", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, DEVICES_FILE), '{"version":1,"tokenHash":"x","devices":[{"id":"x"}]}');
    expect(new DeviceStore(dir, TOKEN).list()).toEqual([]);
    fs.writeFileSync(path.join(dir, DEVICES_FILE), "not json");
    expect(new DeviceStore(dir, TOKEN).list()).toEqual([]);
  });

  it("drops the device seen longest ago past the limit", () => {
    const store = new DeviceStore(tempDir(), TOKEN);
    const first = store.create({ userAgent: "first", ip: "1", now: new Date(1_000) });
    for (let i = 0; i < MAX_DEVICES; i++) store.create({ userAgent: `d${i}`, ip: "1", now: new Date(2_000 + i) });
    expect(store.list()).toHaveLength(MAX_DEVICES);
    expect(store.find(first.secret)).toBeUndefined();
  });
});
