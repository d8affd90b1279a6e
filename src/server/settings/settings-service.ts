import { eq } from "drizzle-orm";
import { AppError } from "../../lib/errors";
import {
  ALL_SETTING_KEYS,
  defaultSettings,
  isSettingKey,
  settingLabel,
  settingSchema,
  type AnySettingKey,
  type Settings,
} from "../../lib/settings-definitions";
import type { Db } from "../db/open-database";
import { settings } from "../db/schema";

/** Typed settings over the key/value table; unknown or corrupt stored values fall back to defaults. */
export class SettingsService {
  private cache: Settings | undefined;
  private readonly changeListeners = new Set<(settings: Settings) => void>();

  constructor(private readonly db: Db) {}

  /** Fires after every successful update or reset (e.g. the terminal host's keepalive times follow). */
  onChange(listener: (settings: Settings) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(): Settings {
    this.cache = undefined;
    const values = this.getAll();
    for (const listener of this.changeListeners) listener(values);
    return values;
  }

  getAll(): Settings {
    if (this.cache) return { ...this.cache };
    const values = defaultSettings();
    for (const row of this.db.select().from(settings).all()) {
      if (!isSettingKey(row.key)) continue;
      try {
        const parsed = settingSchema(row.key).safeParse(JSON.parse(row.value));
        if (parsed.success) (values as Record<AnySettingKey, unknown>)[row.key] = parsed.data;
      } catch {
        // A corrupt row keeps the default; the next write repairs it.
      }
    }
    this.cache = values;
    return { ...values };
  }

  get<K extends AnySettingKey>(key: K): Settings[K] {
    return this.getAll()[key];
  }

  /** Validates every value first, then writes all of them in one transaction. */
  update(patch: Record<string, unknown>): Settings {
    const fields: Record<string, string> = {};
    const valid: Partial<Record<AnySettingKey, unknown>> = {};
    for (const [key, raw] of Object.entries(patch)) {
      if (!isSettingKey(key)) {
        fields[key] = "is not a known setting";
        continue;
      }
      const parsed = settingSchema(key).safeParse(raw);
      if (!parsed.success) fields[key] = parsed.error.issues[0]?.message ?? "is invalid";
      else valid[key] = parsed.data;
    }
    if (Object.keys(fields).length > 0) {
      const message = Object.entries(fields)
        .map(([key, msg]) => `${isSettingKey(key) ? settingLabel(key) : key} ${msg}`)
        .join("; ");
      throw new AppError("bad_request:settings", message, fields);
    }
    const now = new Date();
    this.db.transaction((tx) => {
      for (const key of ALL_SETTING_KEYS) {
        const value = valid[key];
        if (value === undefined) continue;
        const json = JSON.stringify(value);
        tx.insert(settings)
          .values({ key, value: json, updatedAt: now })
          .onConflictDoUpdate({ target: settings.key, set: { value: json, updatedAt: now } })
          .run();
      }
    });
    return this.changed();
  }

  reset(key: AnySettingKey): Settings {
    this.db.delete(settings).where(eq(settings.key, key)).run();
    return this.changed();
  }
}
