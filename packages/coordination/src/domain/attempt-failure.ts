import type { Task } from "./task.js";

/** Longest error text a task keeps; a handler's stack dump must not bloat the store. */
export const MAX_ERROR_CHARS = 4000;

export interface AttemptFailure {
  message: string;
  retryable: boolean;
  /** Delay before the retry, measured on the store's clock from the failure. */
  retryDelayMs: number;
}

export type FailureOutcome = { state: "failed"; error: string; runAt: number } | { state: "dead"; error: string };

/**
 * Retry or dead: a failed attempt is retried at `now + retryDelayMs` while it is retryable
 * and attempts remain (attempts counts the one that just failed), otherwise the task is dead.
 */
export function failureOutcome(
  task: Pick<Task, "attempts" | "maxAttempts">,
  failure: AttemptFailure,
  now: number,
): FailureOutcome {
  const error = failure.message.slice(0, MAX_ERROR_CHARS);
  const retry = failure.retryable && task.attempts < task.maxAttempts;
  return retry ? { state: "failed", error, runAt: now + failure.retryDelayMs } : { state: "dead", error };
}

export function failureEventKind(outcome: FailureOutcome): "task.failed" | "task.dead" {
  return outcome.state === "failed" ? "task.failed" : "task.dead";
}

/**
 * The failure recorded for attempts a lapsed worker incarnation left running when its id is
 * registered again: retryable, with no delay, since the work itself did not fail.
 */
export function lapsedIncarnationFailure(reason: string): AttemptFailure {
  return { message: reason, retryable: true, retryDelayMs: 0 };
}

/** Exponential backoff for retries: base · 2^(attempt-1), capped, with ±20 % jitter. */
export function retryDelayMs(attempt: number, baseMs = 1000, capMs = 5 * 60_000, random = Math.random): number {
  const raw = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}
