import type { TypePause } from "@sentinel/coordination";
import type { CacheDb } from "./open-cache.js";
import { readSyncValue, writeSyncValueIfChanged } from "./sync-state.js";

/**
 * The store's task-type pauses as the syncer last read them (after a `queue.*` event and on
 * every reconcile). A handful of rows at most, so they live as one JSON value.
 */
export function readTypePauses(db: CacheDb): TypePause[] {
  const text = readSyncValue(db, "type_pauses");
  return text ? (JSON.parse(text) as TypePause[]) : [];
}

/** Returns whether the pauses changed. */
export function writeTypePauses(db: CacheDb, pauses: readonly TypePause[]): boolean {
  return writeSyncValueIfChanged(db, "type_pauses", JSON.stringify(pauses));
}
