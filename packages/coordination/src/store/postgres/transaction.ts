import type { Pool, PoolClient, QueryResultRow } from "pg";
import { checkOut } from "./connection.js";
import { flushEventsTx } from "./events.js";
import { transientPostgresCause } from "./postgres-errors.js";

/** The channel a transition that may make work claimable notifies on commit; idle workers LISTEN on it (store.ts). */
export const CHANGES_CHANNEL = "sentinel_changes";

/**
 * The `counters` row such a transition increments in its commit's round trip: the change
 * marker idle workers compare (store.ts `changeMarker`). Heartbeats, logs, memory and the
 * other writes that leave the claimable set as it was touch neither, so a fleet's heartbeats
 * do not wake every idle worker into a claim poll.
 */
const WORK_COUNTER = "claimable_changes";
const COMMIT_QUIETLY = "COMMIT";
const COMMIT_AND_ANNOUNCE = `INSERT INTO counters (name, value) VALUES ('${WORK_COUNTER}', 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1; NOTIFY ${CHANGES_CHANNEL}; COMMIT`;

/** The work counter's value (0 before the first announcement). */
export async function readWorkCounter(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ value: number }>("SELECT value FROM counters WHERE name = $1", [WORK_COUNTER]);
  return String(rows[0]?.value ?? 0);
}

/**
 * The key of the transaction-level advisory lock every write transaction takes first. One
 * writer at a time, as in the embedded store: each transition's reads see every earlier
 * commit, so the transitions (written once, in sqlite/) keep their meaning without
 * per-row locking, and ids from sequences commit in order (the event log's cursor relies on
 * that, see schema.ts `events`). A constant picked once; any other use of advisory locks in
 * the same database must avoid it.
 */
const WRITE_LOCK_KEY = 7_313_731_001;

/** The server's clock in epoch milliseconds: one clock for every machine sharing the database. */
export const SERVER_NOW_SQL = "(extract(epoch FROM clock_timestamp()) * 1000)::int8";
const READ_NOW = `SELECT ${SERVER_NOW_SQL} AS now`;
const BEGIN_WRITE = `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK_KEY}); ${READ_NOW}`;

export async function readServerNow(client: Pool | PoolClient): Promise<number> {
  const { rows } = await client.query<{ now: number }>(READ_NOW);
  return Number(rows[0]?.now);
}

/**
 * What every transition runs against: one pooled connection inside its transaction, and the
 * server's clock read on first use and then fixed for the whole transition. Statements use
 * Postgres placeholders ($1, $2 …); a camelCase alias must be double-quoted.
 */
export class PgTx {
  /** Event rows appended in this transaction, not yet inserted (events.ts `flushEventsTx`). */
  readonly pendingEvents: unknown[][] = [];

  /**
   * @param client A pool only for a single-statement read (readStatement): each statement may take another connection.
   * @param instant The transition's instant when the caller already read it (a write reads it with its lock).
   */
  constructor(
    readonly client: Pool | PoolClient,
    private instant: number | null = null,
  ) {}

  /** The transition's instant (server clock, ms), read once. */
  async now(): Promise<number> {
    this.instant ??= await readServerNow(this.client);
    return this.instant;
  }

  /** Every row, as objects keyed by column name (or quoted alias). */
  async all<T extends QueryResultRow = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.client.query<T>(prepared(text, values))).rows;
  }

  /** The first row, or undefined. */
  async get<T extends QueryResultRow = Record<string, unknown>>(
    text: string,
    values: unknown[] = [],
  ): Promise<T | undefined> {
    return (await this.client.query<T>(prepared(text, values))).rows[0];
  }

  /** Every row as an array of column values (for the shared positional row mappers, sqlite/rows.ts). */
  async values(text: string, values: unknown[] = []): Promise<unknown[][]> {
    return (await this.client.query<unknown[]>({ ...prepared(text, values), rowMode: "array" })).rows;
  }

  /** Runs a write; the number of rows it touched. */
  async run(text: string, values: unknown[] = []): Promise<number> {
    return (await this.client.query(prepared(text, values))).rowCount ?? 0;
  }
}

const NUL = "\u0000";
const hasNul = (value: unknown): boolean =>
  typeof value === "string" ? value.includes(NUL) : Array.isArray(value) && value.some(hasNul);
const withoutNul = (value: unknown): unknown =>
  typeof value === "string" ? value.replaceAll(NUL, "\ufffd") : Array.isArray(value) ? value.map(withoutNul) : value;

/**
 * Postgres text cannot hold U+0000, which SQLite and GitHub keep: a NUL that a command printed
 * into its error or log would make the write fail, and the attempt could then never end. It is
 * stored as U+FFFD (the replacement character) instead. JSON columns never meet it
 * (JSON.stringify escapes it as `\u0000`).
 */
function storable(values: unknown[]): unknown[] {
  return values.some(hasNul) ? values.map(withoutNul) : values;
}

/** Statement names by SQL text: every text is a module constant or built from a few fixed parts. */
const statementNames = new Map<string, string>();

/**
 * The statement as a named prepared statement: each connection parses and plans a text once
 * and then only binds and runs it (node-postgres prepares a name on its first use per
 * connection). Parsing and planning the claim's joins again on every call was most of the
 * server's CPU per task.
 */
function prepared(text: string, values: unknown[]): { name: string; text: string; values: unknown[] } {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `sentinel_${statementNames.size}`;
    statementNames.set(text, name);
  }
  return { name, text, values: storable(values) };
}

/**
 * One transition = one transaction holding the store's write lock (WRITE_LOCK_KEY), at READ
 * COMMITTED: every statement after the lock sees every commit before it. With `announce`, the
 * commit also moves the work counter and notifies CHANGES_CHANNEL (delivered only if it
 * commits), in the same round trip. A failure rolls back; a connection that broke
 * (postgres-errors.ts) is dropped from the pool instead of being reused.
 */
export async function writeTransaction<T>(
  pool: Pool,
  fn: (tx: PgTx) => Promise<T>,
  opts: { announce: boolean },
): Promise<T> {
  const { client, release } = await checkOut(pool);
  let broken: Error | undefined;
  try {
    // One round trip: the lock, then the instant the transition judges by, read once it holds the lock.
    const opened = (await client.query(BEGIN_WRITE)) as unknown as Array<{ rows: Array<{ now: number }> }>;
    try {
      const tx = new PgTx(client, Number(opened[2]?.rows[0]?.now));
      const result = await fn(tx);
      await flushEventsTx(tx);
      await client.query(opts.announce ? COMMIT_AND_ANNOUNCE : COMMIT_QUIETLY);
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
  } catch (error) {
    broken ??= transientPostgresCause(error) ? (error as Error) : undefined;
    throw error;
  } finally {
    release(broken);
  }
}

/** A consistent snapshot for a read of several statements (REPEATABLE READ, read only: never waits for the writer). */
export async function readTransaction<T>(pool: Pool, fn: (tx: PgTx) => Promise<T>): Promise<T> {
  const { client, release } = await checkOut(pool);
  let broken: Error | undefined;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    try {
      const result = await fn(new PgTx(client));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
  } catch (error) {
    broken ??= transientPostgresCause(error) ? (error as Error) : undefined;
    throw error;
  } finally {
    release(broken);
  }
}

/** A read that is a single statement, atomic by itself: no BEGIN/COMMIT around it. */
export function readStatement<T>(pool: Pool, fn: (tx: PgTx) => Promise<T>): Promise<T> {
  return fn(new PgTx(pool));
}
