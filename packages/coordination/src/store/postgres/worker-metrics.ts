import { type WorkerMetrics, type WorkerMetricsRecord, workerMetricsSchema } from "../../domain/worker-metrics.js";
import { toJson } from "../sqlite/json.js";
import type { PgTx } from "./transaction.js";

const SAVE_METRICS = `INSERT INTO worker_metrics (worker_id, reported_at, metrics) VALUES ($1, $2, $3)
  ON CONFLICT (worker_id) DO UPDATE SET reported_at = EXCLUDED.reported_at, metrics = EXCLUDED.metrics`;

/** Replace the worker's rollup with the one its heartbeat carries (checked by the heartbeat's schema). */
export async function saveWorkerMetricsTx(tx: PgTx, workerId: string, metrics: WorkerMetrics): Promise<void> {
  await tx.run(SAVE_METRICS, [workerId, await tx.now(), toJson(metrics, "metrics")]);
}

/** Ordered by id in code-unit order, as SQLite's BINARY collation does (COLLATE "C"). */
const LIST_METRICS = `SELECT m.worker_id AS "workerId", m.reported_at AS "reportedAt", m.metrics
  FROM worker_metrics m JOIN workers w ON w.id = m.worker_id
  WHERE w.state <> 'REMOVED' ORDER BY m.worker_id COLLATE "C"`;

/** Rollups of the workers not REMOVED; a row that no longer parses (written by another version) is left out. */
export async function listWorkerMetricsTx(tx: PgTx): Promise<WorkerMetricsRecord[]> {
  const rows = await tx.all<{ workerId: string; reportedAt: number; metrics: string }>(LIST_METRICS);
  return rows.flatMap((row) => {
    const parsed = workerMetricsSchema.safeParse(JSON.parse(row.metrics));
    return parsed.success ? [{ workerId: row.workerId, reportedAt: row.reportedAt, metrics: parsed.data }] : [];
  });
}
