import { displayableJson, RECORD_LIMIT, type StoreEvent, type WorkerRecord } from "@sentinel/coordination";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { heartbeats, workerEvents, workers } from "./schema.js";

/**
 * How an upsert changed a worker's row. A heartbeat alone only moves `lastHeartbeatAt`; told
 * apart so the dashboard refreshes just the heartbeat views for it, not every worker view.
 */
export type WorkerRowChange = "none" | "heartbeat" | "changed";

function withoutHeartbeatTime(record: WorkerRecord): string {
  return JSON.stringify({ ...record, lastHeartbeatAt: 0 });
}

/** Insert or refresh a worker's row; says what changed. */
export function upsertWorker(db: CacheDb, worker: WorkerRecord): WorkerRowChange {
  const previous = db.select({ record: workers.record }).from(workers).where(eq(workers.id, worker.id)).get();
  const row = {
    id: worker.id,
    hostname: worker.hostname,
    state: worker.state,
    activeTasks: worker.activeTasks,
    maxConcurrency: worker.maxConcurrency,
    lastHeartbeatAt: worker.lastHeartbeatAt,
    record: JSON.stringify(worker),
  };
  const { id: _id, ...set } = row;
  const result = db
    .insert(workers)
    .values(row)
    .onConflictDoUpdate({ target: workers.id, set, setWhere: sql`${workers.record} IS NOT excluded.record` })
    .run();
  if (result.changes === 0) return "none";
  if (previous && withoutHeartbeatTime(parseWorkerRecord(previous.record)) === withoutHeartbeatTime(worker))
    return "heartbeat";
  return "changed";
}

/** Remember one heartbeat (store-clock time). Seeing the same heartbeat again is a no-op. */
/**
 * Records an observed heartbeat; true when it is new. `seenUntil` is when a read still showed
 * it as the worker's newest beat: re-observing a beat only pushes that instant forward.
 */
export function recordHeartbeat(
  db: CacheDb,
  beat: { workerId: string; at: number; activeTasks: number; state: string },
  seenUntil = beat.at,
): boolean {
  const inserted =
    db
      .insert(heartbeats)
      .values({ ...beat, seenUntil })
      .onConflictDoNothing()
      .run().changes > 0;
  if (!inserted) {
    db.update(heartbeats)
      .set({ seenUntil: sql`max(coalesce(${heartbeats.seenUntil}, 0), ${seenUntil})` })
      .where(and(eq(heartbeats.workerId, beat.workerId), eq(heartbeats.at, beat.at)))
      .run();
  }
  return inserted;
}

/** Deletes up to `limit` heartbeats observed before `before`; timelines show far less than the retention. */
export function pruneHeartbeats(db: CacheDb, before: number, limit: number): number {
  const oldest = db.select({ rowid: sql`rowid` }).from(heartbeats).where(lt(heartbeats.at, before)).limit(limit);
  return db.delete(heartbeats).where(inArray(sql`rowid`, oldest)).run().changes;
}

/** From the complete event log: the worker's previous beat was its newest right up to `at`. */
export function closePreviousHeartbeat(db: CacheDb, workerId: string, at: number): void {
  const previous = sql`(select max(${heartbeats.at}) from ${heartbeats} where ${heartbeats.workerId} = ${workerId} and ${heartbeats.at} < ${at})`;
  db.update(heartbeats)
    .set({ seenUntil: sql`max(coalesce(${heartbeats.seenUntil}, 0), ${at})` })
    .where(and(eq(heartbeats.workerId, workerId), eq(heartbeats.at, previous)))
    .run();
}

export function recordWorkerEvent(db: CacheDb, event: StoreEvent & { workerId: string }): void {
  db.insert(workerEvents)
    .values({
      eventId: event.id,
      workerId: event.workerId,
      kind: event.kind,
      at: event.at,
      actor: event.actor,
      data: JSON.stringify(displayableJson(event.data, RECORD_LIMIT)),
    })
    .onConflictDoNothing()
    .run();
}

export function parseWorkerRecord(record: string): WorkerRecord {
  return JSON.parse(record) as WorkerRecord;
}
