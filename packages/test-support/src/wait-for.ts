export interface WaitForOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between two checks (default 25 ms). */
  intervalMs?: number;
  /** What is awaited, for the error message. */
  what?: string;
}

/**
 * Polls `check` until it returns a truthy value and resolves with that value; rejects after
 * the deadline with the last value seen. Tests await a condition with it instead of sleeping
 * a fixed time and hoping the condition holds by then. A number is the timeout in ms.
 */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  options: WaitForOptions | number = {},
): Promise<NonNullable<T>> {
  const {
    timeoutMs = 10_000,
    intervalMs = 25,
    what = "condition",
  } = typeof options === "number" ? { timeoutMs: options } : options;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const last = await check();
    if (last) return last as NonNullable<T>;
    if (performance.now() > deadline)
      throw new Error(`${what} not met within ${timeoutMs} ms (last: ${JSON.stringify(last)?.slice(0, 500)})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
