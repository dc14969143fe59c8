import { countFinishedAttempt, defaultCachePath, openCache, upsertTask } from "@sentinel/api/cache";
import type { Task, TaskState } from "@sentinel/coordination";
import { newTaskId } from "@sentinel/coordination/sqlite";
import { taskCounts, taskParams, taskTitle, workerId, workerRegistration } from "./dataset-shape.js";

export interface CacheFill {
  tasks: number;
  byState: Partial<Record<TaskState, number>>;
  elapsedMs: number;
}

export interface CacheFillOptions {
  workers: number;
  totalTasks: number;
  heartbeatIntervalMs: number;
  /** The history ends here (store-clock ms) and reaches back HISTORY_MS. */
  now: number;
}

const HISTORY_MS = 2 * 3600_000;
const FINISHED_STATES = ["succeeded", "dead", "cancelled"] as const;

function historyState(index: number, counts: Record<TaskState, number>): (typeof FINISHED_STATES)[number] {
  // Interleaved so every hour of the history has the same mix.
  const total = counts.succeeded + counts.dead + counts.cancelled;
  const position = (index * 7919) % total;
  if (position < counts.dead) return "dead";
  if (position < counts.dead + counts.cancelled) return "cancelled";
  return "succeeded";
}

function historyTask(
  index: number,
  state: (typeof FINISHED_STATES)[number],
  options: CacheFillOptions,
  history: number,
): Task {
  const createdAt = Math.round(options.now - HISTORY_MS + (index * HISTORY_MS) / history);
  const worker = (index * 7919) % options.workers;
  const registration = workerRegistration(worker, options.heartbeatIntervalMs);
  const type = registration.supportedTaskTypes[index % registration.supportedTaskTypes.length]!;
  const startedAt = state === "cancelled" ? null : createdAt + 50 + (index % 2000);
  const finishedAt = (startedAt ?? createdAt) + 200 + ((index * 37) % 20_000);
  return {
    id: newTaskId(createdAt),
    type,
    title: taskTitle(type, index),
    priority: (index % 5) - 2,
    params: taskParams(index),
    state,
    attempts: state === "dead" ? 3 : state === "cancelled" ? 0 : 1,
    maxAttempts: 3,
    timeoutMs: 300_000,
    runAt: createdAt,
    pinnedWorkerId: null,
    affinityKey: null,
    dependsOn: [],
    onDependencyFailure: "cancel",
    workerId: state === "cancelled" ? null : workerId(worker),
    fencingToken: state === "cancelled" ? null : state === "dead" ? 3 : 1,
    result: state === "succeeded" ? { ok: true, items: index % 100 } : null,
    lastError: state === "dead" ? "upstream timed out" : null,
    createdAt,
    updatedAt: finishedAt,
    startedAt,
    finishedAt,
  };
}

/**
 * The finished part of the dataset goes straight into the control plane's cache, with the
 * cache's own writers: the store port writes about a thousand tasks per second on this
 * machine kind, and a finished task costs three transitions (create, claim, complete), so
 * 90,000 finished tasks through the store would take minutes. Finished tasks never change
 * again and the syncer's reconcile only re-reads unfinished ones, so the cache keeps them.
 * Must run before the control plane opens the cache.
 */
export function fillCacheHistory(dataDir: string, options: CacheFillOptions): CacheFill {
  const started = performance.now();
  const counts = taskCounts(options.totalTasks);
  const history = counts.succeeded + counts.dead + counts.cancelled;
  const byState: Partial<Record<TaskState, number>> = {};
  const cache = openCache({ path: defaultCachePath(dataDir) });
  try {
    cache.sqlite.transaction(() => {
      for (let index = 0; index < history; index++) {
        const task = historyTask(index, historyState(index, counts), options, history);
        upsertTask(cache.db, task);
        byState[task.state] = (byState[task.state] ?? 0) + 1;
        // What the syncer counts per finished attempt (task.succeeded / task.failed / task.dead events).
        if (task.state === "succeeded") countFinishedAttempt(cache.db, task.finishedAt!, "succeeded");
        if (task.state === "dead")
          for (let a = 0; a < task.attempts; a++)
            countFinishedAttempt(cache.db, task.finishedAt! - (task.attempts - 1 - a) * 1000, "failed");
      }
    })();
  } finally {
    cache.close();
  }
  return { tasks: history, byState, elapsedMs: performance.now() - started };
}
