import type { Logger } from "pino";
import type { BalancingHistoryRecorder } from "../balancer/balancing-history.js";
import type { MemoryEntry } from "../domain/memory.js";
import { coerceError, IllegalTransitionError, StaleFencingTokenError } from "../errors.js";
import type { HandlerDefinition } from "../handlers/task-handler.js";
import type { MemorySyncManager } from "../memory/memory-sync-manager.js";
import type { WorkerMetrics } from "../observability/worker-metrics.js";
import type { CoordinationStore } from "../store/port.js";
import type { ClaimedTask } from "./claimed-task.js";
import type { CompleteFn } from "./completion-batcher.js";
import { isRetryable, MissingHandlerError, TaskAbortedError } from "./runtime-errors.js";
import { storeResultReleaseLockAndComplete } from "./steps/complete-task.js";
import { loadDependencyResults } from "./steps/dependency-results.js";
import { executeTask } from "./steps/execute-task.js";
import { failClaimedTask } from "./steps/fail-task.js";
import { getContext } from "./steps/get-context.js";
import { writeWithinLease } from "./steps/write-within-lease.js";
import { TaskLogRecorder } from "./task-log-recorder.js";

export interface RunTaskDeps {
  store: CoordinationStore;
  memory: MemorySyncManager;
  handlers: ReadonlyMap<string, HandlerDefinition>;
  metrics: WorkerMetrics;
  log: Logger;
  history: BalancingHistoryRecorder;
  workerId: string;
  /** locking.ttlSeconds in ms: no attempt runs longer, whatever its task says. */
  maxRunMs: number;
  /** The fenced completion (batched where the store supports it; see completion-batcher.ts). */
  complete: CompleteFn;
  /** Outcome writes now retrying after a transient store error (the worker's health shows it). */
  retrying: { outcomeWrites: number };
}

type Outcome = { ok: true; result: unknown } | { ok: false; error: Error };

/**
 * One claimed task from context to its final fenced write. Never throws: every failure ends
 * as a failed/dead task, or — when the store says our token is stale — as a logged
 * "rejected_stale_token" (another worker owns the task now; our result must not count).
 */
export async function runTask(
  deps: RunTaskDeps,
  claim: ClaimedTask,
  signal: AbortSignal,
  sharedGlobal?: Promise<MemoryEntry[]>,
): Promise<void> {
  const { task, lock } = claim;
  const log = deps.log.child({ task_id: task.id });
  const started = performance.now();
  // Per-task success lines are debug: at info they were a measurable share of a busy worker's CPU. Failures stay warn.
  log.debug(
    { action: "task.start", metadata: { type: task.type, attempt: task.attempts, fencing_token: lock.token } },
    "task started",
  );

  const outcome = await attempt(deps, claim, signal, log, sharedGlobal);
  const durationMs = Math.round(performance.now() - started);
  deps.history.record({
    taskType: task.type,
    affinityKey: task.affinityKey,
    workerId: deps.workerId,
    succeeded: outcome.ok,
    durationMs,
  });

  // The outcome is worth writing for as long as the lock can be ours: its TTL, from the claim.
  const deadlineMono = started + (lock.expiresAt - lock.acquiredAt);
  let retrying = false;
  const write = <T>(run: () => Promise<T>) =>
    writeWithinLease(run, {
      deadlineMono,
      onRetry: (error, tries) => {
        deps.metrics.storeErrors.inc({ step: outcome.ok ? "complete" : "fail" });
        if (!retrying) deps.retrying.outcomeWrites += 1;
        retrying = true;
        log.warn(
          {
            action: outcome.ok ? "task.complete" : "task.fail",
            result: "retrying",
            metadata: { error: error.message, tries },
          },
          "could not record the task's outcome yet; retrying within the lock's TTL",
        );
      },
    }).finally(() => {
      if (retrying) deps.retrying.outcomeWrites -= 1;
      retrying = false;
    });

  try {
    if (outcome.ok) {
      await write(() => storeResultReleaseLockAndComplete(deps.complete, claim, outcome.result));
      deps.metrics.tasksProcessed.inc({ type: task.type });
      deps.metrics.taskDuration.observe({ type: task.type, result: "succeeded" }, durationMs / 1000);
      log.debug(
        {
          action: "task.complete",
          result: "succeeded",
          duration_ms: durationMs,
          metadata: { fencing_token: lock.token },
        },
        "task succeeded",
      );
      return;
    }
    const aborted = outcome.error instanceof TaskAbortedError;
    const failed = await write(() => failClaimedTask(deps.store, claim, outcome.error, { immediate: aborted }));
    const retryable = isRetryable(outcome.error);
    deps.metrics.tasksFailed.inc({ type: task.type, retryable: String(retryable) });
    deps.metrics.taskDuration.observe({ type: task.type, result: "failed" }, durationMs / 1000);
    log.warn(
      {
        action: "task.fail",
        result: failed.state,
        duration_ms: durationMs,
        metadata: {
          error: outcome.error.message,
          retryable,
          attempt: task.attempts,
          max_attempts: task.maxAttempts,
          run_at: failed.runAt,
        },
      },
      failed.state === "dead" ? "task dead" : "task failed, retry scheduled",
    );
  } catch (thrown) {
    const error = coerceError(thrown);
    // The log fields of an outcome the store did not take, whatever the reason.
    const notRecorded = (result: string, metadata: Record<string, unknown>) => ({
      action: outcome.ok ? "task.complete" : "task.fail",
      result,
      duration_ms: durationMs,
      metadata,
    });
    if (error instanceof StaleFencingTokenError) {
      deps.metrics.staleTokenRejections.inc({ reason: "stale_token" });
      log.warn(
        notRecorded("rejected_stale_token", { presented: error.presented, current: error.current }),
        "store rejected our stale fencing token; another attempt owns the task",
      );
      // Recorded so the task's timeline shows the refused write next to the attempt that won.
      await deps.store
        .appendEvent({
          kind: "task.write_rejected",
          taskId: task.id,
          workerId: deps.workerId,
          actor: deps.workerId,
          data: { attempted: outcome.ok ? "complete" : "fail", presented: error.presented, current: error.current },
        })
        .catch((thrown) =>
          log.warn(
            { action: "task.write_rejected", result: "not_recorded", metadata: { error: coerceError(thrown).message } },
            "could not record the rejected write",
          ),
        );
    } else if (error instanceof IllegalTransitionError) {
      // A monitor (our lease lapsed) or an operator already moved the task out of running under
      // this same token; our outcome must not count.
      deps.metrics.staleTokenRejections.inc({ reason: "not_running" });
      log.warn(
        notRecorded("rejected_not_running", { error: error.message }),
        "task is no longer running under our attempt; outcome discarded",
      );
    } else {
      deps.metrics.storeErrors.inc({ step: outcome.ok ? "complete" : "fail" });
      // Our lock lapses by its TTL or with our lease, and the monitor requeues the task.
      log.error(notRecorded("store_error", { error: error.message }), "could not record the task's outcome");
    }
    if (claim.handle.state === "ACQUIRED" || claim.handle.state === "EXECUTING") claim.handle.markReleased();
  }
}

async function attempt(
  deps: RunTaskDeps,
  claim: ClaimedTask,
  signal: AbortSignal,
  log: Logger,
  sharedGlobal?: Promise<MemoryEntry[]>,
): Promise<Outcome> {
  try {
    const handler = deps.handlers.get(claim.task.type);
    if (!handler) throw new MissingHandlerError(claim.task.type);
    const memory = await getContext(deps.memory, claim.task, sharedGlobal);
    const dependencies = await loadDependencyResults(deps.store, claim.task);
    claim.handle.markExecuting();
    const taskLog = recorderFor(deps.store, claim, log);
    try {
      const result = await executeTask({
        claim,
        handler,
        memory,
        dependencies,
        log,
        taskLog,
        signal,
        timeoutMs: Math.min(claim.task.timeoutMs, deps.maxRunMs),
      });
      return { ok: true, result };
    } finally {
      // The last lines reach the store before the outcome does (the task is still running then).
      await taskLog.close();
    }
  } catch (thrown) {
    return { ok: false, error: coerceError(thrown) };
  }
}

/** A write that fails loses only its lines (counted); it is logged, never an error of the attempt. */
function recorderFor(store: CoordinationStore, claim: ClaimedTask, log: Logger): TaskLogRecorder {
  return new TaskLogRecorder({
    write: (batch, final) => store.appendTaskLog(claim.task.id, claim.lock.token, batch, { final }),
    flushMs: store.taskLogFlushMs,
    onError: (error) =>
      log.warn(
        { action: "task.log", result: "not_recorded", metadata: { error: error.message } },
        "could not store task log lines",
      ),
  });
}
