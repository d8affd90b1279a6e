import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SETTING_DEFINITIONS, SETTING_KEYS, defaultSettings, type SettingKey } from "../../lib/settings-definitions";
import { settings as settingsTable } from "../db/schema";
import { createTestApp, thrown, type TestApp } from "../testing/test-app";

let app: TestApp;
beforeEach(() => {
  app = createTestApp();
});
afterEach(() => app.dispose());

describe("settings", () => {
  it("starts with the documented defaults", () => {
    expect(app.settings.getAll()).toEqual(defaultSettings());
    expect(app.settings.getAll()).toMatchObject({
      "system.maxConcurrentExecutions": 20,
      "terminal.keepaliveRunningMs": 7_200_000,
      "terminal.keepaliveExitedMs": 300_000,
      "terminal.scrollbackLines": 10_000,
    });
  });

  it("persists an update across a reopen of the database", () => {
    app.settings.update({ "terminal.scrollbackLines": 5000, "system.maxConcurrentExecutions": "3" });
    app = app.reopen();
    expect(app.settings.get("terminal.scrollbackLines")).toBe(5000);
    expect(app.settings.get("system.maxConcurrentExecutions")).toBe(3);
    expect(app.settings.get("terminal.keepaliveExitedMs")).toBe(300_000);
  });

  it.each([
    ["system.maxConcurrentExecutions", 0, "must be at least 1"],
    ["system.maxConcurrentExecutions", 501, "must be at most 500"],
    ["terminal.scrollbackLines", 99, "must be at least 100"],
    ["terminal.keepaliveExitedMs", 1.5, "must be a whole number"],
    ["terminal.keepaliveRunningMs", "soon", "must be a number"],
  ] as const)("refuses %s = %s with a message at that field", (key, value, message) => {
    const error = thrown(() => app.settings.update({ [key]: value }));
    expect(error.code).toBe("bad_request:settings");
    expect(error.fields?.[key]).toBe(message);
    expect(error.message).toContain(SETTING_DEFINITIONS[key].label);
  });

  it("is all-or-nothing: one bad value keeps the good ones from being written", () => {
    const error = thrown(() => app.settings.update({ "terminal.scrollbackLines": 2000, "system.maxConcurrentExecutions": -1 }));
    expect(Object.keys(error.fields ?? {})).toEqual(["system.maxConcurrentExecutions"]);
    app = app.reopen();
    expect(app.settings.get("terminal.scrollbackLines")).toBe(10_000);
  });

  it("refuses unknown keys", () => {
    expect(thrown(() => app.settings.update({ "terminal.colour": 3 })).fields).toEqual({ "terminal.colour": "is not a known setting" });
  });

  it("a corrupt or out-of-range stored value reads as the default", () => {
    app.database.db
      .insert(settingsTable)
      .values([
        { key: "terminal.scrollbackLines", value: "{not json" },
        { key: "system.maxConcurrentExecutions", value: "100000" },
      ])
      .run();
    app = app.reopen();
    expect(app.settings.get("terminal.scrollbackLines")).toBe(10_000);
    expect(app.settings.get("system.maxConcurrentExecutions")).toBe(20);
  });

  it("reset goes back to the default", () => {
    app.settings.update({ "terminal.scrollbackLines": 500 });
    expect(app.settings.reset("terminal.scrollbackLines")["terminal.scrollbackLines"]).toBe(10_000);
  });

  it("accepts exactly the whole numbers inside each range (property)", () => {
    const keyArb = fc.constantFrom<SettingKey>(...SETTING_KEYS);
    fc.assert(
      fc.property(keyArb, fc.integer({ min: -1e12, max: 1e12 }), (key, value) => {
        const { min, max } = SETTING_DEFINITIONS[key];
        const inRange = value >= min && value <= max;
        if (inRange) {
          expect(app.settings.update({ [key]: value })[key]).toBe(value);
        } else {
          expect(thrown(() => app.settings.update({ [key]: value })).fields?.[key]).toMatch(/^must be at (least|most)/);
        }
      }),
      { numRuns: 200 },
    );
  });
});
