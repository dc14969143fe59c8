import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { MissingMigrationsError } from "../../errors.js";
import { isBusyError, retryWhenBusySync } from "./busy.js";
import { findWorkspaceRoot } from "./paths.js";

const MIGRATIONS_TABLE = "__drizzle_migrations";
const CONCURRENT_MIGRATION_RETRIES = 5;

/**
 * `drizzle/store` beside this module when a bundled build ships it there (the container
 * image, see deploy/build-image.ts), else `<repo>/drizzle/store`, found from this module
 * (also inside a bundler's output under the repo).
 */
export function defaultMigrationsFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, "drizzle", "store");
  if (existsSync(beside)) return beside;
  const root = findWorkspaceRoot(here) ?? findWorkspaceRoot(process.cwd());
  if (!root) throw new MissingMigrationsError("drizzle/store", `no pnpm-workspace.yaml above ${here}`);
  return join(root, "drizzle", "store");
}

function appliedMigrations(sqlite: Database.Database): number {
  const table = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(MIGRATIONS_TABLE);
  if (!table) return 0;
  return (sqlite.prepare(`SELECT COUNT(*) AS n FROM "${MIGRATIONS_TABLE}"`).get() as { n: number }).n;
}

/**
 * Apply pending drizzle-kit migrations with drizzle's migrator. The migrator reads the last
 * applied migration *before* its own transaction, so two processes opening a fresh file at
 * once can both decide to migrate; the loser's `CREATE TABLE` then fails once the winner
 * commits (the loser's transaction rolls back untouched). We detect exactly that case —
 * the applied count moved while we failed — and run the migrator again, which now finds
 * nothing to do. Any other failure is real and propagates.
 */
export function migrateStore(
  sqlite: Database.Database,
  db: BetterSQLite3Database<Record<string, unknown>>,
  migrationsFolder: string,
): void {
  for (let attempt = 1; ; attempt++) {
    const before = retryWhenBusySync(() => appliedMigrations(sqlite));
    try {
      retryWhenBusySync(() => migrate(db, { migrationsFolder, migrationsTable: MIGRATIONS_TABLE }));
      return;
    } catch (error) {
      const raced = !isBusyError(error) && retryWhenBusySync(() => appliedMigrations(sqlite)) !== before;
      if (!raced || attempt >= CONCURRENT_MIGRATION_RETRIES) throw error;
    }
  }
}
