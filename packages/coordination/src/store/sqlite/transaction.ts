import type Database from "better-sqlite3";
import { retryWhenBusy } from "./busy.js";
import type { StoreClock } from "./clock.js";
import type { StoreDb } from "./connection.js";
import type { StatementCache } from "./statements.js";

/**
 * What every transition runs against: the connection inside its transaction, its prepared
 * hot statements, and the store clock — read on first use and then fixed for the whole
 * transaction (a transition that never looks at the time does not pay for a clock read).
 */
export class Tx {
  private instant: number | null = null;

  constructor(
    readonly db: StoreDb,
    readonly sqlite: Database.Database,
    readonly statements: StatementCache,
    private readonly clock: StoreClock,
  ) {}

  get now(): number {
    this.instant ??= this.clock.now(this.statements);
    return this.instant;
  }

  /** The cached prepared statement for `sql` (a module constant). */
  statement(sql: string): Database.Statement {
    return this.statements.get(sql);
  }

  /** The cached prepared statement for `sql`, in raw mode (rows as arrays; see StatementCache.getRaw). */
  rawStatement(sql: string): Database.Statement {
    return this.statements.getRaw(sql);
  }
}

export interface TxContext {
  sqlite: Database.Database;
  db: StoreDb;
  statements: StatementCache;
  clock: StoreClock;
}

/**
 * One transition = one short `BEGIN IMMEDIATE` transaction: the write lock is taken up front,
 * so a read-then-write inside never meets SQLITE_BUSY half-way (which deferred transactions
 * can, without the busy handler's help). Retried as a whole on BUSY (see busy.ts).
 */
export function writeTransaction<T>(ctx: TxContext, fn: (tx: Tx) => T): Promise<T> {
  const run = ctx.sqlite.transaction(() => fn(new Tx(ctx.db, ctx.sqlite, ctx.statements, ctx.clock)));
  return retryWhenBusy(() => run.immediate());
}

/** A consistent snapshot for reads; WAL readers never wait for the writer. */
export function readTransaction<T>(ctx: TxContext, fn: (tx: Tx) => T): Promise<T> {
  const run = ctx.sqlite.transaction(() => fn(new Tx(ctx.db, ctx.sqlite, ctx.statements, ctx.clock)));
  return retryWhenBusy(() => run.deferred());
}

/** A read that is a single statement, atomic by itself: no BEGIN/COMMIT around it. */
export function readStatement<T>(ctx: TxContext, fn: (tx: Tx) => T): Promise<T> {
  return retryWhenBusy(() => fn(new Tx(ctx.db, ctx.sqlite, ctx.statements, ctx.clock)));
}
