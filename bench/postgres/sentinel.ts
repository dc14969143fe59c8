import { openPostgresStore } from "@sentinel/coordination/postgres";
import type { QueueBenchOptions, QueueRun } from "../queue-run.js";
import type { BenchContext } from "../report.js";
import { runSentinelWorkers } from "../sentinel-run.js";
import type { BenchPostgres } from "./server.js";

/**
 * Task Sentinel on the Postgres backend: the same worker processes and measurement as the
 * SQLite suite (sentinel-run.ts), the backend switched by the workers' environment
 * (SENTINEL_STORE=postgres, SENTINEL_POSTGRES_URL), a new database per run.
 */
export async function runSentinelPostgres(
  server: BenchPostgres,
  workers: number,
  run: number,
  ctx: BenchContext,
  options: QueueBenchOptions,
): Promise<QueueRun> {
  const url = await server.createDatabase();
  try {
    const store = await openPostgresStore({ url });
    try {
      return await runSentinelWorkers(
        {
          system: "sentinel-postgres",
          store,
          workerEnv: { SENTINEL_STORE: "postgres", SENTINEL_POSTGRES_URL: url },
          serverCpuMs: server.cpuMs,
        },
        workers,
        run,
        ctx,
        options,
      );
    } finally {
      await store.close();
    }
  } finally {
    await server.dropDatabase(url);
  }
}
