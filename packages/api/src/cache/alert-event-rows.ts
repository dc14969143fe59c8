import { type AlertLog, foldAlertLog, type StoreEvent } from "@sentinel/coordination";
import { asc, count, max } from "drizzle-orm";
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

const folded = new WeakMap<CacheDb, { key: string; log: AlertLog }>();

/**
 * The folded alert log, re-folded only when rows were added (rows are only ever inserted, so
 * their count and highest id say whether anything changed): the alert loop asks every second.
 * Callers must not change what it returns.
 */
export function readAlertLog(db: CacheDb): AlertLog {
  const stats = db
    .select({ n: count(), max: max(alertEvents.eventId) })
    .from(alertEvents)
    .get();
  const key = `${stats?.n ?? 0}:${stats?.max ?? 0}`;
  const hit = folded.get(db);
  if (hit?.key === key) return hit.log;
  const log = foldAlertLog(readAlertEvents(db));
  folded.set(db, { key, log });
  return log;
}
