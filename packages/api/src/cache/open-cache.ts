import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MissingMigrationsError } from "@sentinel/coordination";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema.js";

export type CacheDb = BetterSQLite3Database<typeof schema>;

export interface Cache {
  readonly db: CacheDb;
  /** The raw connection, for EXPLAIN and for statements drizzle cannot express (FTS5 MATCH). */
  readonly sqlite: Database.Database;
  readonly path: string;
  close(): void;
}

export interface OpenCacheOptions {
  /** File path of the cache DB (`:memory:` is not useful: the change log must outlive the process). */
  path: string;
  /** Folder of drizzle-kit migrations; found next to the repository's `drizzle/cache` by default. */
  migrationsFolder?: string;
}

/** The cache file in a data directory (the SQLite store file's directory by default). */
export function defaultCachePath(dataDir: string): string {
  return join(dataDir, "control-plane.db");
}

/** Opens (creating if needed) the cache file and applies the drizzle-kit migrations. */
export function openCache(options: OpenCacheOptions): Cache {
  mkdirSync(dirname(resolve(options.path)), { recursive: true });
  const sqlite = new Database(options.path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: options.migrationsFolder ?? findMigrationsFolder() });
  return {
    db,
    sqlite,
    path: options.path,
    close: () => sqlite.close(),
  };
}

/**
 * The migrations live at the repository root (`drizzle/cache`). Bundlers (Next) move this
 * module, so look upwards from both this file and the working directory (the control plane
 * passes SENTINEL_CACHE_MIGRATIONS_DIR as `migrationsFolder` when it is set).
 */
function findMigrationsFolder(): string {
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    let dir = start;
    for (;;) {
      const candidate = join(dir, "drizzle", "cache");
      if (existsSync(join(candidate, "meta", "_journal.json"))) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new MissingMigrationsError(
    "drizzle/cache",
    "set SENTINEL_CACHE_MIGRATIONS_DIR to the control-plane cache's migrations",
  );
}
