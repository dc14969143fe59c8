import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { retryWhenBusySync } from "./busy.js";
import { defaultMigrationsFolder, migrateStore } from "./migrate.js";
import { schema } from "./schema.js";

export type StoreDb = BetterSQLite3Database<typeof schema>;

export interface Connection {
  sqlite: Database.Database;
  db: StoreDb;
}

export interface ConnectionOptions {
  path: string;
  busyTimeoutMs: number;
  migrationsFolder?: string;
}

/**
 * Open the shared file: busy_timeout first (so the following pragmas wait for other
 * processes instead of failing), WAL so readers never block the writer, synchronous=NORMAL
 * (durable across process crashes; an OS crash may lose the last commits, never corrupt),
 * then migrate to the current schema.
 */
export function openConnection(options: ConnectionOptions): Connection {
  const sqlite = new Database(options.path);
  try {
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    retryWhenBusySync(() => sqlite.pragma("journal_mode = WAL"));
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    const db = drizzle(sqlite, { schema });
    migrateStore(sqlite, db, options.migrationsFolder ?? defaultMigrationsFolder());
    return { sqlite, db };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}
