import { retryDelayMs } from "../../domain/attempt-failure.js";
import type { Task } from "../../domain/task.js";
import type { CoordinationStore } from "../../store/port.js";
import type { ClaimedTask } from "../claimed-task.js";
import { isRetryable } from "../runtime-errors.js";
import { releaseLockHandle } from "./complete-task.js";

export interface FailTaskOptions {
  /** Retry right away (the worker gave the task up, e.g. forced shutdown) instead of backing off. */
  immediate?: boolean;
  random?: () => number;
}

/**
 * Failure path: the store moves running → failed (retry at store-now + exponential backoff)
 * or → dead (not retryable, or attempts exhausted), fenced, and releases the lock.
 */
export async function failClaimedTask(
  store: CoordinationStore,
  claim: ClaimedTask,
  error: Error,
  opts: FailTaskOptions = {},
): Promise<Task> {
  const retryable = isRetryable(error);
  const delay = opts.immediate ? 0 : retryDelayMs(claim.task.attempts, undefined, undefined, opts.random);
  const failed = await store.failTask(claim.task.id, claim.lock.token, {
    message: error.message,
    retryable,
    retryDelayMs: delay,
  });
  releaseLockHandle(claim);
  return failed;
}
