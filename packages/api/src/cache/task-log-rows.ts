import type { TaskLog, TaskProgress } from "@sentinel/coordination";
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { taskLogs } from "./schema.js";

/** Keep the store's answer for a task; false when it is what the cache already held. */
export function upsertTaskLog(db: CacheDb, log: TaskLog): boolean {
  const row = {
    taskId: log.taskId,
    fraction: log.progress?.fraction ?? null,
    progressMessage: log.progress?.message ?? null,
    updatedAt: log.updatedAt,
    record: JSON.stringify(log),
  };
  const { taskId: _taskId, ...set } = row;
  return (
    db
      .insert(taskLogs)
      .values(row)
      .onConflictDoUpdate({ target: taskLogs.taskId, set, setWhere: sql`${taskLogs.record} IS NOT excluded.record` })
      .run().changes > 0
  );
}

export function getCachedTaskLog(db: CacheDb, taskId: string): TaskLog | null {
  const row = db.select({ record: taskLogs.record }).from(taskLogs).where(eq(taskLogs.taskId, taskId)).get();
  return row ? (JSON.parse(row.record) as TaskLog) : null;
}

/** The latest progress of each of these tasks that has one (the tasks list's bars). */
export function progressOfTasks(
  db: CacheDb,
  taskIds: readonly string[],
): Record<string, Pick<TaskProgress, "fraction" | "message">> {
  if (taskIds.length === 0) return {};
  const rows = db
    .select({ taskId: taskLogs.taskId, fraction: taskLogs.fraction, message: taskLogs.progressMessage })
    .from(taskLogs)
    .where(and(inArray(taskLogs.taskId, [...taskIds]), isNotNull(taskLogs.fraction)))
    .all();
  return Object.fromEntries(rows.map((row) => [row.taskId, { fraction: row.fraction ?? 0, message: row.message }]));
}
