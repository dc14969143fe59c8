import {
  ALL_TYPES,
  type CoordinationStore,
  describeLimitWait,
  newTaskSchema,
  pauseOf,
  pauseTargetSchema,
  type TypeLimit,
  type TypePause,
  ValidationError,
} from "@sentinel/coordination";
import { z } from "zod";
import { actorOf, audited } from "../audited.js";
import { readTypeLimits, readTypePauses, recentStartsOfType } from "../cache/flow-control.js";
import { runningTypes, waitingTypes } from "../cache/task-queries.js";
import { supportedTaskTypes } from "../cache/worker-queries.js";
import { createTRPCRouter, operatorProcedure, viewerProcedure } from "../trpc.js";

const target = z.object({ type: pauseTargetSchema });
const limitInput = z.object({
  type: newTaskSchema.shape.type,
  /** Running at once; null clears it, left out keeps it. */
  maxRunning: z.number().int().min(1).max(100_000).nullable().optional(),
  /** Starts in any window of intervalMs (1 s to 1 d); null clears it, left out keeps it. */
  starts: z
    .object({ maxStarts: z.number().int().min(1).max(100_000), intervalMs: z.number().int().min(1000).max(86_400_000) })
    .nullable()
    .optional(),
});

/** What a pause or resume changes: the type's own pause, if any. */
async function pauseBefore(store: CoordinationStore, type: string) {
  const pause = (await store.listPausedTypes()).find((p) => p.type === type);
  return pause ?? { type, paused: false };
}

async function limitBefore(store: CoordinationStore, type: string) {
  const limit = (await store.listTaskTypeLimits?.())?.find((l) => l.type === type);
  return limit ?? { type, maxRunning: null, maxStarts: null, intervalMs: null };
}

export interface QueueRow {
  type: string;
  /** Queued or awaiting retry. */
  waiting: number;
  running: number;
  /** The pause that stops it (its own or the whole queue's), if any. */
  pause: TypePause | null;
  limit: TypeLimit | null;
  /** "waiting for limit: …" when tasks wait and the type runs as many as its limit allows. */
  waitingForLimit: string | null;
}

/** Flow control: pause and resume claims of a task type, or of the whole queue (`*`). */
export const queuesRouter = createTRPCRouter({
  /** Every type a worker handles, has work waiting or running, is paused or limited, with its pause; and the whole queue's. */
  list: viewerProcedure.query(({ ctx }) => {
    const pauses = readTypePauses(ctx.cache.db);
    const limits = readTypeLimits(ctx.cache.db);
    const waiting = new Map(waitingTypes(ctx.cache.db).map((row) => [row.type, row.n]));
    const running = new Map(runningTypes(ctx.cache.db).map((row) => [row.type, row.n]));
    const now = Date.now();
    const types = new Set([
      ...supportedTaskTypes(ctx.cache.db),
      ...waiting.keys(),
      ...running.keys(),
      ...pauses.map((p) => p.type).filter((type) => type !== ALL_TYPES),
      ...limits.map((l) => l.type),
    ]);
    const rows: QueueRow[] = [...types].sort().map((type) => {
      const limit = limits.find((l) => l.type === type) ?? null;
      const counts = { waiting: waiting.get(type) ?? 0, running: running.get(type) ?? 0 };
      const load = limit && { running: counts.running, recentStarts: recentStartsOfType(ctx.cache.db, limit, now) };
      return {
        type,
        ...counts,
        pause: pauseOf(type, pauses),
        limit,
        waitingForLimit: limit && load && counts.waiting > 0 ? describeLimitWait(limit, load) : null,
      };
    });
    return { all: pauses.find((p) => p.type === ALL_TYPES) ?? null, types: rows };
  }),

  pause: operatorProcedure
    .input(target)
    .mutation(({ ctx, input }) =>
      audited(
        ctx,
        { action: "queue.pause", target: input.type, before: () => pauseBefore(ctx.store, input.type) },
        () => ctx.store.pauseTaskType(input.type, actorOf(ctx)),
      ),
    ),

  /** Per-type concurrency and starts-per-interval limits (a backend without limits answers BAD_REQUEST naming it). */
  setLimit: operatorProcedure.input(limitInput).mutation(({ ctx, input }) =>
    audited(
      ctx,
      { action: "queue.limit", target: input.type, before: () => limitBefore(ctx.store, input.type) },
      () => {
        if (!ctx.store.setTaskTypeLimit)
          throw new ValidationError(
            "backend",
            "a store that enforces per-type limits (sqlite, github)",
            ctx.store.backend,
          );
        const { type, ...change } = input;
        return ctx.store.setTaskTypeLimit(type, change, actorOf(ctx));
      },
    ),
  ),

  resume: operatorProcedure.input(target).mutation(({ ctx, input }) =>
    audited(
      ctx,
      { action: "queue.resume", target: input.type, before: () => pauseBefore(ctx.store, input.type) },
      async () => ({
        resumed: await ctx.store.resumeTaskType(input.type, actorOf(ctx)),
      }),
    ),
  ),
});
