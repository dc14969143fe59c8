export type TickResult = "busy" | "idle" | "full" | "paused";

export interface PollWatch {
  /** Whether anything may have changed since the previous call; must be cheap (no claim query). */
  changed: () => Promise<boolean>;
  intervalMs: number;
  /**
   * Optional push hint that something may have changed (the store's `watchChanges`): while
   * the loop is idle it checks `changed` on a hint instead of at the next interval. Subscribed
   * once, from start to stop (SQLite opens a directory watcher per subscription, too costly to
   * open every idle period); hints outside an idle wait are ignored.
   */
  subscribe?: (onHint: () => void) => () => void;
}

/** A hint can arrive just before the commit it announces is visible; one re-check this much later catches it. */
const HINT_RECHECK_MS = 1;
/**
 * Every commit by any other process is a hint; a busy neighbour would turn each one into a
 * claim poll. A hint is acted on at once, but each hinted poll that finds nothing doubles the
 * time the next hint waits after the previous poll began (1, 2, 4 … ms) up to this; a poll
 * that claims work resets it. Work arriving at an idle worker is claimed within a millisecond
 * or two, and a neighbour's stream of commits costs at most one poll per this interval.
 */
export const HINT_POLL_FLOOR_MS = 20;

export interface PollLoopOptions {
  tick: () => Promise<TickResult>;
  busyIntervalMs: number;
  idleIntervalMs: number;
  maxBackoffMs: number;
  onError: (error: unknown, consecutive: number) => void;
  /**
   * While idle, check for changes every `intervalMs` and poll at once when there are any, so
   * new work is seen within tens of ms although the idle poll runs only every idleIntervalMs.
   */
  watch?: PollWatch;
  /** Without a watch: keep polling at the busy interval for this long after the last claim (default 0). */
  lingerMs?: number;
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
 * struggling store is not hammered. When idle, a cheap change watch (if the store has one)
 * wakes the loop for new work in between the slow polls. The timers only schedule; nothing
 * here judges time.
 */
export function createPollLoop(opts: PollLoopOptions): PollLoop {
  const random = opts.random ?? Math.random;
  const lingerMs = opts.lingerMs ?? 0;
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let immediate: NodeJS.Immediate | null = null;
  let watchTimer: NodeJS.Timeout | null = null;
  let hintTimer: NodeJS.Timeout | null = null;
  /** The watch while the loop waits idle (hints count only then). */
  let idleWatch: PollWatch | null = null;
  let lastPollAt = Number.NEGATIVE_INFINITY;
  /** Hinted polls in a row that claimed nothing (see HINT_POLL_FLOOR_MS). */
  let fruitlessHintedPolls = 0;
  /** A hint's check found a change: the poll it starts counts as hinted. */
  let hintedSincePoll = false;
  let pollWasHinted = false;
  let unsubscribe: (() => void) | null = null;
  let current: Promise<void> | null = null;
  let nudged = false;
  let errors = 0;
  let lastWorkAt = Number.NEGATIVE_INFINITY;

  const stopWatching = () => {
    if (watchTimer) clearTimeout(watchTimer);
    if (hintTimer) clearTimeout(hintTimer);
    watchTimer = null;
    hintTimer = null;
    idleWatch = null;
  };

  const clearTimer = () => {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = null;
    immediate = null;
  };

  // "At once" is setImmediate: a 0 ms setTimeout waits at least 1 ms, a whole claim cycle's worth of work.
  const schedule = (ms: number) => {
    if (!running) return;
    clearTimer();
    if (ms <= 0) immediate = setImmediate(run);
    else timer = setTimeout(run, ms);
  };

  // One check of the watch: poll at once if something changed, else wait `retryMs` (the interval, or a hint's re-check).
  const check = (watch: PollWatch, retryMs: number, hinted = false) => {
    if (watchTimer) clearTimeout(watchTimer);
    watchTimer = null;
    void watch.changed().then(
      (changed) => {
        if (!running || current || !timer) return;
        if (changed) {
          hintedSincePoll ||= hinted;
          schedule(0);
        } else if (!watchTimer) watchSoon(watch, retryMs);
      },
      // A failing watch is no reason to stop polling: the idle poll still runs and reports the error.
      () => undefined,
    );
  };

  const watchSoon = (watch: PollWatch, ms = watch.intervalMs) => {
    idleWatch = watch;
    watchTimer = setTimeout(() => check(watch, watch.intervalMs), ms);
  };

  const hintFloorMs = () =>
    fruitlessHintedPolls === 0 ? 0 : Math.min(HINT_POLL_FLOOR_MS, 2 ** (fruitlessHintedPolls - 1));

  // Hints arriving while a hinted check is pending are one: it runs after the floor anyway.
  const onHint = () => {
    const watch = idleWatch;
    if (!watch || hintTimer) return;
    const wait = lastPollAt + hintFloorMs() - performance.now();
    if (wait <= 0) {
      check(watch, HINT_RECHECK_MS, true);
      return;
    }
    hintTimer = setTimeout(() => {
      hintTimer = null;
      if (idleWatch === watch) check(watch, HINT_RECHECK_MS, true);
    }, wait);
  };

  const afterTick = (result: TickResult): number => {
    errors = 0;
    if (result === "busy") {
      lastWorkAt = performance.now();
      fruitlessHintedPolls = 0;
    } else if (result === "idle" && pollWasHinted) fruitlessHintedPolls = Math.min(fruitlessHintedPolls + 1, 16);
    if (nudged) return 0;
    if (result === "busy") return opts.busyIntervalMs;
    if (result === "idle" && performance.now() - lastWorkAt < lingerMs) return opts.busyIntervalMs;
    return opts.idleIntervalMs;
  };

  const run = () => {
    timer = null;
    immediate = null;
    stopWatching();
    if (!running || current) return;
    nudged = false;
    lastPollAt = performance.now();
    pollWasHinted = hintedSincePoll;
    hintedSincePoll = false;
    let watchAfter = false;
    // Started a microtask later, so `current` is set before the tick's first line: a nudge from inside it counts.
    current = Promise.resolve()
      .then(opts.tick)
      .then(
        (result) => {
          watchAfter = result === "idle";
          return afterTick(result);
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
        if (!watchAfter || !opts.watch) return;
        // Hints count whenever the loop waits idle; the marker is checked on its own interval
        // only if that comes before the idle poll (Postgres asks for both at 1 s).
        if (next > opts.watch.intervalMs) watchSoon(opts.watch);
        else idleWatch = opts.watch;
      });
  };

  return {
    start() {
      if (running) return;
      running = true;
      unsubscribe = opts.watch?.subscribe?.(onHint) ?? null;
      schedule(0);
    },
    nudge() {
      if (!running) return;
      if (current) nudged = true;
      else if (errors === 0) schedule(0);
    },
    async stop() {
      running = false;
      clearTimer();
      stopWatching();
      unsubscribe?.();
      unsubscribe = null;
      await current;
    },
  };
}
