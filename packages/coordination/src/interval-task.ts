export interface IntervalTask {
  /** Run now (and restart the interval); concurrent calls share the run in progress. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

export interface IntervalTaskOptions {
  /** First run at once instead of after one interval. */
  runImmediately?: boolean;
  /** Let the process exit while only this timer is pending (background housekeeping). */
  unref?: boolean;
}

/**
 * `fn` every `intervalMs` after the previous run finished; never overlapping. Errors are fn's
 * to handle. A function interval is re-read before each wait (a store may adapt the cadence).
 */
export function startIntervalTask(
  fn: () => Promise<void>,
  intervalMs: number | (() => number),
  options: IntervalTaskOptions = {},
): IntervalTask {
  const delay = typeof intervalMs === "number" ? () => intervalMs : intervalMs;
  let running = true;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  const wait = (ms: number) => {
    timer = setTimeout(() => void run(), ms);
    if (options.unref) timer.unref();
  };

  const run = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    current ??= fn().finally(() => {
      current = null;
      if (running) wait(delay());
    });
    return current;
  };
  wait(options.runImmediately ? 0 : delay());

  return {
    runNow: run,
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await current;
    },
  };
}
