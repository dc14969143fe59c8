import type { TaskState, WorkerRegistration } from "@sentinel/coordination";

/**
 * The scale phase's data, fixed by index so every run sees the same shape: a busy cluster's
 * history, mostly finished tasks with a backlog, some running, some awaiting retry.
 */
export const TASK_TYPES = [
  "email.send",
  "email.digest",
  "image.resize",
  "image.thumbnail",
  "video.transcode",
  "report.render",
  "invoice.pdf",
  "webhook.deliver",
  "index.update",
  "search.reindex",
  "cache.warm",
  "backup.snapshot",
  "ml.score",
  "ml.train",
  "etl.extract",
  "etl.load",
  "payment.capture",
  "payment.refund",
  "sms.send",
  "audit.export",
] as const;

/** Share of all tasks per state; the first three are live in the store, the rest are history. */
export const STATE_SHARES: Readonly<Record<TaskState, number>> = {
  queued: 0.08,
  running: 0.01,
  failed: 0.01,
  succeeded: 0.85,
  dead: 0.03,
  cancelled: 0.02,
};

export const CUSTOMERS = 997;
const TYPES_PER_WORKER = 3;
const WORKERS_PER_HOST = 8;

export function taskCounts(total: number): Record<TaskState, number> {
  const counts = { queued: 0, running: 0, failed: 0, succeeded: 0, dead: 0, cancelled: 0 } as Record<TaskState, number>;
  let assigned = 0;
  for (const state of ["queued", "running", "failed", "dead", "cancelled"] as const) {
    counts[state] = Math.round(total * STATE_SHARES[state]);
    assigned += counts[state];
  }
  counts.succeeded = total - assigned;
  return counts;
}

export function workerId(index: number): string {
  return `worker-${String(index).padStart(4, "0")}`;
}

export function workerTypes(index: number): string[] {
  return Array.from({ length: TYPES_PER_WORKER }, (_, k) => TASK_TYPES[(index + k * 7) % TASK_TYPES.length]!);
}

export function workerRegistration(index: number, heartbeatIntervalMs: number): WorkerRegistration {
  return {
    id: workerId(index),
    hostname: `node-${String(Math.floor(index / WORKERS_PER_HOST)).padStart(3, "0")}.bench.local`,
    pid: 10_000 + index,
    version: "bench",
    maxConcurrency: 4,
    supportedTaskTypes: workerTypes(index),
    cpuCores: 2,
    memoryMb: 2048,
    labels: { region: index % 2 === 0 ? "eu-west" : "us-east" },
    heartbeatIntervalMs,
    // STALE_WORKER_THRESHOLD_MS's default (README, Configuration): four missed heartbeats.
    leaseMs: heartbeatIntervalMs * 4,
    healthUrl: null,
  };
}

export function taskTitle(type: string, index: number): string {
  return `${type} #${index}`;
}

/** Parameters a search can find: `cust-42` matches about one task in a thousand. */
export function taskParams(index: number): Record<string, unknown> {
  return {
    customer: `cust-${index % CUSTOMERS}`,
    orderId: 100_000 + index,
    region: index % 2 === 0 ? "eu-west" : "us-east",
  };
}
