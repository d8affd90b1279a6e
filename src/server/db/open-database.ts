import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema>;

export interface OpenDatabase {
  db: Db;
  sqlite: Database.Database;
  file: string;
  close(): void;
}

export const DATABASE_FILE_NAME = "ai-manager.db";

/** How long a writer waits for another connection's lock before failing (ms). */
const BUSY_TIMEOUT_MS = 5_000;

/** The committed migrations, resolved from the project root (the custom server's cwd). */
export function defaultMigrationsFolder(): string {
  return path.resolve(process.cwd(), "drizzle");
}

/** Creates the data directory if needed, owner-only (0700): it holds tokens and recordings. */
export function ensureDataDir(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dataDir, 0o700);
}

export function openDatabase(dataDir: string, migrationsFolder = defaultMigrationsFolder()): OpenDatabase {
  ensureDataDir(dataDir);
  const file = path.join(dataDir, DATABASE_FILE_NAME);
  // SQLite gives the -wal and -shm files the database file's mode: create it owner-only first.
  fs.closeSync(fs.openSync(file, "a", 0o600));
  fs.chmodSync(file, 0o600);
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  // NORMAL is durable in WAL mode against process crashes (kill -9); only an OS crash can lose the last commits.
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  return {
    db,
    sqlite,
    file,
    close() {
      if (sqlite.open) sqlite.close();
    },
  };
}
