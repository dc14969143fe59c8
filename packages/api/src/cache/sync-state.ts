import { eq } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { syncState } from "./schema.js";

export type SyncStateKey =
  | "last_event_id"
  | "last_sync_at"
  | "last_reconcile_at"
  | "store_clock_offset_ms"
  | "tasks_succeeded_total"
  | "tasks_failed_total"
  | "last_error"
  /** JSON: comments the GitHub store refused as coordination data, by author and reason. */
  | "github_refusals";

export function readSyncValue(db: CacheDb, key: SyncStateKey): string | null {
  return db.select().from(syncState).where(eq(syncState.key, key)).get()?.value ?? null;
}

export function readSyncNumber(db: CacheDb, key: SyncStateKey): number {
  const value = Number(readSyncValue(db, key) ?? "0");
  return Number.isFinite(value) ? value : 0;
}

export function writeSyncValue(db: CacheDb, key: SyncStateKey, value: string | number): void {
  const text = String(value);
  db.insert(syncState)
    .values({ key, value: text })
    .onConflictDoUpdate({ target: syncState.key, set: { value: text } })
    .run();
}
