import { pgClient } from "./pg-client.js";

/**
 * Every write transaction of the store takes the write lock with this statement, exactly once
 * (store/postgres/transaction.ts), so its calls in pg_stat_statements count write
 * transactions, whatever else the transaction does or announces.
 */
const WRITE_LOCK_CALLS = `SELECT coalesce(sum(calls), 0)::int AS n FROM pg_stat_statements
  WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE '%pg_advisory_xact_lock%'`;

export interface DatabaseMonitor {
  /** The most connections each application_name held at once, sampled every 100 ms. */
  peakConnections(): Record<string, number>;
  /** The most connections the store's processes (application_name task-sentinel…) held at once. */
  peakStoreConnections(): number;
  /** Stops sampling; the write transactions the store ran on this database since the monitor started. */
  stop(): Promise<{ writeTransactions: number }>;
}

/**
 * Watches one database from outside: counts the store's write transactions (the server's
 * pg_stat_statements, see durable-server.ts) and samples pg_stat_activity.
 */
export async function monitorDatabase(url: string): Promise<DatabaseMonitor> {
  const sampler = pgClient(url, "measure-sample");
  await sampler.connect();
  const writeLockCalls = async () => (await sampler.query<{ n: number }>(WRITE_LOCK_CALLS)).rows[0]?.n ?? 0;
  const writesBefore = await writeLockCalls();
  const peaks: Record<string, number> = {};
  let peakStore = 0;
  let stopped = false;
  let failure: Error | null = null;
  const sampling = (async () => {
    while (!stopped) {
      const { rows } = await sampler.query<{ app: string; n: number }>(
        "SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() GROUP BY 1",
      );
      let store = 0;
      for (const { app, n } of rows) {
        peaks[app] = Math.max(peaks[app] ?? 0, n);
        if (app.startsWith("task-sentinel")) store += n;
      }
      peakStore = Math.max(peakStore, store);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })().catch((error: Error) => {
    failure = error;
  });

  return {
    peakConnections: () => ({ ...peaks }),
    peakStoreConnections: () => peakStore,
    async stop() {
      stopped = true;
      await sampling;
      // A sample that failed (the server went away) makes the whole measurement void.
      if (failure) throw new Error(`monitoring the database failed: ${(failure as Error).message}`);
      const writeTransactions = (await writeLockCalls()) - writesBefore;
      await sampler.end();
      return { writeTransactions };
    },
  };
}
