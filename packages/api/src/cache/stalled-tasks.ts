import { whyNoWorkerCanRun } from "@sentinel/coordination";
import { count, inArray, min, sql } from "drizzle-orm";
import { readTypePauses } from "./flow-control.js";
import type { CacheDb } from "./open-cache.js";
import { tasks } from "./schema.js";
import { listCachedWorkers } from "./worker-queries.js";

/** Waiting tasks of one type (and pin) that no live worker can run, and for how long. */
export interface StalledGroup {
  type: string;
  pinnedWorkerId: string | null;
  n: number;
  /** Store-clock ms since the longest-waiting of them became due. */
  waitingMs: number;
  reason: string;
}

/**
 * Waiting tasks no live worker can run (domain `whyNoWorkerCanRun`: a pause, type, pin, every worker
 * draining or gone) that have been due for at least `afterMs`, grouped by type and pin. Judged
 * on the cache's registry view at the store clock `now`.
 */
export function stalledTasks(db: CacheDb, now: number, afterMs: number): StalledGroup[] {
  const dueSince = sql<number>`json_extract(${tasks.record}, '$.runAt')`;
  const groups = db
    .select({ type: tasks.type, pinnedWorkerId: tasks.pinnedWorkerId, n: count(), oldest: min(dueSince) })
    .from(tasks)
    .where(inArray(tasks.state, ["queued", "failed"]))
    .groupBy(tasks.type, tasks.pinnedWorkerId)
    .all();
  if (groups.length === 0) return [];
  const workers = listCachedWorkers(db);
  const pauses = readTypePauses(db);
  const stalled: StalledGroup[] = [];
  for (const g of groups) {
    const waitingMs = now - Number(g.oldest ?? now);
    if (waitingMs < afterMs) continue;
    const reason = whyNoWorkerCanRun(g, workers, now, pauses);
    if (reason) stalled.push({ type: g.type, pinnedWorkerId: g.pinnedWorkerId, n: g.n, waitingMs, reason });
  }
  return stalled;
}
