import type { Lock, StoreEvent } from "@sentinel/coordination";
import { eq, notInArray, sql } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { lockHandovers, locks } from "./schema.js";

export function upsertLock(db: CacheDb, lock: Lock): boolean {
  const row = {
    taskId: lock.taskId,
    ownerId: lock.ownerId,
    token: lock.token,
    acquiredAt: lock.acquiredAt,
    expiresAt: lock.expiresAt,
    metadata: JSON.stringify(lock.metadata),
  };
  const { taskId: _taskId, ...set } = row;
  const changed = sql`${locks.token} IS NOT excluded.token OR ${locks.ownerId} IS NOT excluded.owner_id OR ${locks.expiresAt} IS NOT excluded.expires_at`;
  return (
    db.insert(locks).values(row).onConflictDoUpdate({ target: locks.taskId, set, setWhere: changed }).run().changes > 0
  );
}

export function deleteLock(db: CacheDb, taskId: string): boolean {
  return db.delete(locks).where(eq(locks.taskId, taskId)).run().changes > 0;
}

/** Make the locks table exactly the given live set (reconcile). */
export function replaceLocks(db: CacheDb, live: Lock[]): boolean {
  let changed = false;
  for (const lock of live) changed = upsertLock(db, lock) || changed;
  const ids = live.map((l) => l.taskId);
  const removed =
    ids.length === 0 ? db.delete(locks).run() : db.delete(locks).where(notInArray(locks.taskId, ids)).run();
  return changed || removed.changes > 0;
}

/** One hand-over record per lock event; `lock` is the lock after the event when it is still live. */
export function recordLockHandover(db: CacheDb, event: StoreEvent & { taskId: string }, lock: Lock | null): void {
  const token = typeof event.data.token === "number" ? event.data.token : (lock?.token ?? null);
  const ownerId =
    typeof event.data.ownerId === "string" ? event.data.ownerId : (event.workerId ?? lock?.ownerId ?? null);
  db.insert(lockHandovers)
    .values({
      eventId: event.id,
      taskId: event.taskId,
      kind: event.kind,
      ownerId,
      token,
      actor: event.actor,
      at: event.at,
    })
    .onConflictDoNothing()
    .run();
}
