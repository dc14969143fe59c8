export type TickResult = "busy" | "idle" | "full" | "paused";

export interface PollLoopOptions {
  tick: () => Promise<TickResult>;
  busyIntervalMs: number;
  idleIntervalMs: number;
  maxBackoffMs: number;
  onError: (error: unknown, consecutive: number) => void;
  random?: () => number;
}

export interface PollLoop {
  start(): void;
  /** Run a tick soon (a slot freed up, the worker resumed). */
  nudge(): void;
  /** Stop scheduling; resolves once the tick in progress (if any) is done. */
  stop(): Promise<void>;
}

/**
 * graphile-worker's loop shape: poll quickly while work keeps coming, slowly when idle, wait
 * for a nudge when full, and back off exponentially (with jitter) on consecutive errors so a
 * struggling store is not hammered. The timers only schedule; nothing here judges time.
 */
export function createPollLoop(opts: PollLoopOptions): PollLoop {
  const random = opts.random ?? Math.random;
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let nudged = false;
  let errors = 0;

  const schedule = (ms: number) => {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, ms);
  };

  const run = () => {
    timer = null;
    if (!running || current) return;
    nudged = false;
    current = opts
      .tick()
      .then(
        (result) => {
          errors = 0;
          return nudged ? 0 : result === "busy" ? opts.busyIntervalMs : opts.idleIntervalMs;
        },
        (error: unknown) => {
          errors += 1;
          opts.onError(error, errors);
          const backoff = Math.min(opts.maxBackoffMs, opts.idleIntervalMs * 2 ** (errors - 1));
          return Math.round(backoff * (0.5 + random() * 0.5));
        },
      )
      .then((next) => {
        current = null;
        schedule(next);
      });
  };

  return {
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    nudge() {
      if (!running) return;
      if (current) nudged = true;
      else if (errors === 0) schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await current;
    },
  };
}
