import { inArray } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { lockHandovers, locks, taskDependencies, taskEvents, taskLogs, tasks } from "./schema.js";

/**
 * Drops what the cache holds about tasks the store's retention purged (`tasks.purged`): a
 * finished task is never re-read by reconcile, so without this its row would stay for good.
 * The FTS index follows the `tasks` rows by trigger. Returns whether any task row went.
 */
export function deletePurgedTasks(db: CacheDb, taskIds: readonly string[]): boolean {
  if (taskIds.length === 0) return false;
  const ids = [...taskIds];
  db.delete(taskEvents).where(inArray(taskEvents.taskId, ids)).run();
  db.delete(taskLogs).where(inArray(taskLogs.taskId, ids)).run();
  db.delete(lockHandovers).where(inArray(lockHandovers.taskId, ids)).run();
  db.delete(locks).where(inArray(locks.taskId, ids)).run();
  db.delete(taskDependencies).where(inArray(taskDependencies.dependsOnId, ids)).run();
  db.delete(taskDependencies).where(inArray(taskDependencies.taskId, ids)).run();
  return db.delete(tasks).where(inArray(tasks.id, ids)).run().changes > 0;
}

/** The task ids a `tasks.purged` event names (anything else in `data.taskIds` is ignored). */
export function purgedTaskIds(data: Record<string, unknown>): string[] {
  const ids = data.taskIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
}
