import type { AppConfig } from "./config";
import { openDatabase, type OpenDatabase } from "./db/open-database";
import { AppEvents } from "./events/app-events";
import type { Logger } from "./logger";
import { ProfileService } from "./profiles/profile-service";
import { SettingsService } from "./settings/settings-service";
import { TaskService } from "./tasks/task-service";

/**
 * The composition root: every long-lived service of one app process. Built once by the custom
 * server and published on globalThis (see registry.ts) so that the Next-bundled code — server
 * actions, pages — uses these same instances instead of its own module copies.
 */
export interface Services {
  config: AppConfig;
  logger: Logger;
  database: OpenDatabase;
  events: AppEvents;
  settings: SettingsService;
  profiles: ProfileService;
  tasks: TaskService;
  startedAt: Date;
  version: string;
  close(): void;
}

export function createServices(config: AppConfig, logger: Logger, version: string): Services {
  const database = openDatabase(config.dataDir);
  const events = new AppEvents();
  const settings = new SettingsService(database.db);
  const profiles = new ProfileService(database.db);
  profiles.seedDefaults();
  const tasks = new TaskService(database.db, profiles, events);
  return {
    config,
    logger,
    database,
    events,
    settings,
    profiles,
    tasks,
    startedAt: new Date(),
    version,
    close() {
      database.close();
    },
  };
}
