import { availableSlots, isLeaseLive, NotFoundError } from "@sentinel/coordination";
import { z } from "zod";
import { actorOf, audited } from "../audited.js";
import { getCachedWorker, heartbeatsBetween, listCachedWorkers, workerEventsBetween } from "../cache/worker-queries.js";
import { createTRPCRouter, protectedProcedure, viewerProcedure } from "../trpc.js";

const workerId = z.object({ workerId: z.string().min(1).max(200) });
const MAX_TIMELINE_POINTS = 5_000;

export const workersRouter = createTRPCRouter({
  list: viewerProcedure.input(z.object({ includeRemoved: z.boolean().default(false) }).default({ includeRemoved: false })).query(({ ctx, input }) => {
    const now = ctx.syncer.storeNow();
    return listCachedWorkers(ctx.cache.db)
      .filter((w) => input.includeRemoved || w.state !== "REMOVED")
      .map((w) => ({ ...w, availableSlots: availableSlots(w), heartbeatAgeMs: Math.max(0, now - w.lastHeartbeatAt), leaseLive: isLeaseLive(w, now) }));
  }),

  /** Heartbeats and state changes over a window, with the cadence and the stale threshold to draw. */
  timeline: viewerProcedure
    .input(workerId.extend({ windowMs: z.number().int().min(1_000).max(7 * 24 * 3600_000).default(15 * 60_000), to: z.number().int().positive().optional() }))
    .query(({ ctx, input }) => {
      const worker = getCachedWorker(ctx.cache.db, input.workerId);
      if (!worker) throw new NotFoundError("worker", input.workerId);
      const to = input.to ?? ctx.syncer.storeNow();
      const from = to - input.windowMs;
      return {
        workerId: worker.id,
        state: worker.state,
        from,
        to,
        heartbeatIntervalMs: worker.heartbeatIntervalMs,
        staleThresholdMs: worker.leaseMs,
        heartbeats: heartbeatsBetween(ctx.cache.db, worker.id, from, to, MAX_TIMELINE_POINTS),
        events: workerEventsBetween(ctx.cache.db, worker.id, from, to, MAX_TIMELINE_POINTS),
      };
    }),

  drain: protectedProcedure.input(workerId).mutation(({ ctx, input }) =>
    audited(ctx, { action: "worker.drain", target: input.workerId, params: input }, () => ctx.registry.drain(input.workerId, actorOf(ctx))),
  ),

  resume: protectedProcedure.input(workerId).mutation(({ ctx, input }) =>
    audited(ctx, { action: "worker.resume", target: input.workerId, params: input }, () => ctx.registry.resume(input.workerId, actorOf(ctx))),
  ),

  /** Only an OFFLINE worker can be removed (the registry's deregister would drain a live one; an operator drains explicitly). */
  remove: protectedProcedure.input(workerId).mutation(({ ctx, input }) =>
    audited(ctx, { action: "worker.remove", target: input.workerId, params: input }, () =>
      ctx.store.transitionWorker(input.workerId, "REMOVED", { expectedFrom: ["OFFLINE"], actor: actorOf(ctx), reason: "operator removed the offline worker" }),
    ),
  ),
});
