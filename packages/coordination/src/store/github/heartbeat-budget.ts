import type { WriteBudget } from "./http/write-pacer.js";

const HOUR = 3_600_000;

/**
 * The factor by which a worker's configured heartbeat interval (and with it its lease) is
 * stretched so that `workersOnLogin` workers beating on one token stay within
 * `heartbeatShare` of the login's hourly write budget: interval ≥ 1 h · n / (share · perHour),
 * never below the configured interval. With the defaults (500/h, 40 %) one worker may beat
 * every 18 s, eight every 144 s: at the default 30 s interval and 120 s lease, eight workers
 * on one token beat every 144 s with a 576 s lease.
 */
export function heartbeatStretchFor(
  configuredIntervalMs: number,
  workersOnLogin: number,
  budget: Pick<WriteBudget, "perHour" | "heartbeatShare">,
): number {
  const minIntervalMs = (HOUR * Math.max(1, workersOnLogin)) / (budget.heartbeatShare * budget.perHour);
  return Math.max(1, minIntervalMs / configuredIntervalMs);
}
