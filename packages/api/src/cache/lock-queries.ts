import type { Lock } from "@sentinel/coordination";
import { asc, desc, eq } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { lockHandovers, locks } from "./schema.js";

export function listCachedLocks(db: CacheDb): Lock[] {
  return db
    .select()
    .from(locks)
    .orderBy(asc(locks.acquiredAt))
    .all()
    .map((r) => ({ ...r, metadata: JSON.parse(r.metadata) as Lock["metadata"] }));
}

export interface LockHandover {
  eventId: number;
  taskId: string;
  kind: string;
  ownerId: string | null;
  token: number | null;
  actor: string;
  at: number;
}

export function lockHistory(db: CacheDb, taskId: string, limit: number): LockHandover[] {
  return db
    .select()
    .from(lockHandovers)
    .where(eq(lockHandovers.taskId, taskId))
    .orderBy(desc(lockHandovers.at))
    .limit(limit)
    .all();
}
