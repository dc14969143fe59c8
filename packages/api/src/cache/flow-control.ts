import {
  type CoordinationStore,
  describeLimitWait,
  describePause,
  pauseOf,
  type Task,
  type TypeLimit,
  type TypePause,
} from "@sentinel/coordination";
import { and, count, eq, sql } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { tasks } from "./schema.js";
import { readSyncValue, writeSyncValueIfChanged } from "./sync-state.js";

/**
 * The store's task-type pauses and limits as the syncer last read them (after a `queue.*`
 * event and on every reconcile). A handful of rows at most, so each lives as one JSON value.
 */
export function readTypePauses(db: CacheDb): TypePause[] {
  const text = readSyncValue(db, "type_pauses");
  return text ? (JSON.parse(text) as TypePause[]) : [];
}

export function readTypeLimits(db: CacheDb): TypeLimit[] {
  const text = readSyncValue(db, "type_limits");
  return text ? (JSON.parse(text) as TypeLimit[]) : [];
}

/**
 * Starts of the type within its starts limit's window, as the cache sees them: tasks whose
 * current attempt began in it (a task started twice in one window counts once here, so the
 * figure can read lower than the store's own count, which decides).
 */
export function recentStartsOfType(db: CacheDb, limit: TypeLimit, now: number): number {
  if (limit.intervalMs === null) return 0;
  return (
    db
      .select({ n: count() })
      .from(tasks)
      .where(
        and(eq(tasks.type, limit.type), sql`json_extract(${tasks.record}, '$.startedAt') > ${now - limit.intervalMs}`),
      )
      .get()?.n ?? 0
  );
}

/**
 * What holds a waiting task back, as the cache sees it: its type's (or the queue's) pause, or
 * its type's concurrency or starts limit being reached; null for a task that is not waiting or not held.
 */
export function heldBack(db: CacheDb, task: Pick<Task, "type" | "state">, now = Date.now()): string | null {
  if (task.state !== "queued" && task.state !== "failed") return null;
  const pause = pauseOf(task.type, readTypePauses(db));
  if (pause) return describePause(pause);
  const limit = readTypeLimits(db).find((l) => l.type === task.type);
  if (!limit) return null;
  const running =
    db
      .select({ n: count() })
      .from(tasks)
      .where(and(eq(tasks.state, "running"), eq(tasks.type, task.type)))
      .get()?.n ?? 0;
  return describeLimitWait(limit, { running, recentStarts: recentStartsOfType(db, limit, now) });
}

export interface FlowControl {
  pauses: TypePause[];
  limits: TypeLimit[];
}

/** Both, read through the port; a backend without limits has none. */
export async function readFlowControl(store: CoordinationStore): Promise<FlowControl> {
  const [pauses, limits] = await Promise.all([store.listPausedTypes(), store.listTaskTypeLimits?.() ?? []]);
  return { pauses, limits };
}

/** Returns whether either changed. */
export function writeFlowControl(db: CacheDb, flow: FlowControl): boolean {
  const pauses = writeSyncValueIfChanged(db, "type_pauses", JSON.stringify(flow.pauses));
  const limits = writeSyncValueIfChanged(db, "type_limits", JSON.stringify(flow.limits));
  return pauses || limits;
}
