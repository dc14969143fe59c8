/**
 * SQLITE_BUSY policy. Many processes share one file and SQLite admits one writer at a time.
 * `busy_timeout` lets SQLite wait for the write lock itself, but its busy handler is unfair
 * (a process can lose every race and starve past the timeout) and some lock states return
 * SQLITE_BUSY without calling it at all. So every transition is also retried here, a bounded
 * number of times and for a bounded time, after a jittered, growing pause that lets the event loop run (heartbeats,
 * timers) and breaks lock-step between processes. A transition rolled back on BUSY had no
 * effect, so retrying it is safe.
 */
export const BUSY_RETRY_ATTEMPTS = 12;
/**
 * …and for at least this long. Workers and the control plane keep busy_timeout short (it
 * blocks their event loop), so the attempts alone would give up after 2–3 s; a write lock of
 * several seconds (a long transaction, a migration, a backup) is waited out here instead.
 */
export const BUSY_RETRY_MIN_MS = 10_000;

/**
 * better-sqlite3's error, or one wrapping it: drizzle rethrows a failed query as a
 * DrizzleQueryError whose `cause` is the driver's error (the migrator and every drizzle-built
 * query), so the chain is followed a few links deep.
 */
export function isBusyError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Full jitter over an exponential ceiling: 5 ms, 10 ms, … capped at 250 ms. */
export function busyBackoffMs(attempt: number, random = Math.random): number {
  return Math.round(random() * Math.min(250, 5 * 2 ** attempt));
}

export async function retryWhenBusy<T>(run: () => T): Promise<T> {
  const startedAt = performance.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return run();
    } catch (error) {
      const spent = attempt >= BUSY_RETRY_ATTEMPTS && performance.now() - startedAt >= BUSY_RETRY_MIN_MS;
      if (!isBusyError(error) || spent) throw error;
      await new Promise((resolve) => setTimeout(resolve, busyBackoffMs(attempt)));
    }
  }
}

/** The same policy for the synchronous open path (pragmas, migrations), which cannot await. */
export function retryWhenBusySync<T>(run: () => T): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return run();
    } catch (error) {
      if (!isBusyError(error) || attempt >= BUSY_RETRY_ATTEMPTS) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, busyBackoffMs(attempt));
    }
  }
}
