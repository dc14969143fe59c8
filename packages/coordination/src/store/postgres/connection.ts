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

/**
 * How long the server lets a session sit idle inside a transaction before ending it. A write
 * transaction holds the store's one write lock (transaction.ts) and waits only on its own
 * process between statements (milliseconds); a process that stops there — frozen, paused,
 * cut off by the network — would otherwise hold every other writer on every machine, and so
 * every heartbeat and recovery, until it resumed or its TCP connection died (hours). Ended,
 * its lock is free; its transaction rolls back and the frozen process finds a broken
 * connection on resume (a transient failure, retried, fenced). Far below any sensible lease
 * (the default is 120 s), far above a live transaction's pauses.
 */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 5000;

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
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  // An idle pooled connection the server drops (restart, network cut) emits here; without a
  // listener node would crash the process. The pool discards it and the next call reconnects.
  pool.on("error", () => undefined);
  return pool;
}

/** A connection taken from the pool; `release` gives it back (dropped from the pool when `broken` or lost). */
export interface CheckedOutConnection {
  client: pg.PoolClient;
  release(broken?: Error): void;
}

/**
 * Takes a connection from the pool for several statements. The pool listens for a
 * connection's errors only while it is idle; a session the server ends while it is checked out
 * (a restart, pg_terminate_backend) emits 'error' between two statements or when its socket
 * closes after the failed one, and with no listener node would crash the process. Here the
 * error is kept instead: the next statement fails on its own, and `release` drops the
 * connection from the pool.
 */
export async function checkOut(pool: pg.Pool): Promise<CheckedOutConnection> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost ??= error;
  };
  client.on("error", onError);
  return {
    client,
    release(broken) {
      client.removeListener("error", onError);
      client.release(broken ?? lost);
    },
  };
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
  const { client, release } = await checkOut(pool);
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder, migrationsTable: "__drizzle_migrations" });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    release();
  }
}
