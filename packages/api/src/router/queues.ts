import { ALL_TYPES, pauseOf, pauseTargetSchema, type TypePause } from "@sentinel/coordination";
import { z } from "zod";
import { actorOf, audited } from "../audited.js";
import { waitingTypes } from "../cache/task-queries.js";
import { readTypePauses } from "../cache/type-pauses.js";
import { supportedTaskTypes } from "../cache/worker-queries.js";
import { createTRPCRouter, protectedProcedure, viewerProcedure } from "../trpc.js";

const target = z.object({ type: pauseTargetSchema });

export interface QueueRow {
  type: string;
  /** Queued or awaiting retry. */
  waiting: number;
  /** The pause that stops it (its own or the whole queue's), if any. */
  pause: TypePause | null;
}

/** Flow control: pause and resume claims of a task type, or of the whole queue (`*`). */
export const queuesRouter = createTRPCRouter({
  /** Every type a worker handles, has work waiting or is paused, with its pause; and the whole queue's. */
  list: viewerProcedure.query(({ ctx }) => {
    const pauses = readTypePauses(ctx.cache.db);
    const waiting = new Map(waitingTypes(ctx.cache.db).map((row) => [row.type, row.n]));
    const types = new Set([
      ...supportedTaskTypes(ctx.cache.db),
      ...waiting.keys(),
      ...pauses.map((p) => p.type).filter((type) => type !== ALL_TYPES),
    ]);
    const rows: QueueRow[] = [...types]
      .sort()
      .map((type) => ({ type, waiting: waiting.get(type) ?? 0, pause: pauseOf(type, pauses) }));
    return { all: pauses.find((p) => p.type === ALL_TYPES) ?? null, types: rows };
  }),

  pause: protectedProcedure
    .input(target)
    .mutation(({ ctx, input }) =>
      audited(ctx, { action: "queue.pause", target: input.type, params: input }, () =>
        ctx.store.pauseTaskType(input.type, actorOf(ctx)),
      ),
    ),

  resume: protectedProcedure.input(target).mutation(({ ctx, input }) =>
    audited(ctx, { action: "queue.resume", target: input.type, params: input }, async () => ({
      resumed: await ctx.store.resumeTaskType(input.type, actorOf(ctx)),
    })),
  ),
});
