import type { WorkOptions } from "pg-boss";

/**
 * How the Postgres suite runs pg-boss, stated once for the worker processes and the report.
 * `concurrency` jobs per process are one fetch of a batch of that size: with one job per
 * fetch, a worker that finished a job waits out its polling interval before the next fetch
 * unless a NOTIFY arrives, so a backlog would drain at one job per interval per worker.
 * `burstWhenBatchFull` fetches again at once while fetches come back full; LISTEN/NOTIFY
 * (`useListenNotify` + the queue's `notify`) wakes idle workers when a job is created; while it
 * is connected pg-boss polls only as a backstop (`notifyPollingIntervalSeconds`, default 30 s),
 * and without it at `pollingIntervalSeconds`, set to pg-boss's minimum, 0.5 s.
 */
export const PG_BOSS_QUEUE = "bench";

export function pgBossWorkOptions(concurrency: number): WorkOptions {
  return {
    batchSize: concurrency,
    localConcurrency: 1,
    burstWhenBatchFull: true,
    pollingIntervalSeconds: 0.5,
  };
}

export const PG_BOSS_SETTINGS_NOTE =
  "pg-boss: one `work()` per process fetching batches of up to the per-process concurrency, `burstWhenBatchFull` (fetch again at once while fetches come back full), LISTEN/NOTIFY on (`useListenNotify`, queue `notify: true`; its backstop poll at the default 30 s), 0.5 s polling (its minimum) should the listener drop; other constructor options at their defaults (supervision and cron on in every process).";
