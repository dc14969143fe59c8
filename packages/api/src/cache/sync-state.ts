import { eq } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { syncState } from "./schema.js";

export type SyncStateKey =
  | "last_event_id"
  | "last_sync_at"
  | "last_reconcile_at"
  /** When the cache first listed every task (finished ones included); see sync/reconcile.ts. */
  | "tasks_backfilled_at"
  | "store_clock_offset_ms"
  | "tasks_succeeded_total"
  | "tasks_failed_total"
  | "last_error"
  /** JSON: comments the GitHub store refused as coordination data, by author and reason. */
  | "github_refusals"
  /** JSON: the control plane's own token budget (coordination's WorkerBudget), GitHub only. */
  | "control_plane_budget"
  /** JSON: the task types (or `*`) paused in the store; see cache/flow-control.ts. */
  | "type_pauses"
  /** JSON: the per-type concurrency limits, where the store has them; see cache/flow-control.ts. */
  | "type_limits";

export function readSyncValue(db: CacheDb, key: SyncStateKey): string | null {
  return db.select().from(syncState).where(eq(syncState.key, key)).get()?.value ?? null;
}

export function readSyncNumber(db: CacheDb, key: SyncStateKey): number {
  const value = Number(readSyncValue(db, key) ?? "0");
  return Number.isFinite(value) ? value : 0;
}

/** Write `value` under `key`; returns whether it differs from what was there. */
export function writeSyncValueIfChanged(db: CacheDb, key: SyncStateKey, value: string): boolean {
  if (readSyncValue(db, key) === value) return false;
  writeSyncValue(db, key, value);
  return true;
}

export function writeSyncValue(db: CacheDb, key: SyncStateKey, value: string | number): void {
  const text = String(value);
  db.insert(syncState)
    .values({ key, value: text })
    .onConflictDoUpdate({ target: syncState.key, set: { value: text } })
    .run();
}
