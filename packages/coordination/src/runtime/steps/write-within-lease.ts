import { coerceError, SentinelError } from "../../errors.js";

export interface WriteWithinLeaseOptions {
  /** performance.now() after which no further try starts: the lock's TTL, counted from the claim. */
  deadlineMono: number;
  /** Called before each retry (after a transient failure) with the error that caused it. */
  onRetry?: (error: Error, attempt: number) => void;
  random?: () => number;
}

/** First pause after a transient failure; doubles per try up to MAX_PAUSE_MS (full jitter). */
const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 2000;

/**
 * A store's typed answer (stale token, illegal transition, lost lease, bad input) is a decision
 * and final. Anything else — SQLite busy past its own retries, an HTTP 5xx or a dropped
 * connection — said nothing about the task, so trying again is safe: the write is fenced and
 * takes effect at most once.
 */
export function isTransientWriteError(error: unknown): boolean {
  return !(error instanceof SentinelError);
}

/**
 * Writes a task's outcome (completion or failure), retrying transient store errors with
 * backoff for as long as the lock can still be ours. Past the deadline the lock's TTL has run
 * out (by our clock, which only schedules: the store's fence decides), so the last error is
 * thrown and the task is left to the monitor.
 */
export async function writeWithinLease<T>(write: () => Promise<T>, opts: WriteWithinLeaseOptions): Promise<T> {
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (thrown) {
      const error = coerceError(thrown);
      const pause = Math.round(random() * Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (attempt - 1)));
      if (!isTransientWriteError(error) || performance.now() + pause >= opts.deadlineMono) throw error;
      opts.onRetry?.(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
