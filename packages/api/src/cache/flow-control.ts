import type { CoordinationStore, TypeLimit, TypePause } from "@sentinel/coordination";
import type { CacheDb } from "./open-cache.js";
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
