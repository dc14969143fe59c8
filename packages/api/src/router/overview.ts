import { z } from "zod";
import { currentAlerts } from "../alerts/current-alerts.js";
import { readBudget } from "../cache/budget.js";
import { readSyncValue } from "../cache/sync-state.js";
import { taskStateCounts } from "../cache/task-queries.js";
import { throughputSeries } from "../cache/throughput.js";
import { summariseCachedWorkers } from "../cache/worker-queries.js";
import { parseSavedRefusals } from "../sync/store-trust.js";
import { createTRPCRouter, viewerProcedure } from "../trpc.js";

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
        alerts: currentAlerts(ctx, now),
        budget: budget.length > 0 ? budget : null,
        /** GitHub mode: comments refused as coordination data, by author and reason (null otherwise). */
        refusals: parseSavedRefusals(readSyncValue(ctx.cache.db, "github_refusals")),
        sync: status,
      };
    }),
});
