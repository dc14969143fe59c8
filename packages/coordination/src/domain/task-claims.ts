import { ValidationError } from "../errors.js";
import type { Task } from "./task.js";
import { assertTaskAction, canApplyTaskAction } from "./task-transitions.js";
import { describePause, pauseOf, type TypePause } from "./task-type-pause.js";
import { ACCEPTING_STATES, isLeaseLive, type WorkerRecord } from "./worker.js";

type ClaimFields = Pick<Task, "state" | "runAt" | "type" | "pinnedWorkerId">;

/** A pinned task (an operator's "reassign to …") belongs to its pinned worker alone. */
export function isPinnedElsewhere(task: Pick<Task, "pinnedWorkerId">, workerId: string): boolean {
  return task.pinnedWorkerId !== null && task.pinnedWorkerId !== workerId;
}

/**
 * Whether `worker` may claim the task at store-clock `now`, its lock aside: the task can be
 * started, its runAt has passed, the worker has a handler for its type, its type (and the
 * queue) is not paused, and it is not pinned to another worker. (The SQLite claim poll spells
 * the same rule in SQL: tasks.ts.)
 */
export function isClaimableBy(
  task: ClaimFields,
  worker: { id: string; supportedTaskTypes: readonly string[] },
  now: number,
  pauses: readonly TypePause[],
): boolean {
  return (
    canApplyTaskAction("start", task.state) &&
    pauseOf(task.type, pauses) === null &&
    task.runAt <= now &&
    worker.supportedTaskTypes.includes(task.type) &&
    !isPinnedElsewhere(task, worker.id)
  );
}

type OrderFields = Pick<Task, "id" | "priority" | "createdAt">;

/**
 * Claim order: higher priority first, then older work first by creation, never by runAt. A
 * recovered task (its worker went stale, its attempt was put back with runAt = now) keeps its
 * place ahead of newer work of its priority instead of going to the back of the queue; so does
 * a retry once its backoff has passed. Ids break ties in code-unit order, as SQLite's BINARY
 * collation does, so every process and both adapters agree.
 */
export function compareClaimOrder(a: OrderFields, b: OrderFields): number {
  return b.priority - a.priority || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A start by the live holder of the task's lock: refused from a state `start` is not taken from, or for a foreign pin. */
export function assertStartableBy(task: Pick<Task, "id" | "state" | "pinnedWorkerId">, workerId: string): void {
  assertTaskAction(task.id, "start", task.state);
  if (isPinnedElsewhere(task, workerId)) {
    throw new ValidationError("workerId", `the worker task ${task.id} is pinned to (${task.pinnedWorkerId})`, workerId);
  }
}

type RunnerFields = Pick<
  WorkerRecord,
  "id" | "state" | "lastHeartbeatAt" | "leaseMs" | "drainRequested" | "supportedTaskTypes"
>;

/**
 * Why no worker of `workers` can claim a waiting task as the registry stands at store-clock
 * `now`, or null when some live worker taking new work can (free slots aside: a busy worker
 * still gets to it). A paused type (or queue) stops every worker, so it is named first; a
 * task pinned to one worker depends on that worker alone.
 */
export function whyNoWorkerCanRun(
  task: Pick<Task, "type" | "pinnedWorkerId">,
  workers: readonly RunnerFields[],
  now: number,
  pauses: readonly TypePause[],
): string | null {
  const pause = pauseOf(task.type, pauses);
  if (pause) return describePause(pause);
  const live = workers.filter((w) => isLeaseLive(w, now));
  const takesWork = (w: RunnerFields) => ACCEPTING_STATES.includes(w.state) && !w.drainRequested;
  if (task.pinnedWorkerId !== null) {
    const pinned = live.find((w) => w.id === task.pinnedWorkerId);
    if (!pinned) return `pinned to worker ${task.pinnedWorkerId}, which is not live`;
    if (!takesWork(pinned)) return `pinned to worker ${pinned.id}, which is draining`;
    if (!pinned.supportedTaskTypes.includes(task.type))
      return `pinned to worker ${pinned.id}, which has no handler for type ${task.type}`;
    return null;
  }
  if (live.length === 0) return "no live worker";
  const accepting = live.filter(takesWork);
  if (accepting.length === 0) return "every live worker is draining";
  if (!accepting.some((w) => w.supportedTaskTypes.includes(task.type)))
    return `no live worker supports type ${task.type}`;
  return null;
}
