import { type WorkerMetrics, type WorkerMetricsRecord, workerMetricsSchema } from "@sentinel/coordination";
import { inArray, notInArray } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { workerMetrics } from "./schema.js";

/** Replace the cached rollups with the store's; returns whether any row changed. */
export function writeWorkerMetrics(db: CacheDb, records: readonly WorkerMetricsRecord[]): boolean {
  let changed = false;
  const before = new Map(
    db
      .select()
      .from(workerMetrics)
      .all()
      .map((row) => [row.workerId, row]),
  );
  for (const record of records) {
    const row = { workerId: record.workerId, reportedAt: record.reportedAt, metrics: JSON.stringify(record.metrics) };
    const old = before.get(record.workerId);
    if (old && old.reportedAt === row.reportedAt && old.metrics === row.metrics) continue;
    changed = true;
    db.insert(workerMetrics)
      .values(row)
      .onConflictDoUpdate({ target: workerMetrics.workerId, set: { reportedAt: row.reportedAt, metrics: row.metrics } })
      .run();
  }
  const ids = records.map((record) => record.workerId);
  const purged =
    ids.length === 0
      ? db.delete(workerMetrics).run()
      : db.delete(workerMetrics).where(notInArray(workerMetrics.workerId, ids)).run();
  return changed || purged.changes > 0;
}

/** The cached rollups of these workers, by id; a row that no longer parses is left out. */
export function readWorkerMetrics(
  db: CacheDb,
  workerIds: readonly string[],
): Map<string, { reportedAt: number; metrics: WorkerMetrics }> {
  if (workerIds.length === 0) return new Map();
  const rows = db
    .select()
    .from(workerMetrics)
    .where(inArray(workerMetrics.workerId, [...workerIds]))
    .all();
  const out = new Map<string, { reportedAt: number; metrics: WorkerMetrics }>();
  for (const row of rows) {
    const parsed = workerMetricsSchema.safeParse(JSON.parse(row.metrics));
    if (parsed.success) out.set(row.workerId, { reportedAt: row.reportedAt, metrics: parsed.data });
  }
  return out;
}
