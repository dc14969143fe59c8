import { ACCEPTING_STATES, isLeaseLive, WORKER_STATES, type WorkerRecord, type WorkerState } from "@sentinel/coordination";
import { z } from "zod";
import { readBudget, type BudgetRow } from "../cache/budget.js";
import { taskStateCounts, waitingTypes } from "../cache/task-queries.js";
import { throughputSeries } from "../cache/throughput.js";
import { listCachedWorkers } from "../cache/worker-queries.js";
import { createTRPCRouter, viewerProcedure } from "../trpc.js";

export interface Alert {
  severity: "warning" | "critical";
  code: "no_worker_for_type" | "stale_workers" | "no_live_workers" | "budget_low" | "sync_error";
  message: string;
  subject: string | null;
}

const BUDGET_LOW_FRACTION = 0.1;

function liveAccepting(workers: WorkerRecord[], now: number): WorkerRecord[] {
  return workers.filter((w) => ACCEPTING_STATES.includes(w.state) && isLeaseLive(w, now));
}

export function computeAlerts(input: { workers: WorkerRecord[]; now: number; waiting: Array<{ type: string; n: number }>; budget: BudgetRow[]; syncError: string | null }): Alert[] {
  const alerts: Alert[] = [];
  const live = liveAccepting(input.workers, input.now);
  const waitingTotal = input.waiting.reduce((sum, w) => sum + w.n, 0);
  if (live.length === 0 && waitingTotal > 0) {
    alerts.push({ severity: "critical", code: "no_live_workers", message: `${waitingTotal} task(s) waiting and no live worker`, subject: null });
  }
  for (const { type, n } of input.waiting) {
    if (live.length > 0 && !live.some((w) => w.supportedTaskTypes.includes(type))) {
      alerts.push({ severity: "critical", code: "no_worker_for_type", message: `no live worker supports type ${type} (${n} task(s) waiting)`, subject: type });
    }
  }
  const stale = input.workers.filter((w) => w.state === "STALE");
  if (stale.length > 0) {
    alerts.push({ severity: "warning", code: "stale_workers", message: `${stale.length} stale worker(s): ${stale.map((w) => w.id).join(", ")}`, subject: null });
  }
  for (const row of input.budget) {
    if (row.remaining !== null && row.limit && row.remaining < row.limit * BUDGET_LOW_FRACTION) {
      alerts.push({ severity: "warning", code: "budget_low", message: `GitHub ${row.kind} budget low: ${row.remaining}/${row.limit} left`, subject: row.kind });
    }
  }
  if (input.syncError) alerts.push({ severity: "warning", code: "sync_error", message: `syncer: ${input.syncError}`, subject: null });
  return alerts;
}

export const overviewRouter = createTRPCRouter({
  get: viewerProcedure.input(z.object({ windowMinutes: z.number().int().min(1).max(24 * 60).default(60) }).default({ windowMinutes: 60 })).query(({ ctx, input }) => {
    const now = ctx.syncer.storeNow();
    const workers = listCachedWorkers(ctx.cache.db).filter((w) => w.state !== "REMOVED");
    const byState = Object.fromEntries(WORKER_STATES.map((s) => [s, 0])) as Record<WorkerState, number>;
    for (const w of workers) byState[w.state] += 1;
    const leased = workers.filter((w) => isLeaseLive(w, now));
    const tasks = taskStateCounts(ctx.cache.db);
    const throughput = throughputSeries(ctx.cache.db, now, input.windowMinutes);
    const succeeded = throughput.reduce((sum, p) => sum + p.succeeded, 0);
    const failed = throughput.reduce((sum, p) => sum + p.failed, 0);
    const budget = readBudget(ctx.cache.db);
    const status = ctx.syncer.status();
    return {
      now,
      backend: ctx.store.backend,
      workers: { total: workers.length, live: leased.length, byState },
      capacity: { used: leased.reduce((sum, w) => sum + w.activeTasks, 0), total: leased.reduce((sum, w) => sum + w.maxConcurrency, 0) },
      queue: { depth: tasks.queued + tasks.failed, queued: tasks.queued, awaitingRetry: tasks.failed, running: tasks.running },
      tasks,
      throughput,
      failureRate: succeeded + failed === 0 ? null : failed / (succeeded + failed),
      alerts: computeAlerts({ workers, now, waiting: waitingTypes(ctx.cache.db), budget, syncError: status.lastError }),
      budget: budget.length > 0 ? budget : null,
      sync: status,
    };
  }),
});
