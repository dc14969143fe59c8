import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface WorkerMetrics {
  registry: Registry;
  tasksProcessed: Counter<"type">;
  tasksFailed: Counter<"type" | "retryable">;
  taskDuration: Histogram<"type" | "result">;
  lockConflicts: Counter;
  staleTokenRejections: Counter<"reason">;
  heartbeatFailures: Counter;
  activeTasks: Gauge;
  storeErrors: Counter<"step">;
}

/** One registry per worker, so several workers in one process (tests) don't collide. */
export function createWorkerMetrics(workerId: string): WorkerMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ worker_id: workerId });
  const registers = [registry];
  return {
    registry,
    tasksProcessed: new Counter({
      name: "sentinel_worker_tasks_processed_total",
      help: "Tasks this worker completed successfully",
      labelNames: ["type"],
      registers,
    }),
    tasksFailed: new Counter({
      name: "sentinel_worker_tasks_failed_total",
      help: "Task attempts that failed on this worker",
      labelNames: ["type", "retryable"],
      registers,
    }),
    taskDuration: new Histogram({
      name: "sentinel_worker_task_duration_seconds",
      help: "Handler run time per attempt",
      labelNames: ["type", "result"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers,
    }),
    lockConflicts: new Counter({
      name: "sentinel_worker_lock_conflicts_total",
      help: "Lock acquisitions lost to another holder",
      registers,
    }),
    staleTokenRejections: new Counter({
      name: "sentinel_worker_stale_token_rejections_total",
      help: "Outcomes the store rejected because this attempt no longer owns the task (stale fencing token, or task no longer running)",
      labelNames: ["reason"],
      registers,
    }),
    heartbeatFailures: new Counter({
      name: "sentinel_worker_heartbeat_failures_total",
      help: "Heartbeats that failed to reach the store or were refused",
      registers,
    }),
    activeTasks: new Gauge({ name: "sentinel_worker_active_tasks", help: "Tasks executing right now", registers }),
    storeErrors: new Counter({
      name: "sentinel_worker_store_errors_total",
      help: "Store calls that failed, by loop step",
      labelNames: ["step"],
      registers,
    }),
  };
}
