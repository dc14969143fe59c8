import { asc, desc, gt, lt, sql } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { changeLog } from "./schema.js";

/** What changed, so a dashboard refetches only the affected views. */
export const CHANGE_KINDS = [
  "workers",
  "heartbeats",
  "tasks",
  "locks",
  "memory",
  "audit",
  "settings",
  "budget",
  "alerts",
  /** Task-type pauses (flow control). */
  "queues",
  /** Repeating schedules: created, edited, deleted, or a slot fired. */
  "schedules",
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface Change {
  changeId: number;
  at: number;
  kinds: ChangeKind[];
}

/** Rows kept so a reconnecting dashboard can back-fill; older gaps are answered with "everything changed". */
const RETAINED_CHANGES = 10_000;

export function appendChange(db: CacheDb, kinds: Iterable<ChangeKind>, at = Date.now()): Change {
  const sorted = [...new Set(kinds)].sort();
  const row = db
    .insert(changeLog)
    .values({ at, kinds: JSON.stringify(sorted) })
    .returning({ id: changeLog.id })
    .get();
  if (row.id % 1000 === 0)
    db.delete(changeLog)
      .where(lt(changeLog.id, row.id - RETAINED_CHANGES))
      .run();
  return { changeId: row.id, at, kinds: sorted };
}

export function readChangesAfter(db: CacheDb, afterId: number, limit: number): Change[] {
  return db
    .select()
    .from(changeLog)
    .where(gt(changeLog.id, afterId))
    .orderBy(asc(changeLog.id))
    .limit(limit)
    .all()
    .map((row) => ({ changeId: row.id, at: row.at, kinds: JSON.parse(row.kinds) as ChangeKind[] }));
}

export function latestChangeId(db: CacheDb): number {
  return db.select({ id: changeLog.id }).from(changeLog).orderBy(desc(changeLog.id)).limit(1).get()?.id ?? 0;
}

/** Smallest id still retained (0 when the log is empty). */
export function oldestChangeId(db: CacheDb): number {
  return (
    db
      .select({ id: sql<number>`min(${changeLog.id})` })
      .from(changeLog)
      .get()?.id ?? 0
  );
}
