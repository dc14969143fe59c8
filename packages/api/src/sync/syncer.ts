import { type CoordinationStore, coerceError, reportedBudget } from "@sentinel/coordination";
import { writeBudget } from "../cache/budget.js";
import { appendChange, type Change, type ChangeKind } from "../cache/change-log.js";
import type { Cache } from "../cache/open-cache.js";
import { readSyncNumber, writeSyncValue, writeSyncValueIfChanged } from "../cache/sync-state.js";
import { pruneHeartbeats } from "../cache/worker-rows.js";
import { applyNextEvents } from "./apply-events.js";
import { ChangeSet } from "./change-set.js";
import { reconcile } from "./reconcile.js";
import { refreshWorkerMetrics, refreshWorkers } from "./refresh-workers.js";
import { readStoreBudget } from "./store-budget.js";
import { readStoreRefusals } from "./store-trust.js";

export interface SyncerOptions {
  store: CoordinationStore;
  cache: Cache;
  /**
   * Between passes. Default: 200 ms for SQLite and Postgres, 5 s for GitHub. A store that
   * hints at commits (`watchChanges`: SQLite at every commit, Postgres at transitions that may
   * make work claimable) starts a pass sooner, so such a change shows within tens of ms.
   */
  pollIntervalMs?: number;
  /**
   * Full registry read: heartbeats the store does not announce (GitHub's are comment edits)
   * and the metrics workers publish with them. Default 15 s on GitHub, 10 s on SQLite and
   * Postgres, whose heartbeats are events (applied as they come, worker by worker); there the
   * metrics alone are re-read every second (METRICS_REFRESH_MS) in between.
   */
  workersRefreshMs?: number;
  /**
   * Full reconcile against missed events: every live lock and unfinished task re-read. Default
   * 60 s on GitHub (webhooks and reads can miss changes); 5 min on SQLite and Postgres, whose
   * event log is written in the same transaction as each change, so nothing is missed there
   * and the reconcile is a safety net — at 10,000 unfinished tasks a pass ties up the
   * control plane's event loop for long enough to show on every open page.
   */
  reconcileIntervalMs?: number;
  /** Events read per request. */
  eventBatch?: number;
  /** Observed heartbeats are kept this long (6 h; a timeline shows at most 15 min), pruned on reconcile. */
  heartbeatRetentionMs?: number;
  onError?: (error: Error) => void;
}

export type ChangeListener = (change: Change) => void;

export interface SyncStatus {
  lastEventId: number;
  lastSyncAt: number | null;
  lastReconcileAt: number | null;
  lastError: string | null;
  running: boolean;
}

export interface Syncer {
  start(): void;
  /** Stops the loop and waits for a pass in flight. Idempotent. */
  stop(): Promise<void>;
  /** One pass (events, due refreshes); serialised with the loop's passes. */
  syncOnce(): Promise<Change | null>;
  /** A pass that includes a full reconcile. */
  reconcileNow(): Promise<Change | null>;
  /** Wake the loop now (a webhook arrived). */
  nudge(): void;
  onChange(listener: ChangeListener): () => void;
  /** Record a change the syncer did not observe (an operator action) and announce it. */
  publish(kinds: ChangeKind[]): Change;
  /** The store's clock, estimated from the offset measured at the last pass. */
  storeNow(): number;
  status(): SyncStatus;
}

const MAX_EVENT_BATCHES_PER_PASS = 20;
/**
 * A store hint (another process committed) starts a pass at once, but no sooner than this
 * after the previous pass began: a busy store commits every millisecond, and each pass reads
 * the store's clock and writes the cache.
 */
const HINT_SPACING_MS = 50;
/** Where heartbeats are events, the worker metrics (not in the event log) are re-read this often. */
const METRICS_REFRESH_MS = 1_000;
const MAX_ERROR_BACKOFF_MS = 10_000;
/** Per reconcile: bounded so one pass never stalls the loop, above any cluster's heartbeat rate. */
const HEARTBEAT_PRUNE_BATCH = 50_000;

export function createSyncer(options: SyncerOptions): Syncer {
  const { store, cache } = options;
  const github = store.backend === "github";
  const pollIntervalMs = options.pollIntervalMs ?? (github ? 5_000 : 200);
  const workersRefreshMs = options.workersRefreshMs ?? (github ? 15_000 : 10_000);
  const reconcileIntervalMs = options.reconcileIntervalMs ?? (github ? 60_000 : 300_000);
  const eventBatch = options.eventBatch ?? 500;
  const heartbeatRetentionMs = options.heartbeatRetentionMs ?? 6 * 3_600_000;
  const listeners = new Set<ChangeListener>();

  let clockOffsetMs = readSyncNumber(cache.db, "store_clock_offset_ms");
  let lastWorkersRefresh = 0;
  let lastMetricsRefresh = 0;
  let lastReconcile = 0;
  let lastSyncAt: number | null = null;
  let lastError: string | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let timerDueAt = 0;
  let passStartedAt = 0;
  /** A hint came while a pass was running: the next pass follows it soon, not a poll later. */
  let hinted = false;
  let stopWatching: (() => void) | null = null;
  let running = false;
  let consecutiveErrors = 0;

  async function pass(forceReconcile: boolean): Promise<Change | null> {
    passStartedAt = Date.now();
    hinted = false;
    const changes = new ChangeSet();
    const storeNow = await store.now();
    clockOffsetMs = storeNow - Date.now();
    for (let i = 0; i < MAX_EVENT_BATCHES_PER_PASS; i++) {
      if ((await applyNextEvents(store, cache, changes, eventBatch)) < eventBatch) break;
    }
    const local = Date.now();
    if (forceReconcile || local - lastReconcile >= reconcileIntervalMs) {
      await reconcile(store, cache, changes, storeNow);
      pruneHeartbeats(cache.db, storeNow - heartbeatRetentionMs, HEARTBEAT_PRUNE_BATCH);
      lastReconcile = lastWorkersRefresh = lastMetricsRefresh = local;
    } else if (local - lastWorkersRefresh >= workersRefreshMs) {
      await refreshWorkers(store, cache, changes);
      lastWorkersRefresh = lastMetricsRefresh = local;
    } else if (!github && local - lastMetricsRefresh >= METRICS_REFRESH_MS) {
      await refreshWorkerMetrics(store, cache, changes);
      lastMetricsRefresh = local;
    }
    const budget = await readStoreBudget(store);
    if (budget) changes.addIf(writeBudget(cache.db, budget, storeNow), "budget");
    const refusals = readStoreRefusals(store);
    if (refusals)
      changes.addIf(writeSyncValueIfChanged(cache.db, "github_refusals", JSON.stringify(refusals)), "budget");
    const ownBudget = reportedBudget(store);
    if (ownBudget)
      changes.addIf(writeSyncValueIfChanged(cache.db, "control_plane_budget", JSON.stringify(ownBudget)), "budget");
    writeSyncValue(cache.db, "store_clock_offset_ms", clockOffsetMs);
    writeSyncValue(cache.db, "last_sync_at", storeNow);
    lastSyncAt = storeNow;
    lastError = null;
    if (changes.empty) return null;
    const change = appendChange(cache.db, changes.kinds);
    announce(change);
    return change;
  }

  function announce(change: Change): void {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (error) {
        options.onError?.(coerceError(error));
      }
    }
  }

  function serialised(forceReconcile: boolean): Promise<Change | null> {
    const next = chain.then(() => pass(forceReconcile));
    chain = next.catch(() => undefined);
    return next;
  }

  function schedule(delayMs: number): void {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timerDueAt = Date.now() + delayMs;
    timer = setTimeout(tick, delayMs);
  }

  function delayAfterHint(): number {
    return Math.max(0, passStartedAt + HINT_SPACING_MS - Date.now());
  }

  function onStoreHint(): void {
    if (!running) return;
    if (!timer) {
      hinted = true; // a pass is running; it may have read the events before this commit
      return;
    }
    // While backing off after errors the backoff wins: a failing store commits too.
    if (consecutiveErrors > 0) return;
    const delayMs = delayAfterHint();
    if (Date.now() + delayMs < timerDueAt) schedule(delayMs);
  }

  async function tick(): Promise<void> {
    timer = null;
    try {
      await serialised(false);
      consecutiveErrors = 0;
      schedule(hinted ? delayAfterHint() : pollIntervalMs);
    } catch (thrown) {
      const error = coerceError(thrown);
      lastError = error.message;
      writeSyncValue(cache.db, "last_error", error.message);
      options.onError?.(error);
      consecutiveErrors += 1;
      schedule(Math.min(MAX_ERROR_BACKOFF_MS, pollIntervalMs * 2 ** consecutiveErrors));
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      stopWatching = store.watchChanges?.(onStoreHint) ?? null;
      schedule(0);
    },
    async stop() {
      running = false;
      stopWatching?.();
      stopWatching = null;
      if (timer) clearTimeout(timer);
      timer = null;
      await chain;
    },
    syncOnce: () => serialised(false),
    reconcileNow: () => serialised(true),
    nudge() {
      if (running && timer) schedule(0);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish(kinds) {
      const change = appendChange(cache.db, kinds);
      announce(change);
      return change;
    },
    storeNow: () => Date.now() + clockOffsetMs,
    status: () => ({
      lastEventId: readSyncNumber(cache.db, "last_event_id"),
      lastSyncAt,
      lastReconcileAt: readSyncNumber(cache.db, "last_reconcile_at") || null,
      lastError,
      running,
    }),
  };
}
