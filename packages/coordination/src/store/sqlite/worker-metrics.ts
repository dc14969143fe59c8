import { eq, ne } from "drizzle-orm";
import { type WorkerMetrics, type WorkerMetricsRecord, workerMetricsSchema } from "../../domain/worker-metrics.js";
import { toJson } from "./json.js";
import { workerMetrics, workers } from "./schema.js";
import type { Tx } from "./transaction.js";

/** Replace the worker's rollup with the one its heartbeat carries (checked by the heartbeat's schema). */
export function saveWorkerMetricsTx(tx: Tx, workerId: string, metrics: WorkerMetrics): void {
  const row = { workerId, reportedAt: tx.now, metrics: toJson(metrics, "metrics") };
  tx.db
    .insert(workerMetrics)
    .values(row)
    .onConflictDoUpdate({ target: workerMetrics.workerId, set: { reportedAt: row.reportedAt, metrics: row.metrics } })
    .run();
}

/** Rollups of the workers not REMOVED; a row that no longer parses (written by another version) is left out. */
export function listWorkerMetricsTx(tx: Tx): WorkerMetricsRecord[] {
  const rows = tx.db
    .select({ workerId: workerMetrics.workerId, reportedAt: workerMetrics.reportedAt, metrics: workerMetrics.metrics })
    .from(workerMetrics)
    .innerJoin(workers, eq(workers.id, workerMetrics.workerId))
    .where(ne(workers.state, "REMOVED"))
    .orderBy(workerMetrics.workerId)
    .all();
  return rows.flatMap((row) => {
    const parsed = workerMetricsSchema.safeParse(JSON.parse(row.metrics));
    return parsed.success ? [{ workerId: row.workerId, reportedAt: row.reportedAt, metrics: parsed.data }] : [];
  });
}
