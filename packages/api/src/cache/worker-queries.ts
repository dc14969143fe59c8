import type { WorkerRecord } from "@sentinel/coordination";
import { and, asc, desc, eq, gte, lte } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { heartbeats, workerEvents, workers } from "./schema.js";
import { parseWorkerRecord } from "./worker-rows.js";

export function listCachedWorkers(db: CacheDb): WorkerRecord[] {
  return db
    .select({ record: workers.record })
    .from(workers)
    .orderBy(asc(workers.id))
    .all()
    .map((r) => parseWorkerRecord(r.record));
}

export function getCachedWorker(db: CacheDb, workerId: string): WorkerRecord | null {
  const row = db.select({ record: workers.record }).from(workers).where(eq(workers.id, workerId)).get();
  return row ? parseWorkerRecord(row.record) : null;
}

export interface HeartbeatPoint {
  at: number;
  activeTasks: number;
  state: string;
}

/** Heartbeats in [from, to], oldest first; the newest `limit` when there are more. */
export function heartbeatsBetween(db: CacheDb, workerId: string, from: number, to: number, limit: number): HeartbeatPoint[] {
  return db
    .select({ at: heartbeats.at, activeTasks: heartbeats.activeTasks, state: heartbeats.state })
    .from(heartbeats)
    .where(and(eq(heartbeats.workerId, workerId), gte(heartbeats.at, from), lte(heartbeats.at, to)))
    .orderBy(desc(heartbeats.at))
    .limit(limit)
    .all()
    .reverse();
}

export interface WorkerEventPoint {
  at: number;
  kind: string;
  actor: string;
  data: Record<string, unknown>;
}

export function workerEventsBetween(db: CacheDb, workerId: string, from: number, to: number, limit: number): WorkerEventPoint[] {
  return db
    .select({ at: workerEvents.at, kind: workerEvents.kind, actor: workerEvents.actor, data: workerEvents.data })
    .from(workerEvents)
    .where(and(eq(workerEvents.workerId, workerId), gte(workerEvents.at, from), lte(workerEvents.at, to)))
    .orderBy(desc(workerEvents.at))
    .limit(limit)
    .all()
    .reverse()
    .map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
}
