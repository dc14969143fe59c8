import { type CoordinationStore, newTaskSchema } from "@sentinel/coordination";
import { TASK_TYPES, taskCounts, taskParams, taskTitle, workerRegistration, workerTypes } from "./dataset-shape.js";

export interface StoreFill {
  /** Tasks written through the store port (queued, running, awaiting retry). */
  tasks: number;
  workers: number;
  elapsedMs: number;
}

export interface StoreFillOptions {
  workers: number;
  /** All tasks of the dataset; this writes the live share, indices after the history's. */
  totalTasks: number;
  heartbeatIntervalMs: number;
  /** Running tasks per worker id, filled in as tasks are claimed: what each worker reports in its heartbeats. */
  activeTasks: Map<string, number>;
  /** Called once the workers are registered, so their heartbeats start before their leases run out. */
  onWorkersRegistered(): void;
  log(message: string): void;
}

/** A retry due long after the benchmark ends, so "awaiting retry" tasks stay that way. */
const RETRY_DELAY_MS = 6 * 3600_000;

/**
 * Everything the dashboard must learn from the store goes through the store port, as the
 * product writes it: worker registrations, the backlog, claims (locks with fencing tokens,
 * task.started) and failures awaiting retry. The control plane's syncer then picks it all up
 * from the event log.
 */
export async function fillStore(store: CoordinationStore, options: StoreFillOptions): Promise<StoreFill> {
  const started = performance.now();
  const counts = taskCounts(options.totalTasks);
  const live = counts.queued + counts.running + counts.failed;
  const firstIndex = options.totalTasks - live;

  for (let i = 0; i < options.workers; i++)
    await store.registerWorker(workerRegistration(i, options.heartbeatIntervalMs));
  options.onWorkersRegistered();
  options.log(`registered ${options.workers} workers`);

  // Running and retrying tasks first, each of a type its future claimer supports.
  const claims = new Map<number, string[]>();
  const toFail = new Set<string>();
  for (let k = 0; k < counts.running + counts.failed; k++) {
    const worker = (k * 7919) % options.workers;
    const types = workerTypes(worker);
    const type = types[k % types.length]!;
    const index = firstIndex + k;
    const task = await store.createTask(
      newTaskSchema.parse({ type, title: taskTitle(type, index), params: taskParams(index) }),
      "bench",
    );
    const ids = claims.get(worker) ?? [];
    ids.push(task.id);
    claims.set(worker, ids);
    if (k >= counts.running) toFail.add(task.id);
  }
  const { activeTasks } = options;
  for (const [worker, taskIds] of claims) {
    const registration = workerRegistration(worker, options.heartbeatIntervalMs);
    const claimed = await store.claimTasks({
      workerId: registration.id,
      taskIds,
      metadata: { hostname: registration.hostname, pid: registration.pid },
    });
    if (claimed.length !== taskIds.length)
      throw new Error(`${registration.id} claimed ${claimed.length} of ${taskIds.length} tasks`);
    for (const { task, lock } of claimed) {
      if (toFail.has(task.id))
        await store.failTask(task.id, lock.token, {
          message: "upstream timed out",
          retryable: true,
          retryDelayMs: RETRY_DELAY_MS,
        });
      else activeTasks.set(registration.id, (activeTasks.get(registration.id) ?? 0) + 1);
    }
  }
  // Report the claims right away: otherwise each worker's next scheduled beat (up to an
  // interval later) would change its row — a real change the dashboard must show — in the
  // middle of the measurements that assume only heartbeat times move.
  for (const [workerId, count] of activeTasks) await store.heartbeat(workerId, { activeTasks: count });
  options.log(`${counts.running} running and ${counts.failed} awaiting retry`);

  for (let k = 0; k < counts.queued; k++) {
    const index = firstIndex + counts.running + counts.failed + k;
    const type = TASK_TYPES[index % TASK_TYPES.length]!;
    await store.createTask(
      newTaskSchema.parse({
        type,
        title: taskTitle(type, index),
        params: taskParams(index),
        priority: (index % 5) - 2,
      }),
      "bench",
    );
  }
  options.log(`${counts.queued} queued`);
  return { tasks: live, workers: options.workers, elapsedMs: performance.now() - started };
}
