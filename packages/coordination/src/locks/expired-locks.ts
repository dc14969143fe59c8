import type { Task } from "../domain/task.js";
import type { CoordinationStore } from "../store/port.js";

export interface ExpiredLock {
  taskId: string;
  ownerId: string;
  token: number;
  /** Store-clock ms at which the TTL runs (or ran) out. */
  expiresAt: number;
  /** `ttl_expired`: the task outran its timeout; `lock_gone`: its worker went silent or its lock was force-released. */
  reason: "ttl_expired" | "lock_gone";
  /** Attempts so far, including the one whose lock expired. */
  attempts: number;
  timeoutMs: number;
  /** Store-clock ms this was judged at: the lock was gone by then. */
  judgedAt: number;
}

/** Every running task, across pages. */
export async function listRunningTasks(store: CoordinationStore, workerId?: string): Promise<Task[]> {
  const out: Task[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listTasks({ states: ["running"], ...(workerId ? { workerId } : {}), limit: 500, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * Running tasks without a live lock: the store treats their lock as dead already. Tasks
 * are listed before locks so a task that starts in between cannot be misreported.
 */
export async function findExpiredLocks(store: CoordinationStore): Promise<ExpiredLock[]> {
  const running = await listRunningTasks(store);
  if (running.length === 0) return [];
  const live = new Set((await store.listLocks()).map((lock) => lock.taskId));
  const now = await store.now();
  const out: ExpiredLock[] = [];
  for (const task of running) {
    if (live.has(task.id) || task.workerId === null || task.fencingToken === null) continue;
    const expiresAt = (task.startedAt ?? task.updatedAt) + task.timeoutMs;
    out.push({
      taskId: task.id,
      ownerId: task.workerId,
      token: task.fencingToken,
      expiresAt,
      reason: now >= expiresAt ? "ttl_expired" : "lock_gone",
      attempts: task.attempts,
      timeoutMs: task.timeoutMs,
      judgedAt: now,
    });
  }
  return out;
}
