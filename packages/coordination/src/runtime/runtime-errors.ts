import { SentinelError, ValidationError } from "../errors.js";
import { UnrecoverableTaskError } from "../handlers/unrecoverable-error.js";

/** The attempt outran its time limit (task.timeoutMs, capped by locking.ttlSeconds). */
export class TaskTimeoutError extends SentinelError {
  readonly code = "TASK_TIMEOUT";
  constructor(
    readonly taskId: string,
    readonly timeoutMs: number,
  ) {
    super(`task ${taskId} timed out after ${timeoutMs} ms`);
  }
}

/** The worker stopped the attempt: lease lost, task superseded, or forced shutdown. */
export class TaskAbortedError extends SentinelError {
  readonly code = "TASK_ABORTED";
}

/** No handler on this worker for the task's type (a claim filter bug or a config change). */
export class MissingHandlerError extends SentinelError {
  readonly code = "MISSING_HANDLER";
  constructor(readonly taskType: string) {
    super(`this worker has no handler for task type ${taskType}`);
  }
}

/** Invalid params and explicit unrecoverable errors go straight to dead; everything else is retried. */
export function isRetryable(error: Error): boolean {
  return !(error instanceof ValidationError || error instanceof UnrecoverableTaskError);
}

/** start() on a worker that is not new: a worker runs its lifecycle once. */
export class WorkerAlreadyStartedError extends SentinelError {
  readonly code = "WORKER_ALREADY_STARTED";
  constructor(
    readonly workerId: string,
    readonly state: string,
  ) {
    super(`worker ${workerId} was already started (state ${state})`);
  }
}

/** The registry already holds distributed.registry.maxWorkers live workers besides this one. */
export class ClusterFullError extends SentinelError {
  readonly code = "CLUSTER_FULL";
  constructor(
    readonly live: number,
    readonly max: number,
  ) {
    super(`cluster already has ${live} live workers (distributed.registry.maxWorkers = ${max})`);
  }
}

/** Start-up waited startup.timeoutMs for a store that kept answering with transient errors. */
export class StartTimeoutError extends SentinelError {
  readonly code = "START_TIMEOUT";
  constructor(
    readonly step: string,
    readonly timeoutMs: number,
    cause: unknown,
  ) {
    super(
      `store still unavailable during ${step} after ${timeoutMs} ms (startup.timeoutMs / SENTINEL_START_TIMEOUT_MS): ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
}

/** The worker was told to stop while its start-up still waited for the store. */
export class StartAbortedError extends SentinelError {
  readonly code = "START_ABORTED";
  constructor(readonly step: string) {
    super(`stopped during ${step}, before the store became available`);
  }
}
