import type { CoordinationStore, WorkerRecord } from "@sentinel/coordination";
import { notInArray } from "drizzle-orm";
import type { Cache } from "../cache/open-cache.js";
import { workers } from "../cache/schema.js";
import { writeWorkerMetrics } from "../cache/worker-metrics-rows.js";
import { recordHeartbeat, upsertWorker } from "../cache/worker-rows.js";
import type { ChangeSet } from "./change-set.js";

/**
 * Reads the whole registry (cheap: one row per worker) so heartbeats that the store does not
 * announce as events (GitHub heartbeats are comment edits) still reach the timelines, and
 * with it the metrics each worker's heartbeat published.
 */
export async function refreshWorkers(store: CoordinationStore, cache: Cache, changes: ChangeSet): Promise<void> {
  // Read before the registry: whatever beat the listing shows was the newest at least then.
  const seenAt = await store.now();
  const listed = await store.listWorkers({ includeRemoved: true });
  const metrics = await store.listWorkerMetrics();
  cache.sqlite.transaction(() => {
    writeWorkers(cache, listed, seenAt, changes);
    // Metrics arrive with heartbeats, so they refresh the views heartbeats refresh.
    changes.addIf(writeWorkerMetrics(cache.db, metrics), "heartbeats");
  })();
}

/**
 * The metrics workers publish with their heartbeats, alone: on stores whose heartbeats are
 * events (SQLite, Postgres) the registry rows arrive with the events, the metrics do not.
 */
export async function refreshWorkerMetrics(store: CoordinationStore, cache: Cache, changes: ChangeSet): Promise<void> {
  const metrics = await store.listWorkerMetrics();
  changes.addIf(writeWorkerMetrics(cache.db, metrics), "heartbeats");
}

function writeWorkers(cache: Cache, listed: WorkerRecord[], seenAt: number, changes: ChangeSet): void {
  for (const worker of listed) {
    changes.addWorkerRow(upsertWorker(cache.db, worker));
    const beat = {
      workerId: worker.id,
      at: worker.lastHeartbeatAt,
      activeTasks: worker.activeTasks,
      state: worker.state,
    };
    changes.addIf(recordHeartbeat(cache.db, beat, seenAt), "heartbeats");
  }
  const ids = listed.map((w) => w.id);
  const purged =
    ids.length === 0
      ? cache.db.delete(workers).run()
      : cache.db.delete(workers).where(notInArray(workers.id, ids)).run();
  changes.addIf(purged.changes > 0, "workers");
}
