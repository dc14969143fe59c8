import type Database from "better-sqlite3";

/** SQLite's clock in epoch milliseconds. The database host's clock is the store clock (invariant 2). */
export const STORE_NOW_SQL = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

/**
 * Read the store clock once. Each transition reads it once, inside its transaction, and
 * judges every expiry with that single instant, so all checks and timestamps of one
 * transition agree. The process's own clock (Date.now) is never consulted.
 */
export function readStoreNow(sqlite: Database.Database): number {
  const row = sqlite.prepare(`SELECT ${STORE_NOW_SQL} AS now`).get() as { now: number };
  return row.now;
}
