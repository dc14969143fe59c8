import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { MissingMigrationsError } from "../../errors.js";
import { findWorkspaceRoot } from "../sqlite/paths.js";

/**
 * Column types read back as JS numbers: int8 (every millisecond timestamp, counts, ids from
 * sequences) and numeric (sums). node-postgres hands both over as strings by default because
 * they may exceed 2^53; ours are store-clock milliseconds and row counts, far below it.
 */
const NUMBER_TYPES = new Set<number>([pg.types.builtins.INT8, pg.types.builtins.NUMERIC]);
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (NUMBER_TYPES.has(oid)) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Separate from the write lock (transaction.ts): held only while migrating. */
const MIGRATION_LOCK_KEY = 7_313_731_002;

export interface PoolOptions {
  /** `postgres://user:password@host:port/database` (the password is never logged). */
  url: string;
  /** Connections this process keeps at most (default 10). */
  maxConnections?: number;
  /** How long to wait for a connection before failing the call (default 10 s). */
  connectTimeoutMs?: number;
}

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    types,
    application_name: "task-sentinel",
  });
  // An idle pooled connection the server drops (restart, network cut) emits here; without a
  // listener node would crash the process. The pool discards it and the next call reconnects.
  pool.on("error", () => undefined);
  return pool;
}

/**
 * `drizzle/postgres` beside this module when a bundled build ships it there, else
 * `<repo>/drizzle/postgres` (as sqlite/migrate.ts finds `drizzle/store`).
 */
export function defaultPostgresMigrationsFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, "drizzle", "postgres");
  if (existsSync(beside)) return beside;
  const root = findWorkspaceRoot(here) ?? findWorkspaceRoot(process.cwd());
  if (!root) throw new MissingMigrationsError("drizzle/postgres", `no pnpm-workspace.yaml above ${here}`);
  return join(root, "drizzle", "postgres");
}

/**
 * Apply pending drizzle-kit migrations with drizzle's migrator, under a session advisory lock:
 * processes starting together against a new database migrate one after the other, and the
 * later ones find nothing to do.
 */
export async function migratePostgres(pool: pg.Pool, migrationsFolder: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder, migrationsTable: "__drizzle_migrations" });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
