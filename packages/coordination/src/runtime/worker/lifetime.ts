import type { IdleClock } from "./idle-clock.js";
import type { WorkerCore } from "./worker-core.js";

export interface LifetimeLimits {
  stop(): void;
}

/**
 * How often the limits are checked at most; each limit is also checked at a quarter of its
 * length, so a limit is acted on within a quarter of itself (a check that fires a hair before
 * the limit must not push the drain a whole interval later).
 */
const CHECK_INTERVAL_MS = 1000;

/**
 * "Run until idle" and "maximum run time" (config `lifetime`). Either one starts the ordinary
 * drain: no new claims, running tasks finish and are recorded, the worker deregisters, so a
 * worker that ends this way loses nothing. Idle means no task running or ending, and every
 * claim cycle finding nothing, for the whole period (see IdleClock); the times are this
 * process's own, as they only decide when it leaves.
 * Returns null when neither limit is set.
 */
export function startLifetimeLimits(
  core: WorkerCore,
  idleClock: IdleClock,
  drain: () => Promise<void>,
): LifetimeLimits | null {
  const { status, running, log } = core;
  const { exitWhenIdleSeconds, maxRunSeconds } = core.config.lifetime;
  if (exitWhenIdleSeconds === null && maxRunSeconds === null) return null;
  const startedAt = performance.now();
  const idleMs = exitWhenIdleSeconds === null ? null : exitWhenIdleSeconds * 1000;
  const maxRunMs = maxRunSeconds === null ? null : maxRunSeconds * 1000;

  const leave = (reason: "idle" | "max_run_time", message: string) => {
    clearInterval(timer);
    log.info({ action: "lifetime", result: reason, metadata: { running: running.size } }, message);
    void drain();
  };
  const check = () => {
    if (status.state !== "ready") return;
    const now = performance.now();
    if (maxRunMs !== null && now - startedAt >= maxRunMs) {
      leave("max_run_time", `ran for ${maxRunSeconds} s (lifetime.maxRunSeconds): draining`);
      return;
    }
    const idleFor = Math.min(idleClock.idleForMs(now), now - Math.max(startedAt, running.lastActivityAt));
    if (idleMs !== null && running.size === 0 && idleFor >= idleMs) {
      leave("idle", `no task for ${exitWhenIdleSeconds} s (lifetime.exitWhenIdleSeconds): draining`);
    }
  };
  const timer = setInterval(
    check,
    Math.min(CHECK_INTERVAL_MS, ...[idleMs, maxRunMs].map((ms) => (ms ?? Infinity) / 4)),
  );
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
