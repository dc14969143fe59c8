import { sql } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";

/** One finished attempt: its task's type, how it ended and how long it ran (store clock). */
export interface AttemptRunTime {
  eventId: number;
  type: string;
  outcome: "succeeded" | "failed";
  durationMs: number;
}

/**
 * Attempts that ended (task.succeeded / task.failed / task.dead) after event `afterId`, in id
 * order, at most `limit`: each timed from its attempt's task.started event. The syncer applies
 * the store's events in id order, so a caller that keeps the last id sees each attempt once.
 */
export function attemptRunTimesAfter(db: CacheDb, afterId: number, limit: number): AttemptRunTime[] {
  const rows = db.all<{ eventId: number; type: string; kind: string; durationMs: number | null }>(sql`
    SELECT e.event_id AS eventId, t.type AS type, e.kind AS kind,
      e.at - (SELECT max(s.at) FROM task_events s
              WHERE s.task_id = e.task_id AND s.kind = 'task.started' AND s.event_id < e.event_id) AS durationMs
    FROM task_events e JOIN tasks t ON t.id = e.task_id
    WHERE e.event_id > ${afterId} AND e.kind IN ('task.succeeded', 'task.failed', 'task.dead')
    ORDER BY e.event_id LIMIT ${limit}`);
  return rows.map((r) => ({
    eventId: r.eventId,
    type: r.type,
    outcome: r.kind === "task.succeeded" ? "succeeded" : "failed",
    durationMs: r.durationMs === null ? -1 : Math.max(0, r.durationMs),
  }));
}
