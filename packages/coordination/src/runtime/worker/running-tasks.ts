import type { MemoryEntry } from "../../domain/memory.js";
import type { MemorySyncManager } from "../../memory/memory-sync-manager.js";
import type { CoordinationStore } from "../../store/port.js";
import type { ClaimedTask } from "../claimed-task.js";
import type { CompletionBatcher } from "../completion-batcher.js";
import { runTask } from "../run-task.js";
import { TaskAbortedError } from "../runtime-errors.js";
import type { WorkerContext } from "./worker-context.js";

/** Run a claimed task in the background; its end frees a slot, so the loop is nudged to claim again. */
export function launchTask(
  ctx: WorkerContext,
  store: CoordinationStore,
  claim: ClaimedTask,
  sharedGlobal?: Promise<MemoryEntry[]>,
): void {
  const { config, metrics, running } = ctx;
  const controller = new AbortController();
  const deps = {
    store,
    memory: ctx.memory as MemorySyncManager,
    handlers: ctx.handlers,
    metrics,
    log: ctx.log,
    history: ctx.history,
    workerId: ctx.id,
    maxRunMs: config.distributed.locking.ttlSeconds * 1000,
    complete: (ctx.batcher as CompletionBatcher).complete,
  };
  const done = runTask(deps, claim, controller.signal, sharedGlobal).finally(() => {
    running.delete(claim.task.id);
    metrics.activeTasks.set(running.size);
    ctx.loop?.nudge();
  });
  running.set(claim.task.id, { claim, controller, done });
  metrics.activeTasks.set(running.size);
}

/** Every running task fails for an immediate retry elsewhere. */
export function abortRunningTasks(ctx: WorkerContext, reason: string): void {
  for (const task of ctx.running.values()) task.controller.abort(new TaskAbortedError(reason));
}

/** Abort the tasks the store no longer gives us (a monitor may have recovered them while our heartbeat was away). */
export async function abortSupersededTasks(ctx: WorkerContext, store: CoordinationStore): Promise<void> {
  for (const running of [...ctx.running.values()]) {
    const task = await store.getTask(running.claim.task.id);
    if (!task || task.state !== "running" || task.fencingToken !== running.claim.lock.token) {
      running.controller.abort(new TaskAbortedError(`task ${running.claim.task.id} now belongs to another attempt`));
    }
  }
}

/** Resolves when every task running now has ended, however it ended. */
export async function settleRunningTasks(ctx: WorkerContext): Promise<void> {
  await Promise.allSettled([...ctx.running.values()].map((task) => task.done));
}
