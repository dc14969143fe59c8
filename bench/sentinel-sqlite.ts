import { join } from "node:path";
import { openSqliteStore } from "@sentinel/coordination/sqlite";
import { withTempDir } from "@sentinel/test-support";
import { runEachConfiguration } from "./measured-run.js";
import {
  positiveIntEnv,
  type QueueBenchOptions,
  type QueueRun,
  queueBenchOptionsFromEnv,
  queueSuiteResult,
} from "./queue-run.js";
import type { BenchContext, BenchSuite, SuiteResult } from "./report.js";
import { runSentinelWorkers } from "./sentinel-run.js";

/**
 * Task Sentinel's embedded mode measured as shipped: real `apps/worker` processes over one
 * SQLite file (sentinel-run.ts, shared with the Postgres suite).
 */
async function runOnce(
  dataDir: string,
  workers: number,
  run: number,
  ctx: BenchContext,
  options: QueueBenchOptions,
): Promise<QueueRun> {
  const store = openSqliteStore({ path: join(dataDir, "sentinel.db") });
  try {
    return await runSentinelWorkers(
      { system: "sentinel", store, workerEnv: { SENTINEL_DATA_DIR: dataDir } },
      workers,
      run,
      ctx,
      options,
    );
  } finally {
    await store.close();
  }
}

export function runSentinelSqlite(ctx: BenchContext, options: QueueBenchOptions): Promise<QueueRun[]> {
  return runEachConfiguration(ctx, options, "tasks", (workers, run) =>
    withTempDir("bench-sentinel", (dir) => runOnce(dir, workers, run, ctx, options)),
  );
}

/**
 * Sentinel's runs take minutes where BullMQ's take seconds, so by default it runs once per
 * configuration (BENCH_SENTINEL_RUNS, or an explicit BENCH_RUNS, asks for more) to keep a
 * full `pnpm bench` under ten minutes on two cores.
 */
function sentinelContext(ctx: BenchContext): BenchContext {
  const explicitRuns = process.env.BENCH_RUNS ? ctx.runs : 1;
  return {
    ...ctx,
    runs: positiveIntEnv("BENCH_SENTINEL_RUNS", explicitRuns),
    tasks: positiveIntEnv("BENCH_SENTINEL_TASKS", ctx.tasks),
  };
}

export const sentinelSqliteSuite: BenchSuite = {
  id: "sentinel",
  async run(ctx): Promise<SuiteResult> {
    const runs = await runSentinelSqlite(sentinelContext(ctx), queueBenchOptionsFromEnv());
    const table = {
      id: "sentinel",
      label: "Task Sentinel",
      title: "Task Sentinel on SQLite (real worker processes, one database file), no-op tasks",
      notes: [
        "tasks/s: tasks pre-created through the store, then `apps/worker` processes started; first `startedAt` → last `finishedAt` (store clock).",
        "claim p50/p99: `max(createdAt, runAt)` → `startedAt` under open load after the backlog drained, with the worker's defaults (change watch on the WAL file, `data_version` checked every 20 ms while idle).",
        "idle CPU: the worker processes after the open load, with nothing arriving (heartbeat every 2 s in this bench).",
        "CPU ms/task: the worker processes, backlog phase (there is no broker process).",
      ],
    };
    return queueSuiteResult(table, runs);
  },
};
