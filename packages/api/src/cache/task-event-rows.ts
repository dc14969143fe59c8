import { displayableJson, RECORD_LIMIT, type StoreEvent } from "@sentinel/coordination";
import { asc, eq } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { taskEvents } from "./schema.js";

export function recordTaskEvent(db: CacheDb, event: StoreEvent & { taskId: string }): void {
  db.insert(taskEvents)
    .values({
      eventId: event.id,
      taskId: event.taskId,
      kind: event.kind,
      at: event.at,
      actor: event.actor,
      workerId: event.workerId,
      data: JSON.stringify(displayableJson(event.data, RECORD_LIMIT)),
    })
    .onConflictDoNothing()
    .run();
}

export function taskTimeline(db: CacheDb, taskId: string, limit = 500): StoreEvent[] {
  return db
    .select()
    .from(taskEvents)
    .where(eq(taskEvents.taskId, taskId))
    .orderBy(asc(taskEvents.eventId))
    .limit(limit)
    .all()
    .map((row) => ({
      id: row.eventId,
      at: row.at,
      kind: row.kind as StoreEvent["kind"],
      taskId: row.taskId,
      workerId: row.workerId,
      actor: row.actor,
      data: JSON.parse(row.data) as Record<string, unknown>,
    }));
}
