import type { StatementCache } from "./statements.js";

/** SQLite's clock in epoch milliseconds. The database host's clock is the store clock (invariant 2). */
export const STORE_NOW_SQL = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

const READ_NOW = `SELECT ${STORE_NOW_SQL} AS now`;

/**
 * Read the store clock once. Each transition reads it at most once, inside its transaction,
 * and judges every expiry with that single instant, so all checks and timestamps of one
 * transition agree. The process's own clock (Date.now) is never consulted.
 */
export function readStoreNow(statements: StatementCache): number {
  return (statements.get(READ_NOW).get() as { now: number }).now;
}
