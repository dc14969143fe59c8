import { ALERT_CODES } from "@sentinel/coordination";
import { Gauge, Histogram, type Registry } from "prom-client";
import { currentAlerts } from "../alerts/current-alerts.js";
import { attemptRunTimesAfter } from "../cache/attempt-run-times.js";
import { queueStatsByType, type TypeQueueStats } from "../cache/queue-stats.js";
import type { ControlPlaneCore } from "../context.js";

/** Run-time buckets in seconds: from sub-second demo tasks to the 24 h task timeout's order. */
const RUN_TIME_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
/** Attempts observed per scrape at most, so a first scrape of a long history stays short; the rest follow next scrape. */
const RUN_TIMES_PER_SCRAPE = 50_000;
/** Emptied types remembered for their 0 series; beyond this many, only current ones are reported. */
const MAX_TYPES_KEPT = 1_000;

/** Per task type: waiting tasks, the oldest one's wait, finished attempts' run times; and each alert rule's state. */
export function registerQueueAndAlertMetrics(registry: Registry, core: ControlPlaneCore): void {
  const db = core.cache.db;
  // One grouped index scan per gauge and scrape.
  const stats = () => queueStatsByType(db, core.syncer.storeNow());
  // A type whose queue emptied reports 0 instead of vanishing (a vanished series reads as "no data" on a dashboard).
  const seenTypes = new Set<string>();
  const byType = (value: (s: TypeQueueStats) => number) => {
    const current = new Map(stats().map((s) => [s.type, value(s)]));
    for (const type of current.keys()) if (seenTypes.size < MAX_TYPES_KEPT) seenTypes.add(type);
    return [...new Set([...seenTypes, ...current.keys()])].map((type) => ({ type, value: current.get(type) ?? 0 }));
  };

  new Gauge({
    name: "sentinel_queue_depth_by_type",
    help: "Tasks waiting to run (queued or awaiting retry), per task type",
    labelNames: ["type"],
    registers: [registry],
    collect() {
      this.reset();
      for (const { type, value } of byType((s) => s.waiting)) this.set({ type }, value);
    },
  });
  new Gauge({
    name: "sentinel_queue_oldest_age_seconds",
    help: "Seconds since the longest-waiting due task of each type became due (store clock)",
    labelNames: ["type"],
    registers: [registry],
    collect() {
      this.reset();
      for (const { type, value } of byType((s) => s.oldestDueMs / 1000)) this.set({ type }, value);
    },
  });

  new Gauge({
    name: "sentinel_alert_firing",
    help: "1 while an alert rule's condition holds (any subject), else 0; per rule",
    labelNames: ["rule"],
    registers: [registry],
    collect() {
      const firing = new Set(currentAlerts(core).map((a) => a.code));
      for (const rule of ALERT_CODES) this.set({ rule }, firing.has(rule) ? 1 : 0);
    },
  });

  let lastEventId = 0;
  new Histogram({
    name: "sentinel_task_run_seconds",
    help: "Run time of finished task attempts (start to outcome, store clock), per task type and outcome",
    labelNames: ["type", "outcome"],
    buckets: RUN_TIME_BUCKETS,
    registers: [registry],
    collect() {
      for (const attempt of attemptRunTimesAfter(db, lastEventId, RUN_TIMES_PER_SCRAPE)) {
        lastEventId = attempt.eventId;
        // An outcome whose start the cache never saw (history before the cache's horizon) has no run time.
        if (attempt.durationMs >= 0)
          this.observe({ type: attempt.type, outcome: attempt.outcome }, attempt.durationMs / 1000);
      }
    },
  });
}
