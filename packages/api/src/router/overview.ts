import { ACCEPTING_STATES } from "@sentinel/coordination";
import { z } from "zod";
import { type BudgetRow, readBudget } from "../cache/budget.js";
import type { CacheDb } from "../cache/open-cache.js";
import { type StalledGroup, stalledTasks } from "../cache/stalled-tasks.js";
import { readSyncValue } from "../cache/sync-state.js";
import { taskStateCounts, waitingTypes } from "../cache/task-queries.js";
import { throughputSeries } from "../cache/throughput.js";
import { pageCachedWorkers, summariseCachedWorkers, supportedTaskTypes } from "../cache/worker-queries.js";
import { parseSavedRefusals } from "../sync/store-trust.js";
import { createTRPCRouter, viewerProcedure } from "../trpc.js";

export interface Alert {
  severity: "warning" | "critical";
  code: "no_worker_for_type" | "tasks_stalled" | "stale_workers" | "no_live_workers" | "budget_low" | "sync_error";
  message: string;
  subject: string | null;
}

const BUDGET_LOW_FRACTION = 0.1;
/** Stale workers named in the alert; the rest are counted. */
const NAMED_STALE = 10;

export interface AlertInput {
  /** Workers in an accepting state with a live lease. */
  liveAccepting: number;
  /** Task types those workers support. */
  liveTypes: ReadonlySet<string>;
  stale: { total: number; ids: string[] };
  waiting: Array<{ type: string; n: number }>;
  /** Waiting tasks no live worker can run, due for longer than the stall alert time. */
  stalled: StalledGroup[];
  budget: BudgetRow[];
  syncError: string | null;
}

export function computeAlerts(input: AlertInput): Alert[] {
  const alerts: Alert[] = [];
  const waitingTotal = input.waiting.reduce((sum, w) => sum + w.n, 0);
  if (input.liveAccepting === 0 && waitingTotal > 0) {
    alerts.push({
      severity: "critical",
      code: "no_live_workers",
      message: `${waitingTotal} task(s) waiting and no live worker`,
      subject: null,
    });
  }
  for (const g of input.stalled) {
    const pin = g.pinnedWorkerId === null ? "" : ` pinned to ${g.pinnedWorkerId}`;
    alerts.push({
      severity: "critical",
      code: "tasks_stalled",
      message: `${g.n} task(s) of type ${g.type}${pin} waiting ${Math.round(g.waitingMs / 1000)} s: ${g.reason}`,
      subject: g.type,
    });
  }
  // Shown at once, before the stall alert time; a type that has stalled that long says so above instead.
  const stalledTypes = new Set(input.stalled.filter((g) => g.pinnedWorkerId === null).map((g) => g.type));
  for (const { type, n } of input.waiting) {
    if (input.liveAccepting > 0 && !input.liveTypes.has(type) && !stalledTypes.has(type)) {
      alerts.push({
        severity: "critical",
        code: "no_worker_for_type",
        message: `no live worker supports type ${type} (${n} task(s) waiting)`,
        subject: type,
      });
    }
  }
  if (input.stale.total > 0) {
    const more =
      input.stale.total > input.stale.ids.length ? ` and ${input.stale.total - input.stale.ids.length} more` : "";
    alerts.push({
      severity: "warning",
      code: "stale_workers",
      message: `${input.stale.total} stale worker(s): ${input.stale.ids.join(", ")}${more}`,
      subject: null,
    });
  }
  for (const row of input.budget) {
    if (row.remaining !== null && row.limit && row.remaining < row.limit * BUDGET_LOW_FRACTION) {
      alerts.push({
        severity: "warning",
        code: "budget_low",
        message: `GitHub ${row.kind} budget low: ${row.remaining}/${row.limit} left`,
        subject: row.kind,
      });
    }
  }
  if (input.syncError)
    alerts.push({ severity: "warning", code: "sync_error", message: `syncer: ${input.syncError}`, subject: null });
  return alerts;
}

function readAlertInput(db: CacheDb, now: number): Pick<AlertInput, "liveAccepting" | "liveTypes" | "stale"> {
  const base = { now, includeRemoved: false, search: null, supportsType: null, offset: 0 };
  const liveAccepting = pageCachedWorkers(db, {
    ...base,
    states: [...ACCEPTING_STATES],
    leaseLiveOnly: true,
    limit: 0,
  }).total;
  const stale = pageCachedWorkers(db, { ...base, states: ["STALE"], leaseLiveOnly: false, limit: NAMED_STALE });
  return {
    liveAccepting,
    liveTypes: new Set(supportedTaskTypes(db, now)),
    stale: { total: stale.total, ids: stale.items.map((w) => w.id) },
  };
}

/** Registry counts and capacity (aggregates, as in `workers.summary`), tasks, throughput, alerts and budget. */
export const overviewRouter = createTRPCRouter({
  get: viewerProcedure
    .input(
      z
        .object({
          windowMinutes: z
            .number()
            .int()
            .min(1)
            .max(24 * 60)
            .default(60),
        })
        .default({ windowMinutes: 60 }),
    )
    .query(({ ctx, input }) => {
      const now = ctx.syncer.storeNow();
      const workers = summariseCachedWorkers(ctx.cache.db, now);
      const tasks = taskStateCounts(ctx.cache.db);
      const throughput = throughputSeries(ctx.cache.db, now, input.windowMinutes);
      const succeeded = throughput.reduce((sum, p) => sum + p.succeeded, 0);
      const failed = throughput.reduce((sum, p) => sum + p.failed, 0);
      const budget = readBudget(ctx.cache.db);
      const status = ctx.syncer.status();
      return {
        now,
        backend: ctx.store.backend,
        workers: { total: workers.total, live: workers.leaseLive, byState: workers.byState },
        capacity: workers.capacity,
        queue: {
          depth: tasks.queued + tasks.failed,
          queued: tasks.queued,
          awaitingRetry: tasks.failed,
          running: tasks.running,
        },
        tasks,
        throughput,
        failureRate: succeeded + failed === 0 ? null : failed / (succeeded + failed),
        alerts: computeAlerts({
          ...readAlertInput(ctx.cache.db, now),
          waiting: waitingTypes(ctx.cache.db),
          stalled: stalledTasks(ctx.cache.db, now, ctx.stallAlertMs),
          budget,
          syncError: status.lastError,
        }),
        budget: budget.length > 0 ? budget : null,
        /** GitHub mode: comments refused as coordination data, by author and reason (null otherwise). */
        refusals: parseSavedRefusals(readSyncValue(ctx.cache.db, "github_refusals")),
        sync: status,
      };
    }),
});
