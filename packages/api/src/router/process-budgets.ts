import {
  budgetRunway,
  GITHUB_RATE_LIMITS,
  type WorkerBudget,
  type WorkerMetrics,
  workerMetricsSchema,
} from "@sentinel/coordination";
import type { CacheDb } from "../cache/open-cache.js";
import { readSyncNumber, readSyncValue } from "../cache/sync-state.js";
import { readWorkerMetrics } from "../cache/worker-metrics-rows.js";
import { parseSavedRefusals } from "../sync/store-trust.js";

const budgetSchema = workerMetricsSchema.shape.budget;

function withRunway(budget: WorkerBudget | null, now: number) {
  return budget ? { ...budget, runway: budgetRunway(budget.primary, now) } : null;
}

function controlPlaneBudget(db: CacheDb): WorkerBudget | null {
  const text = readSyncValue(db, "control_plane_budget");
  if (text === null) return null;
  const parsed = budgetSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

function controlPlaneRefusals(db: CacheDb): WorkerMetrics["refused"] {
  const saved = parseSavedRefusals(readSyncValue(db, "github_refusals"));
  if (!saved) return null;
  const byReason: Record<string, number> = {};
  for (const { reason, count } of saved.refusedBy) byReason[reason] = (byReason[reason] ?? 0) + count;
  return { total: saved.refused, byReason };
}

/**
 * Every process's budget and health as last reported: each listed worker's metrics (its
 * heartbeat's rollup, see coordination's WorkerMetrics) and the control plane's own, with how
 * long the token's primary budget lasts at the rate spent so far in its window.
 */
export function processBudgets(db: CacheDb, workerIds: readonly string[], now: number) {
  const metrics = readWorkerMetrics(db, workerIds);
  return {
    now,
    limits: GITHUB_RATE_LIMITS,
    controlPlane: {
      budget: withRunway(controlPlaneBudget(db), now),
      refused: controlPlaneRefusals(db),
      clockOffsetMs: Math.round(readSyncNumber(db, "store_clock_offset_ms")),
    },
    workers: workerIds.flatMap((workerId) => {
      const published = metrics.get(workerId);
      if (!published) return [];
      const { budget, ...rest } = published.metrics;
      return [
        {
          workerId,
          reportedAt: published.reportedAt,
          ageMs: Math.max(0, now - published.reportedAt),
          ...rest,
          budget: withRunway(budget, now),
        },
      ];
    }),
  };
}
