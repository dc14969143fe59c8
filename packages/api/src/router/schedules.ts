import {
  type CoordinationStore,
  NotFoundError,
  newScheduleSchema,
  nextRuns,
  type Schedule,
  type ScheduleRun,
  scheduleEditSchema,
  schedulesOf,
  supportsSchedules,
} from "@sentinel/coordination";
import { z } from "zod";
import { actorOf, audited } from "../audited.js";
import type { CacheDb } from "../cache/open-cache.js";
import { getCachedTask } from "../cache/task-queries.js";
import { createTRPCRouter, operatorProcedure, viewerProcedure } from "../trpc.js";

/** Next runs listed per schedule in the list, and on its own page. */
const LIST_NEXT_RUNS = 3;
const DETAIL_NEXT_RUNS = 5;

const nameInput = z.object({ name: newScheduleSchema.shape.name });
const historyInput = nameInput.extend({ limit: z.number().int().min(1).max(500).default(50) });
const editInput = scheduleEditSchema.extend({ name: newScheduleSchema.shape.name });

/** A slot's run with the state of the task it created, as the cache last saw it (null: not synced yet). */
export interface ScheduleRunRow extends ScheduleRun {
  task: { state: string; title: string | null } | null;
}

function withTask(db: CacheDb, run: ScheduleRun): ScheduleRunRow {
  const task = getCachedTask(db, run.taskId);
  return { ...run, task: task ? { state: task.state, title: task.title } : null };
}

/** The schedule as it was, for the audit record (null on a backend without schedules). */
function scheduleBefore(store: CoordinationStore, name: string): () => Promise<Schedule | null> {
  return async () => (await store.getSchedule?.(name)) ?? null;
}

async function requireSchedule(store: CoordinationStore, name: string): Promise<Schedule> {
  const found = await schedulesOf(store).getSchedule(name);
  if (!found) throw new NotFoundError("schedule", name);
  return found;
}

/**
 * Repeating schedules (docs/flow-control.md): read straight from the store (a handful of
 * rows), with the states of the tasks their slots created from the cache. A backend without
 * schedules lists `supported: false`; every other call there is refused naming the backend.
 */
export const schedulesRouter = createTRPCRouter({
  list: viewerProcedure.query(async ({ ctx }) => {
    const backend = ctx.store.backend;
    if (!supportsSchedules(ctx.store)) return { supported: false as const, backend, schedules: [] };
    const store = schedulesOf(ctx.store);
    const now = await ctx.store.now();
    const schedules = await Promise.all(
      (await store.listSchedules()).map(async (schedule) => {
        const [last] = await store.listScheduleRuns(schedule.id, 1);
        return {
          ...schedule,
          nextRuns: nextRuns(schedule, now, LIST_NEXT_RUNS),
          lastRun: last ? withTask(ctx.cache.db, last) : null,
        };
      }),
    );
    return { supported: true as const, backend, schedules };
  }),

  /** One schedule, its next runs and the newest `limit` slots it fired, each with the task it created. */
  get: viewerProcedure.input(historyInput).query(async ({ ctx, input }) => {
    const schedule = await requireSchedule(ctx.store, input.name);
    const runs = await schedulesOf(ctx.store).listScheduleRuns(schedule.id, input.limit);
    const now = await ctx.store.now();
    return {
      schedule,
      nextRuns: nextRuns(schedule, now, DETAIL_NEXT_RUNS),
      runs: runs.map((run) => withTask(ctx.cache.db, run)),
    };
  }),

  create: operatorProcedure
    .input(newScheduleSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, { action: "schedule.create", target: input.name }, () =>
        schedulesOf(ctx.store).createSchedule(input, actorOf(ctx)),
      ),
    ),

  pause: operatorProcedure
    .input(nameInput)
    .mutation(({ ctx, input }) =>
      audited(
        ctx,
        { action: "schedule.pause", target: input.name, before: scheduleBefore(ctx.store, input.name) },
        () => schedulesOf(ctx.store).editSchedule(input.name, { paused: true }, actorOf(ctx)),
      ),
    ),

  /** Fires again from the next slot: the slots missed while paused are never fired. */
  resume: operatorProcedure
    .input(nameInput)
    .mutation(({ ctx, input }) =>
      audited(
        ctx,
        { action: "schedule.resume", target: input.name, before: scheduleBefore(ctx.store, input.name) },
        () => schedulesOf(ctx.store).editSchedule(input.name, { paused: false }, actorOf(ctx)),
      ),
    ),

  /** Changes only the fields given (timing, task template, catch-up); a new timing never fires slots from before it. */
  edit: operatorProcedure.input(editInput).mutation(({ ctx, input }) => {
    const { name, ...edit } = input;
    return audited(ctx, { action: "schedule.edit", target: name, before: scheduleBefore(ctx.store, name) }, () =>
      schedulesOf(ctx.store).editSchedule(name, edit, actorOf(ctx)),
    );
  }),

  /** The tasks it created stay; an unknown name is NOT_FOUND. */
  delete: operatorProcedure.input(nameInput).mutation(({ ctx, input }) =>
    audited(
      ctx,
      { action: "schedule.delete", target: input.name, before: scheduleBefore(ctx.store, input.name) },
      async () => {
        if (!(await schedulesOf(ctx.store).deleteSchedule(input.name, actorOf(ctx))))
          throw new NotFoundError("schedule", input.name);
        return { deleted: true };
      },
    ),
  ),
});
