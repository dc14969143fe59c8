/**
 * Append-only event log kept by the store. Readers follow it by id (the control plane's
 * syncer, live dashboards, memory subscribers) — it works across processes, unlike an
 * in-memory bus.
 */
export const EVENT_KINDS = [
  "task.created",
  "task.started",
  "task.succeeded",
  "task.failed",
  "task.dead",
  "task.cancelled",
  "task.requeued",
  /** An operator changed a queued task's priority or params (data.before / data.after hold the changed fields). */
  "task.edited",
  "task.pinned",
  /** An operator brought a delayed task's runAt forward to now (data.runAt: the time it was due). */
  "task.promoted",
  "task.result_stored",
  /** A worker's write carried a stale fencing token and was refused (recorded by that worker). */
  "task.write_rejected",
  /** A running attempt wrote progress or log lines (read them with getTaskLog); pruned like heartbeats. */
  "task.log",
  "lock.acquired",
  "lock.released",
  "lock.expired",
  "lock.force_released",
  "worker.registered",
  "worker.state_changed",
  "worker.heartbeat",
  "worker.drain_requested",
  "alert.worker_failed",
  /** An alert rule's condition began to hold (data: code, subject, severity, message); the lowest id per episode counts (domain/alert-log.ts). */
  "alert.fired",
  /** The condition of a fired alert no longer holds (data.firedId: the canonical alert.fired). */
  "alert.resolved",
  /** A control plane claims one delivery of a fire/resolve (data: transitionId, channel, leaseMs); the fencing token is this event's id. */
  "alert.delivery_claimed",
  /** The outcome of one delivery attempt under a claim (data: claimId, ok, status, error, retryInMs). */
  "alert.delivery_attempted",
  "memory.set",
  "memory.deleted",
  "settings.changed",
  /** An operator paused claims of a task type (data.type; `*` is the whole queue). */
  "queue.paused",
  "queue.resumed",
  /** An operator set (data.maxRunning) or cleared (null) a type's concurrency limit. */
  "queue.limit_set",
  /** A repeating schedule was created, edited (incl. paused/resumed) or deleted (data.scheduleId, data.name). */
  "schedule.created",
  "schedule.updated",
  "schedule.deleted",
  /** A schedule's slot created its task (data.scheduleId, data.slotAt; taskId); once per slot across the fleet. */
  "schedule.fired",
  "operator.action",
  /** Finished tasks were deleted by the retention policy, after being archived (data.taskIds, data.finishedBefore). */
  "tasks.purged",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface StoreEvent {
  /** Strictly increasing. */
  id: number;
  at: number;
  kind: EventKind;
  taskId: string | null;
  workerId: string | null;
  /** Who caused it: a worker id, `monitor:<worker id>`, or `operator:<name>`. */
  actor: string;
  data: Record<string, unknown>;
}

export type NewStoreEvent = Omit<StoreEvent, "id" | "at">;
