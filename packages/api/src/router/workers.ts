import { availableSlots, isLeaseLive, NotFoundError, WORKER_STATES, type WorkerRecord } from "@sentinel/coordination";
import { z } from "zod";
import { actorOf, audited } from "../audited.js";
import type { CacheDb } from "../cache/open-cache.js";
import {
  busiestLiveWorkers,
  getCachedWorker,
  heartbeatsBetween,
  pageCachedWorkers,
  summariseCachedWorkers,
  supportedTaskTypes,
  workerEventsBetween,
} from "../cache/worker-queries.js";
import { createTRPCRouter, operatorProcedure, viewerProcedure } from "../trpc.js";
import { processBudgets } from "./process-budgets.js";

const workerId = z.object({ workerId: z.string().min(1).max(200) });
const MAX_TIMELINE_POINTS = 5_000;
/** A page of the workers table; the page asks for the timelines of the same rows in one call. */
const MAX_PAGE = 200;
const MAX_TIMELINE_WORKERS = 100;
const windowMs = z
  .number()
  .int()
  .min(1_000)
  .max(7 * 24 * 3600_000)
  .default(15 * 60_000);

const listInput = z
  .object({
    state: z.enum(WORKER_STATES).nullish(),
    includeRemoved: z.boolean().default(false),
    search: z.string().trim().max(200).nullish(),
    supportsType: z.string().min(1).max(200).nullish(),
    leaseLiveOnly: z.boolean().default(false),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(MAX_PAGE).default(25),
  })
  .default({ includeRemoved: false, leaseLiveOnly: false, offset: 0, limit: 25 });

function withDerived(worker: WorkerRecord, now: number) {
  return {
    ...worker,
    availableSlots: availableSlots(worker),
    heartbeatAgeMs: Math.max(0, now - worker.lastHeartbeatAt),
    leaseLive: isLeaseLive(worker, now),
  };
}

function timelineOf(db: CacheDb, worker: WorkerRecord, from: number, to: number) {
  return {
    workerId: worker.id,
    state: worker.state,
    from,
    to,
    lastHeartbeatAt: worker.lastHeartbeatAt,
    heartbeatIntervalMs: worker.heartbeatIntervalMs,
    staleThresholdMs: worker.leaseMs,
    heartbeats: heartbeatsBetween(db, worker.id, from, to, MAX_TIMELINE_POINTS),
    events: workerEventsBetween(db, worker.id, from, to, MAX_TIMELINE_POINTS),
  };
}

export const workersRouter = createTRPCRouter({
  /** One page of workers (ordered by id) with the filter's total, so a thousand workers never travel at once. */
  list: viewerProcedure.input(listInput).query(({ ctx, input }) => {
    const now = ctx.syncer.storeNow();
    const page = pageCachedWorkers(ctx.cache.db, {
      now,
      states: input.state ? [input.state] : null,
      includeRemoved: input.includeRemoved,
      search: input.search || null,
      supportsType: input.supportsType ?? null,
      leaseLiveOnly: input.leaseLiveOnly,
      offset: input.offset,
      limit: input.limit,
    });
    return {
      now,
      total: page.total,
      offset: input.offset,
      limit: input.limit,
      items: page.items.map((w) => withDerived(w, now)),
    };
  }),

  /** Registry counts, capacity in use and the `top` busiest live workers: what the overview draws. */
  summary: viewerProcedure
    .input(z.object({ top: z.number().int().min(0).max(100).default(12) }).default({ top: 12 }))
    .query(({ ctx, input }) => {
      const now = ctx.syncer.storeNow();
      const summary = summariseCachedWorkers(ctx.cache.db, now);
      return {
        now,
        ...summary,
        busiest: busiestLiveWorkers(ctx.cache.db, now, input.top).map((w) => withDerived(w, now)),
      };
    }),

  /** Task types that workers able to take work support. */
  taskTypes: viewerProcedure.query(({ ctx }) => supportedTaskTypes(ctx.cache.db)),

  /** Heartbeats and state changes over a window, with the cadence and the stale threshold to draw. */
  timeline: viewerProcedure
    .input(workerId.extend({ windowMs, to: z.number().int().positive().optional() }))
    .query(({ ctx, input }) => {
      const worker = getCachedWorker(ctx.cache.db, input.workerId);
      if (!worker) throw new NotFoundError("worker", input.workerId);
      const to = input.to ?? ctx.syncer.storeNow();
      return timelineOf(ctx.cache.db, worker, to - input.windowMs, to);
    }),

  /**
   * The timelines of several workers (the visible rows) in one call, read at one store-clock
   * instant `to`: never before the newest heartbeat returned, so an estimated clock a little
   * behind the store cannot hide the latest beat. Unknown ids are left out rather than failing
   * the batch: a row may have been removed between the page and this read.
   */
  timelines: viewerProcedure
    .input(z.object({ workerIds: z.array(z.string().min(1).max(200)).max(MAX_TIMELINE_WORKERS), windowMs }))
    .query(({ ctx, input }) => {
      const from = ctx.syncer.storeNow() - input.windowMs;
      const read = [...new Set(input.workerIds)].flatMap((id) => {
        const worker = getCachedWorker(ctx.cache.db, id);
        return worker ? [timelineOf(ctx.cache.db, worker, from, Number.MAX_SAFE_INTEGER)] : [];
      });
      const to = Math.max(from + input.windowMs, ...read.map((t) => t.heartbeats.at(-1)?.at ?? 0));
      return { from, to, timelines: read.map((t) => ({ ...t, to })) };
    }),

  /** Budget and health of the listed workers (their published metrics) and of the control plane itself. */
  budgets: viewerProcedure
    .input(z.object({ workerIds: z.array(z.string().min(1).max(200)).max(MAX_TIMELINE_WORKERS) }))
    .query(({ ctx, input }) => processBudgets(ctx.cache.db, [...new Set(input.workerIds)], ctx.syncer.storeNow())),

  drain: operatorProcedure
    .input(workerId)
    .mutation(({ ctx, input }) =>
      audited(
        ctx,
        { action: "worker.drain", target: input.workerId, before: () => ctx.store.getWorker(input.workerId) },
        () => ctx.registry.drain(input.workerId, actorOf(ctx)),
      ),
    ),

  resume: operatorProcedure
    .input(workerId)
    .mutation(({ ctx, input }) =>
      audited(
        ctx,
        { action: "worker.resume", target: input.workerId, before: () => ctx.store.getWorker(input.workerId) },
        () => ctx.registry.resume(input.workerId, actorOf(ctx)),
      ),
    ),

  /** Only an OFFLINE worker can be removed (the registry's deregister would drain a live one; an operator drains explicitly). */
  remove: operatorProcedure.input(workerId).mutation(({ ctx, input }) =>
    audited(
      ctx,
      { action: "worker.remove", target: input.workerId, before: () => ctx.store.getWorker(input.workerId) },
      () =>
        ctx.store.transitionWorker(input.workerId, "REMOVED", {
          expectedFrom: ["OFFLINE"],
          actor: actorOf(ctx),
          reason: "operator removed the offline worker",
        }),
    ),
  ),
});
