import type { Task } from "../../../domain/task.js";
import type { AttemptEnd } from "../records/record-schemas.js";

const MAX_ERROR_CHARS = 4000;

export interface AttemptFailure {
  message: string;
  retryable: boolean;
  retryDelayMs: number;
}

/** How a failed attempt ends: retried at `runAt` while attempts remain, otherwise dead. */
export function failureEnd(task: Task, failure: AttemptFailure, now: number): AttemptEnd {
  const error = failure.message.slice(0, MAX_ERROR_CHARS);
  const retry = failure.retryable && task.attempts < task.maxAttempts;
  return retry
    ? { state: "failed", at: now, error, runAt: now + failure.retryDelayMs }
    : { state: "dead", at: now, error };
}
