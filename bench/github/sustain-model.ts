import { heartbeatStretchFor } from "@sentinel/coordination/github";

/** GitHub's secondary limit per login and the store's default budget split (options.ts, writeBudget). */
export const PER_HOUR = 500;
const HEADROOM = 0.9;
const HEARTBEAT_SHARE = 0.4;
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_LEASE_MS = 120_000;

/**
 * The original design's schedule, as modelled here: each busy worker holds one lock and
 * posts a lock comment for it every 30 s (120 writes/hour); a task costs the worker 4 writes
 * (lock comment, result comment, deleting the lock comment, closing the issue). Its worker
 * heartbeats are not counted, which flatters it.
 */
export const ORIGINAL = { lockWritesPerBusyWorkerHour: 3600 / 30, workerWritesPerTask: 4 };

export interface SustainRow {
  tasksPerHour: number;
  original: number;
  fixed: number;
  adaptive: number | null;
  adaptiveLeaseMs: number | null;
}

/** Workers one token sustains under 500 writes/hour at a task rate (worker-side writes only; the producer has its own token). */
export function sustainedWorkers(
  tasksPerHour: number,
  measured: { writesPerTask: number; idleWritesPerWorkerHour: number },
  maxLeaseMs: number,
): SustainRow {
  const original = Math.max(
    0,
    Math.floor((PER_HOUR - ORIGINAL.workerWritesPerTask * tasksPerHour) / ORIGINAL.lockWritesPerBusyWorkerHour),
  );
  const fixed = Math.max(
    0,
    Math.floor((PER_HOUR - measured.writesPerTask * tasksPerHour) / measured.idleWritesPerWorkerHour),
  );
  // Adaptive: heartbeats never exceed their share whatever the number of workers; task
  // writes get the rest of the planned budget. The number of workers is bounded by the lease
  // (stale threshold) one accepts, which grows with them.
  const taskBudget = PER_HOUR * (HEADROOM - HEARTBEAT_SHARE);
  if (measured.writesPerTask * tasksPerHour > taskBudget)
    return { tasksPerHour, original, fixed, adaptive: null, adaptiveLeaseMs: null };
  let adaptive = 0;
  for (let n = 1; n <= 1000; n++) {
    if (
      DEFAULT_LEASE_MS *
        heartbeatStretchFor(DEFAULT_INTERVAL_MS, n, { perHour: PER_HOUR, heartbeatShare: HEARTBEAT_SHARE }) >
      maxLeaseMs
    )
      break;
    adaptive = n;
  }
  const leaseMs =
    DEFAULT_LEASE_MS *
    heartbeatStretchFor(DEFAULT_INTERVAL_MS, adaptive, { perHour: PER_HOUR, heartbeatShare: HEARTBEAT_SHARE });
  return { tasksPerHour, original, fixed, adaptive, adaptiveLeaseMs: leaseMs };
}

export function maxAdaptiveTaskRate(writesPerTask: number): number {
  return (PER_HOUR * (HEADROOM - HEARTBEAT_SHARE)) / writesPerTask;
}
