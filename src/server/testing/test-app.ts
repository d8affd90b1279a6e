import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase, type OpenDatabase } from "../db/open-database";
import { AppEvents } from "../events/app-events";
import { ProfileService } from "../profiles/profile-service";
import { SettingsService } from "../settings/settings-service";
import { TaskService } from "../tasks/task-service";

/**
 * The data layer of one app, on a real SQLite file in a fresh temporary directory with the real
 * migrations (from ./drizzle). `reopen()` closes and opens the same file again, like a restart.
 */
export interface TestApp {
  dir: string;
  database: OpenDatabase;
  events: AppEvents;
  profiles: ProfileService;
  settings: SettingsService;
  tasks: TaskService;
  reopen(): TestApp;
  /** Closes the database and removes the directory. */
  dispose(): void;
}

/** Just the variables a test cares about (the real ProcessEnv type requires NODE_ENV). */
export type TestEnv = Record<string, string | undefined>;

function open(dir: string, env: TestEnv): Omit<TestApp, "dispose" | "reopen"> {
  const database = openDatabase(path.join(dir, "data"));
  const events = new AppEvents();
  const profiles = new ProfileService(database.db, env as NodeJS.ProcessEnv);
  profiles.seedDefaults();
  const settings = new SettingsService(database.db);
  const tasks = new TaskService(database.db, profiles, events);
  return { dir, database, events, profiles, settings, tasks };
}

export function createTestApp(env: TestEnv = { SHELL: "/bin/zsh" }): TestApp {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ai-manager-test-"));
  const build = (): TestApp => {
    const parts = open(dir, env);
    const app: TestApp = {
      ...parts,
      reopen() {
        parts.database.close();
        return build();
      },
      dispose() {
        parts.database.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
    return app;
  };
  return build();
}

/** A real directory inside the test app's temp dir, for task working directories. */
export function makeDir(app: TestApp, name: string): string {
  const dir = path.join(app.dir, "projects", name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs `fn` and returns what it threw (failing when it did not throw). */
export function thrown(fn: () => unknown): { code?: string; message?: string; fields?: Record<string, string> } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message?: string; fields?: Record<string, string> };
  }
  throw new Error("expected the call to throw");
}
