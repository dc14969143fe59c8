import {
  ACCEPTING_STATES,
  type Alert,
  type AlertInput,
  computeAlerts,
  NAMED_STALE_WORKERS,
} from "@sentinel/coordination";
import { readBudget } from "../cache/budget.js";
import type { CacheDb } from "../cache/open-cache.js";
import { queueStatsByType } from "../cache/queue-stats.js";
import { stalledTasks } from "../cache/stalled-tasks.js";
import { deadSinceByType, waitingTypes } from "../cache/task-queries.js";
import { pageCachedWorkers, supportedTaskTypes } from "../cache/worker-queries.js";
import type { ControlPlaneCore } from "../context.js";

function readWorkerInput(
  db: CacheDb,
  now: number,
): Pick<AlertInput, "liveAccepting" | "liveTypes" | "stale" | "offline"> {
  const base = { now, includeRemoved: false, search: null, supportsType: null, offset: 0 };
  const liveAccepting = pageCachedWorkers(db, {
    ...base,
    states: [...ACCEPTING_STATES],
    leaseLiveOnly: true,
    limit: 0,
  }).total;
  const stale = pageCachedWorkers(db, {
    ...base,
    states: ["STALE"],
    leaseLiveOnly: false,
    limit: NAMED_STALE_WORKERS,
  });
  const offline = pageCachedWorkers(db, {
    ...base,
    states: ["OFFLINE"],
    leaseLiveOnly: false,
    limit: NAMED_STALE_WORKERS,
  });
  return {
    liveAccepting,
    liveTypes: new Set(supportedTaskTypes(db, now)),
    stale: { total: stale.total, ids: stale.items.map((w) => w.id) },
    offline: { total: offline.total, ids: offline.items.map((w) => w.id) },
  };
}

/** The alert rules (domain/cluster-alerts.ts) judged on the cache at store-clock `now`. */
export function currentAlerts(
  core: Pick<ControlPlaneCore, "cache" | "syncer" | "stallAlertMs" | "queueAgeAlertMs" | "deadAlertWindowMs">,
  now = core.syncer.storeNow(),
): Alert[] {
  const db = core.cache.db;
  return computeAlerts({
    ...readWorkerInput(db, now),
    waiting: waitingTypes(db),
    deadRecently: deadSinceByType(db, now - core.deadAlertWindowMs),
    deadWindowMs: core.deadAlertWindowMs,
    stalled: stalledTasks(db, now, core.stallAlertMs),
    oldestDue: queueStatsByType(db, now),
    queueAgeAlertMs: core.queueAgeAlertMs,
    budget: readBudget(db),
    syncError: core.syncer.status().lastError,
  });
}

/** OFFLINE workers by id, at most `limit` (the delivered `workers_offline` alerts are per worker). */
export function offlineWorkerIds(db: CacheDb, limit: number): string[] {
  return pageCachedWorkers(db, {
    now: 0,
    includeRemoved: false,
    search: null,
    supportsType: null,
    offset: 0,
    states: ["OFFLINE"],
    leaseLiveOnly: false,
    limit,
  }).items.map((w) => w.id);
}
