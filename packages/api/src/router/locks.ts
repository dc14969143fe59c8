import { NotFoundError } from "@sentinel/coordination";
import { z } from "zod";
import { actorOf, audited } from "../audited.js";
import { listCachedLocks, lockHistory } from "../cache/lock-queries.js";
import { createTRPCRouter, operatorProcedure, viewerProcedure } from "../trpc.js";

const taskId = z.object({ taskId: z.string().min(1).max(200) });

export const locksRouter = createTRPCRouter({
  list: viewerProcedure.query(({ ctx }) => {
    const now = ctx.syncer.storeNow();
    return listCachedLocks(ctx.cache.db).map((lock) => ({
      ...lock,
      taskType: lock.metadata.taskType,
      ageMs: Math.max(0, now - lock.acquiredAt),
      expiresInMs: lock.expiresAt - now,
    }));
  }),

  history: viewerProcedure
    .input(taskId.extend({ limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => lockHistory(ctx.cache.db, input.taskId, input.limit)),

  /** Releases the lock whoever holds it; the holder's fencing token is stale from then on. */
  forceRelease: operatorProcedure
    .input(taskId.extend({ reason: z.string().max(500).optional() }))
    .mutation(({ ctx, input }) =>
      audited(
        ctx,
        { action: "lock.force_release", target: input.taskId, before: () => ctx.store.getLock(input.taskId) },
        async () => {
          const released = await ctx.store.forceReleaseLock(input.taskId, {
            actor: actorOf(ctx),
            reason: input.reason ?? "operator force-released the lock",
          });
          if (!released) throw new NotFoundError("lock", input.taskId);
          return released;
        },
      ),
    ),
});
