import type Database from "better-sqlite3";
import { retryWhenBusy } from "./busy.js";
import { readStoreNow } from "./clock.js";
import type { StoreDb } from "./connection.js";

/** What every transition runs against: the connection, inside its transaction, and the store clock read once within it. */
export interface Tx {
  db: StoreDb;
  sqlite: Database.Database;
  now: number;
}

/**
 * One transition = one short `BEGIN IMMEDIATE` transaction: the write lock is taken up front,
 * so a read-then-write inside never meets SQLITE_BUSY half-way (which deferred transactions
 * can, without the busy handler's help). Retried as a whole on BUSY (see busy.ts).
 */
export function writeTransaction<T>(sqlite: Database.Database, db: StoreDb, fn: (tx: Tx) => T): Promise<T> {
  const run = sqlite.transaction(() => fn({ db, sqlite, now: readStoreNow(sqlite) }));
  return retryWhenBusy(() => run.immediate());
}

/** A consistent snapshot for reads; WAL readers never wait for the writer. */
export function readTransaction<T>(sqlite: Database.Database, db: StoreDb, fn: (tx: Tx) => T): Promise<T> {
  const run = sqlite.transaction(() => fn({ db, sqlite, now: readStoreNow(sqlite) }));
  return retryWhenBusy(() => run.deferred());
}
