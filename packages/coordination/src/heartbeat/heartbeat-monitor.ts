import type { Logger } from "pino";
import { retryDelayMs } from "../domain/attempt-failure.js";
import type { Lock } from "../domain/lock.js";
import { PURGE_BATCH, PURGE_PAUSE_MS, PURGE_ROUND_MS, type TaskArchiveSink } from "../domain/task-retention.js";
import { isLeaseLive, type WorkerRecord, type WorkerState } from "../domain/worker.js";
import { isSilentPastLease } from "../domain/worker-rules.js";
import { coerceError, IllegalTransitionError, StaleFencingTokenError } from "../errors.js";
import { type IntervalTask, startIntervalTask } from "../interval-task.js";
import { findExpiredLocks, listRunningTasks } from "../locks/expired-locks.js";
import type { CoordinationStore } from "../store/port.js";
import { emptyReport, type MonitorReport } from "./monitor-report.js";

const FAILED_STATES: readonly WorkerState[] = ["STALE", "OFFLINE", "REMOVED"];
/** Per round: a short delete that writers barely notice, yet far above any cluster's heartbeat rate. */
const PRUNE_BATCH = 5_000;

export interface TaskRetention {
  finishedForMs: number | null;
  keepNewest: number | null;
  archive: TaskArchiveSink;
}

export interface HeartbeatMonitorOptions {
  /** Identifies this monitor in events (`monitor:<monitorId>`); usually the worker id. */
  monitorId: string;
  /**
   * STALE → OFFLINE after this long (default 120 s, STALE_WORKER_THRESHOLD_MS). Staleness
   * itself is judged per worker by its own lease (registration `leaseMs`, which the worker
   * sets from its stale threshold and may stretch when its heartbeat interval adapts to an
   * API budget), so a monitor never declares a lease dead that the store still honours.
   */
  staleThresholdMs?: number;
  /** How often `start()` runs a check (60 s). Only schedules: every judgement uses the store clock. */
  checkIntervalMs?: number;
  /** STALE for longer than this → OFFLINE (default: staleThresholdMs). */
  offlineAfterMs?: number;
  /** OFFLINE for longer than this → REMOVED (1 h). */
  removeAfterMs?: number;
  /**
   * Heartbeat events older than this are deleted from the store's log (1 h), on stores that
   * can (`pruneEvents`). The registry keeps each worker's latest beat and the control plane's
   * cache the timelines, so the log needs them only until the syncer has read them. `task.log`
   * events (one per log write of a running task) go after the same time: the lines stay
   * with their task.
   */
  heartbeatEventRetentionMs?: number;
  /**
   * Finished tasks to archive and delete each round, on stores that can (`purgeFinishedTasks`,
   * domain/task-retention.ts): those finished more than `finishedForMs` ago and those beyond the
   * `keepNewest` most recent (null: no such bound), in batches of PURGE_BATCH for up to
   * PURGE_ROUND_MS a round. Absent: keep all.
   */
  taskRetention?: TaskRetention;
  logger?: Pick<Logger, "info" | "warn" | "error">;
  /** Called after every timer-driven round (metrics, logs). Errors thrown here are logged and ignored. */
  onReport?: (report: MonitorReport) => void;
}

/**
 * Heartbeat monitor and failure recovery (invariant 6, docs/architecture.md). Any number may run at once (every worker
 * can run one): each decision is a conditional transition in the store, and only the monitor
 * whose transition succeeded records the alert and recovers, so recovery happens once.
 */
export class HeartbeatMonitor {
  readonly staleThresholdMs: number;
  readonly checkIntervalMs: number;
  readonly offlineAfterMs: number;
  readonly removeAfterMs: number;
  readonly heartbeatEventRetentionMs: number;
  private readonly actor: string;
  private inFlight: Promise<MonitorReport> | null = null;
  private loop: IntervalTask | null = null;

  constructor(
    private readonly store: CoordinationStore,
    private readonly opts: HeartbeatMonitorOptions,
  ) {
    this.staleThresholdMs = opts.staleThresholdMs ?? 120_000;
    this.checkIntervalMs = opts.checkIntervalMs ?? 60_000;
    this.offlineAfterMs = opts.offlineAfterMs ?? this.staleThresholdMs;
    this.removeAfterMs = opts.removeAfterMs ?? 3_600_000;
    this.heartbeatEventRetentionMs = opts.heartbeatEventRetentionMs ?? 3_600_000;
    this.actor = `monitor:${opts.monitorId}`;
  }

  /** One round. Concurrent calls on the same monitor share the round in flight. */
  checkOnce(): Promise<MonitorReport> {
    this.inFlight ??= this.runRound().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  start(): void {
    this.loop ??= startIntervalTask(
      () =>
        this.checkOnce()
          .then((report) => this.deliver(report))
          .catch((thrown) => this.opts.logger?.error({ err: coerceError(thrown) }, "heartbeat monitor round failed")),
      this.checkIntervalMs,
      { runImmediately: true, unref: true },
    );
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    this.loop = null;
    await this.inFlight?.catch(() => undefined);
  }

  private deliver(report: MonitorReport): void {
    try {
      this.opts.onReport?.(report);
    } catch (thrown) {
      this.opts.logger?.warn({ err: coerceError(thrown) }, "monitor onReport threw");
    }
  }

  private async runRound(): Promise<MonitorReport> {
    // The clock is read before the workers so a heartbeat landing in between can only make a
    // worker look younger, never older.
    const now = await this.store.now();
    const workers = await this.store.listWorkers();
    const locks = await this.store.listLocks();
    const report = emptyReport(this.opts.monitorId, now);
    report.workersChecked = workers.length;

    for (const worker of workers) {
      try {
        await this.judge(worker, now, locks, report);
      } catch (thrown) {
        report.errors.push({ subject: `worker ${worker.id}`, message: coerceError(thrown).message });
      }
    }
    await this.failTimedOutTasks(workers, now, report);
    await this.pruneHeartbeatEvents(now, report);
    await this.purgeFinishedTasks(now, report);
    return report;
  }

  /**
   * Batch after batch for up to PURGE_ROUND_MS, with a pause between them for the writers
   * queued behind each; the next round goes on where this one stopped. Like pruning,
   * idempotent: monitors purging at once take turns on the write lock.
   */
  private async purgeFinishedTasks(now: number, report: MonitorReport): Promise<void> {
    const retention = this.opts.taskRetention;
    const purge = this.store.purgeFinishedTasks?.bind(this.store);
    if (!retention || !purge) return;
    if (retention.finishedForMs === null && retention.keepNewest === null) return;
    const request = {
      finishedBefore: retention.finishedForMs === null ? null : now - retention.finishedForMs,
      keepNewest: retention.keepNewest,
      limit: PURGE_BATCH,
    };
    const started = Date.now();
    try {
      for (;;) {
        const purged = await purge(request, retention.archive);
        report.purgedTasks += purged;
        if (purged < PURGE_BATCH || Date.now() - started >= PURGE_ROUND_MS) return;
        await new Promise((resolve) => setTimeout(resolve, PURGE_PAUSE_MS));
      }
    } catch (thrown) {
      report.errors.push({ subject: "task retention", message: coerceError(thrown).message });
    }
  }

  /** Deletes are idempotent, so every monitor may prune; together they keep the log bounded. */
  private async pruneHeartbeatEvents(now: number, report: MonitorReport): Promise<void> {
    if (!this.store.pruneEvents) return;
    const before = now - this.heartbeatEventRetentionMs;
    // One kind a call: each kind has its own partial index on `at` (see store/sqlite/event-retention.ts).
    try {
      report.prunedHeartbeatEvents = await this.store.pruneEvents({
        kinds: ["worker.heartbeat"],
        before,
        limit: PRUNE_BATCH,
      });
      report.prunedTaskLogEvents = await this.store.pruneEvents({ kinds: ["task.log"], before, limit: PRUNE_BATCH });
    } catch (thrown) {
      report.errors.push({ subject: "heartbeat event retention", message: coerceError(thrown).message });
    }
  }

  private async judge(worker: WorkerRecord, now: number, locks: Lock[], report: MonitorReport): Promise<void> {
    const silentMs = now - worker.lastHeartbeatAt;
    const inState = now - worker.stateChangedAt;
    if (isSilentPastLease(worker, now)) {
      const reason = `no heartbeat for ${silentMs} ms (lease ${worker.leaseMs} ms)`;
      if (await this.transition(worker, "STALE", reason, report, { onlyIfLeaseExpired: true })) {
        report.markedStale.push(worker.id);
        await this.recover(worker, silentMs, locks, report);
      }
    } else if (worker.state === "STALE" && inState > this.offlineAfterMs) {
      const reason = `stale for ${inState} ms (offline after ${this.offlineAfterMs} ms)`;
      if (await this.transition(worker, "OFFLINE", reason, report)) report.markedOffline.push(worker.id);
    } else if (worker.state === "OFFLINE" && inState > this.removeAfterMs) {
      const reason = `offline for ${inState} ms (removed after ${this.removeAfterMs} ms)`;
      if (await this.transition(worker, "REMOVED", reason, report)) report.removed.push(worker.id);
    }
  }

  /** Conditional on the state we judged; false when someone else moved the worker first. */
  private async transition(
    worker: WorkerRecord,
    to: WorkerState,
    reason: string,
    report: MonitorReport,
    opts: { onlyIfLeaseExpired?: boolean } = {},
  ): Promise<boolean> {
    try {
      await this.store.transitionWorker(worker.id, to, {
        expectedFrom: [worker.state],
        ...opts,
        actor: this.actor,
        reason,
      });
      // The subject goes in metadata: `worker_id` is the logging (monitoring) worker's own field.
      this.opts.logger?.info(
        { action: "worker.state_changed", metadata: { subject_worker_id: worker.id, from: worker.state, to, reason } },
        "monitor moved worker",
      );
      return true;
    } catch (thrown) {
      if (thrown instanceof IllegalTransitionError) {
        report.lostRaces += 1;
        return false;
      }
      throw thrown;
    }
  }

  /** Failure recovery: record the alert, release the worker's locks, put its tasks back for retry. */
  private async recover(worker: WorkerRecord, silentMs: number, locks: Lock[], report: MonitorReport): Promise<void> {
    await this.store.appendEvent({
      kind: "alert.worker_failed",
      taskId: null,
      workerId: worker.id,
      actor: this.actor,
      data: { previousState: worker.state, lastHeartbeatAt: worker.lastHeartbeatAt, silentMs, leaseMs: worker.leaseMs },
    });
    this.opts.logger?.warn(
      { action: "alert.worker_failed", metadata: { subject_worker_id: worker.id, silentMs } },
      "worker failed",
    );

    const failed = new Set<string>();
    for (const task of await listRunningTasks(this.store, worker.id)) {
      if (task.fencingToken === null) continue;
      const message = `worker ${worker.id} failed (no heartbeat for ${silentMs} ms); retrying on another worker`;
      const outcome = await this.failTask(task.id, task.fencingToken, message, 0, report);
      if (outcome) {
        failed.add(task.id);
        report.recoveredTasks.push({ taskId: task.id, workerId: worker.id, state: outcome });
      }
    }
    for (const lock of locks) {
      if (lock.ownerId !== worker.id || failed.has(lock.taskId)) continue;
      const released = await this.store.forceReleaseLock(lock.taskId, {
        actor: this.actor,
        reason: `worker ${worker.id} failed`,
      });
      if (released) report.releasedLocks.push({ taskId: released.taskId, workerId: worker.id, token: released.token });
    }
  }

  /** Running tasks whose lock outran the task timeout while their worker is alive. */
  private async failTimedOutTasks(workers: WorkerRecord[], now: number, report: MonitorReport): Promise<void> {
    const byId = new Map(workers.map((w) => [w.id, w]));
    let expired: Awaited<ReturnType<typeof findExpiredLocks>>;
    try {
      expired = await findExpiredLocks(this.store);
    } catch (thrown) {
      report.errors.push({ subject: "expired locks", message: coerceError(thrown).message });
      return;
    }
    for (const lock of expired) {
      if (report.markedStale.includes(lock.ownerId)) continue;
      const owner = byId.get(lock.ownerId);
      if (lock.reason === "ttl_expired" && owner && isLeaseLive(owner, now)) {
        const message = `timed out after ${lock.timeoutMs} ms on worker ${owner.id}`;
        const outcome = await this.failTask(lock.taskId, lock.token, message, retryDelayMs(lock.attempts), report);
        if (outcome) report.timedOutTasks.push({ taskId: lock.taskId, workerId: owner.id, state: outcome });
      } else if (!owner || FAILED_STATES.includes(owner.state)) {
        // Leftovers of a recovery that was interrupted (the winning monitor crashed midway):
        // failTask is itself conditional, so whoever gets here first finishes the job once.
        const message = `worker ${lock.ownerId} failed (${owner?.state ?? "gone"}); retrying on another worker`;
        const outcome = await this.failTask(lock.taskId, lock.token, message, 0, report);
        if (outcome) report.recoveredTasks.push({ taskId: lock.taskId, workerId: lock.ownerId, state: outcome });
      } else if (lock.reason === "lock_gone" && isLeaseLive(owner, lock.judgedAt)) {
        // The lock went away under a live worker (an operator force-released it): the attempt
        // can no longer complete, so put the task back instead of leaving it running. The lease
        // is judged when the lock was found gone, not at the round's start: an owner whose lease
        // ran out in between is a failed worker, which the next round marks STALE and recovers.
        const message = `lock released while running on worker ${owner.id}; retrying`;
        const outcome = await this.failTask(lock.taskId, lock.token, message, 0, report);
        if (outcome) report.recoveredTasks.push({ taskId: lock.taskId, workerId: owner.id, state: outcome });
      }
    }
  }

  /** The task's new state, or null if it had already moved on (another monitor, or the worker finished). */
  private async failTask(
    taskId: string,
    token: number,
    message: string,
    delayMs: number,
    report: MonitorReport,
  ): Promise<string | null> {
    try {
      const task = await this.store.failTask(taskId, token, { message, retryable: true, retryDelayMs: delayMs });
      return task.state;
    } catch (thrown) {
      if (thrown instanceof StaleFencingTokenError || thrown instanceof IllegalTransitionError) {
        report.lostRaces += 1;
        return null;
      }
      report.errors.push({ subject: `task ${taskId}`, message: coerceError(thrown).message });
      return null;
    }
  }
}
