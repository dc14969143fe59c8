import { NotFoundError, type Task, ValidationError } from "@sentinel/coordination";
import { TRPCError } from "@trpc/server";
import { actorOf, audited } from "../audited.js";
import { heldBack } from "../cache/flow-control.js";
import { listCachedLocks, lockHistory } from "../cache/lock-queries.js";
import { assignmentsOf } from "../cache/task-assignments.js";
import { dependencyGraph } from "../cache/task-dependency-rows.js";
import { taskTimeline } from "../cache/task-event-rows.js";
import { getCachedTaskLog, progressOfTasks, upsertTaskLog } from "../cache/task-log-rows.js";
import {
  type CachedTaskFilter,
  countTasks,
  decodeCursor,
  getCachedTask,
  listTaskPage,
  taskIdsMatching,
} from "../cache/task-queries.js";
import { createTRPCRouter, operatorProcedure, viewerProcedure } from "../trpc.js";
import {
  bulkInput,
  createTaskInput,
  editInput,
  reassignInput,
  taskActionInput,
  taskFilterInput,
  taskIdInput,
  taskListInput,
} from "./task-inputs.js";

/** States an operator's "retry" / "cancel" apply to (the TaskQueue enforces the same). */
const RETRYABLE_STATES: readonly Task["state"][] = ["failed", "dead", "cancelled"];
const CANCELLABLE_STATES: readonly Task["state"][] = ["queued", "running", "failed"];
/** A promote applies to queued tasks still waiting for their time (the bulk adds runAt > now). */
const PROMOTABLE_STATES: readonly Task["state"][] = ["queued"];
const BULK_STATES = { retry: RETRYABLE_STATES, cancel: CANCELLABLE_STATES, promote: PROMOTABLE_STATES } as const;

/** A bulk action touches at most this many tasks per request; the dry run says when more match. */
export const BULK_LIMIT = 10_000;
const REPORTED_FAILURES = 50;

function eligibleFilter(filter: CachedTaskFilter, eligible: readonly Task["state"][]): CachedTaskFilter {
  const states = filter.states?.length ? filter.states.filter((s) => eligible.includes(s)) : [...eligible];
  return { ...filter, states };
}

export const tasksRouter = createTRPCRouter({
  list: viewerProcedure.input(taskListInput).query(({ ctx, input }) => {
    const { limit, cursor, ...filter } = input;
    const decoded = cursor ? decodeCursor(cursor) : null;
    if (cursor && !decoded) throw new ValidationError("cursor", "a nextCursor returned by a previous page", cursor);
    const page = listTaskPage(ctx.cache.db, filter, { limit, cursor: decoded });
    const running = page.items.filter((task) => task.state === "running").map((task) => task.id);
    return { ...page, progress: progressOfTasks(ctx.cache.db, running) };
  }),

  count: viewerProcedure.input(taskFilterInput).query(({ ctx, input }) => ({ count: countTasks(ctx.cache.db, input) })),

  get: viewerProcedure.input(taskIdInput).query(({ ctx, input }) => {
    const task = getCachedTask(ctx.cache.db, input.taskId);
    if (!task) throw new NotFoundError("task", input.taskId);
    const events = taskTimeline(ctx.cache.db, task.id);
    return {
      task,
      events,
      /** Why each attempt's worker took the task (strategy, score parts, alternatives), oldest first. */
      assignments: assignmentsOf(events),
      lock: listCachedLocks(ctx.cache.db).find((l) => l.taskId === task.id) ?? null,
      lockHistory: lockHistory(ctx.cache.db, task.id, 100),
      /** A pause or the type's limit keeping this waiting task from starting (flow control). */
      heldBack: heldBack(ctx.cache.db, task),
      /** What it waits for and what waits for it, with their states (the detail's graph). */
      graph: dependencyGraph(ctx.cache.db, task),
    };
  }),

  /**
   * The task's progress and log tail, as the syncer last cached it (kept fresh by `task.log`
   * events); a task the cache has no log for yet — e.g. after a rebuild, once those events
   * were pruned — is read from the store once and cached.
   */
  log: viewerProcedure.input(taskIdInput).query(async ({ ctx, input }) => {
    const cached = getCachedTaskLog(ctx.cache.db, input.taskId);
    if (cached) return cached;
    const log = await ctx.store.getTaskLog(input.taskId);
    if (!log) throw new NotFoundError("task", input.taskId);
    upsertTaskLog(ctx.cache.db, log);
    return log;
  }),

  create: operatorProcedure
    .input(createTaskInput)
    .mutation(({ ctx, input }) =>
      audited(ctx, { action: "task.create", target: input.type }, () => ctx.queue.create(input, actorOf(ctx))),
    ),

  /** A delayed task runs now (its runAt moves to the store's now); refused (409) for one that is not delayed. */
  promote: operatorProcedure
    .input(taskActionInput)
    .mutation(({ ctx, input }) =>
      audited(
        ctx,
        { action: "task.promote", target: input.taskId, before: () => ctx.store.getTask(input.taskId) },
        () => ctx.queue.promote(input.taskId, actorOf(ctx), input.reason),
      ),
    ),

  retry: operatorProcedure
    .input(taskActionInput)
    .mutation(({ ctx, input }) =>
      audited(ctx, { action: "task.retry", target: input.taskId, before: () => ctx.store.getTask(input.taskId) }, () =>
        ctx.queue.retry(input.taskId, actorOf(ctx)),
      ),
    ),

  cancel: operatorProcedure
    .input(taskActionInput)
    .mutation(({ ctx, input }) =>
      audited(ctx, { action: "task.cancel", target: input.taskId, before: () => ctx.store.getTask(input.taskId) }, () =>
        ctx.queue.cancel(input.taskId, actorOf(ctx), input.reason),
      ),
    ),

  requeue: operatorProcedure
    .input(taskActionInput)
    .mutation(({ ctx, input }) =>
      audited(
        ctx,
        { action: "task.requeue", target: input.taskId, before: () => ctx.store.getTask(input.taskId) },
        () => ctx.queue.requeue(input.taskId, actorOf(ctx), input.reason),
      ),
    ),

  /** A queued task's new priority and/or params; the audit keeps the task before and after (params left out: bounded). */
  edit: operatorProcedure.input(editInput).mutation(({ ctx, input }) =>
    audited(ctx, { action: "task.edit", target: input.taskId, before: () => ctx.store.getTask(input.taskId) }, () => {
      const { taskId, ...edit } = input;
      return ctx.queue.edit(taskId, edit, actorOf(ctx));
    }),
  ),

  reassign: operatorProcedure
    .input(reassignInput)
    .mutation(({ ctx, input }) =>
      audited(
        ctx,
        { action: "task.reassign", target: input.taskId, before: () => ctx.store.getTask(input.taskId) },
        () => ctx.queue.reassign(input.taskId, input.workerId, actorOf(ctx)),
      ),
    ),

  /**
   * Retry, cancel or promote (delayed ones) every task matching a filter. Selection runs on the cache (indexed, and
   * free of store reads — paging through the store would cost GitHub requests); each task's
   * change is one TaskQueue call. `dryRun: true` returns the count
   * for the confirmation step; the real run re-selects (the cache may have moved on) and
   * reports per-task failures (tasks that changed state meanwhile) without stopping.
   */
  bulk: operatorProcedure.input(bulkInput).mutation(async ({ ctx, input }) => {
    const filter: CachedTaskFilter = {
      ...eligibleFilter(input.filter, BULK_STATES[input.action]),
      ...(input.action === "promote" ? { runsAfter: await ctx.store.now() } : {}),
    };
    const matched = filter.states?.length ? countTasks(ctx.cache.db, filter) : 0;
    if (input.dryRun) return { dryRun: true as const, matched, limit: BULK_LIMIT, applied: 0, failures: [] };
    return audited(
      ctx,
      {
        action: `task.bulk_${input.action}`,
        target: "tasks",
        before: async () => ({ matched, expectedCount: input.expectedCount ?? null }),
      },
      async () => {
        // The confirmation showed a count: a set that changed since is refused rather than acted on unseen.
        if (input.expectedCount !== undefined && input.expectedCount !== matched)
          throw new TRPCError({
            code: "CONFLICT",
            message: `expectedCount: the filter now matches ${matched} task(s), not the ${input.expectedCount} confirmed; review and confirm again`,
          });
        const ids = matched > 0 ? taskIdsMatching(ctx.cache.db, filter, BULK_LIMIT) : [];
        const failures: Array<{ taskId: string; error: string }> = [];
        let applied = 0;
        for (const id of ids) {
          try {
            if (input.action === "retry") await ctx.queue.retry(id, actorOf(ctx));
            else if (input.action === "promote") await ctx.queue.promote(id, actorOf(ctx), "operator bulk promote");
            else await ctx.queue.cancel(id, actorOf(ctx), "operator bulk cancel");
            applied += 1;
          } catch (error) {
            if (failures.length < REPORTED_FAILURES)
              failures.push({ taskId: id, error: error instanceof Error ? error.message : String(error) });
          }
        }
        return { dryRun: false as const, matched, limit: BULK_LIMIT, applied, failures };
      },
    );
  }),
});
