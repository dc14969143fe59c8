import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { transientStoreError } from "../../store/transient-store-error.js";
import { StartAbortedError, StartTimeoutError } from "../runtime-errors.js";

export interface StartRetryOptions {
  log: Logger;
  /** startup.timeoutMs (SENTINEL_START_TIMEOUT_MS): the whole start-up's budget for waiting, shared by its steps. */
  timeoutMs: number;
  /** Aborted when the worker is told to stop while it still waits for the store. */
  signal: AbortSignal;
  random?: () => number;
}

/** Runs one start-up step, retrying it while the store answers with transient errors. */
export type StartRetry = <T>(step: string, run: () => Promise<T>) => Promise<T>;

/** First pause after a transient error; doubles per attempt up to MAX_PAUSE_MS. */
const FIRST_PAUSE_MS = 500;
const MAX_PAUSE_MS = 15_000;

/**
 * Start-up steps that talk to the store (connect, register) wait out a store that is briefly
 * unavailable — a 5xx burst, a rate limit, a dropped connection, a database write-locked by
 * another process — instead of exiting, so a worker started during a blip comes up when the
 * store does. Permanent errors (bad credentials, unknown repository, refused configuration)
 * are thrown at once. Returns a runner whose calls share one deadline.
 */
export function startRetry(opts: StartRetryOptions): StartRetry {
  const random = opts.random ?? Math.random;
  const deadline = performance.now() + opts.timeoutMs;
  let attempt = 0;
  return async (step, run) => {
    for (;;) {
      try {
        return await run();
      } catch (thrown) {
        const transient = transientStoreError(thrown);
        if (!transient) throw thrown;
        if (opts.signal.aborted) throw new StartAbortedError(step);
        // Past the budget, or told to wait longer than what is left of it: give up with the last error.
        const remaining = deadline - performance.now();
        if (remaining <= 0 || transient.waitAtLeastMs > remaining)
          throw opts.timeoutMs === 0 ? thrown : new StartTimeoutError(step, opts.timeoutMs, thrown);
        attempt += 1;
        // Equal jitter: at least half the exponential step, so processes started together spread out but still wait.
        const ceiling = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (attempt - 1));
        const jittered = Math.round(ceiling / 2 + (random() * ceiling) / 2);
        const pause = Math.min(remaining, Math.max(transient.waitAtLeastMs, jittered));
        const nextAttempt = new Date(Date.now() + pause).toISOString();
        opts.log.warn(
          {
            action: "start",
            result: "waiting",
            metadata: { step, cause: transient.cause, attempt, next_attempt: nextAttempt },
          },
          `store unavailable during ${step} (${transient.cause}); next attempt at ${nextAttempt}`,
        );
        // A stop ends the wait (and the start); a stop while the store answers lets the start finish, as before.
        await sleep(pause, undefined, { signal: opts.signal }).catch(() => undefined);
        if (opts.signal.aborted) throw new StartAbortedError(step);
      }
    }
  };
}
