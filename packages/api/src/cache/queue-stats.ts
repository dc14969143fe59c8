import { count, inArray, min, sql } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { tasks } from "./schema.js";

/** One task type's waiting work, as the cache holds it. */
export interface TypeQueueStats {
  type: string;
  /** Tasks waiting to run: queued, or failed and awaiting their retry. */
  waiting: number;
  /** Store-clock ms since the longest-waiting one became due (0 when none is due yet). */
  oldestDueMs: number;
}

/** Waiting tasks per type and the age of the oldest due one, at store-clock `now`; one grouped index scan. */
export function queueStatsByType(db: CacheDb, now: number): TypeQueueStats[] {
  const runAt = sql<number>`json_extract(${tasks.record}, '$.runAt')`;
  const oldestDue = sql<number | null>`min(CASE WHEN ${runAt} <= ${now} THEN ${runAt} END)`;
  return db
    .select({ type: tasks.type, waiting: count(), oldestDue, earliest: min(runAt) })
    .from(tasks)
    .where(inArray(tasks.state, ["queued", "failed"]))
    .groupBy(tasks.type)
    .all()
    .map((g) => ({
      type: g.type,
      waiting: g.waiting,
      oldestDueMs: g.oldestDue === null ? 0 : now - Number(g.oldestDue),
    }))
    .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}
