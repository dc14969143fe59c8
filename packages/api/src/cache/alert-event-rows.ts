import type { StoreEvent } from "@sentinel/coordination";
import { asc } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { alertEvents } from "./schema.js";

/** The kinds kept here: an alert's fire/resolve and its deliveries. */
export const ALERT_LOG_KINDS: ReadonlySet<string> = new Set([
  "alert.fired",
  "alert.resolved",
  "alert.delivery_claimed",
  "alert.delivery_attempted",
]);

/** Re-observing an event is a no-op (its id is the key). */
export function recordAlertEvent(db: CacheDb, event: StoreEvent): boolean {
  const result = db
    .insert(alertEvents)
    .values({ eventId: event.id, kind: event.kind, at: event.at, actor: event.actor, data: JSON.stringify(event.data) })
    .onConflictDoNothing()
    .run();
  return result.changes > 0;
}

/** Every kept alert event in store order, as store events (the fold's input). */
export function readAlertEvents(db: CacheDb): StoreEvent[] {
  return db
    .select()
    .from(alertEvents)
    .orderBy(asc(alertEvents.eventId))
    .all()
    .map((row) => ({
      id: row.eventId,
      at: row.at,
      kind: row.kind as StoreEvent["kind"],
      taskId: null,
      workerId: null,
      actor: row.actor,
      data: JSON.parse(row.data) as Record<string, unknown>,
    }));
}
