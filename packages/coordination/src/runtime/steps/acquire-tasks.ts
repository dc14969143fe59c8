import type { AssignmentDecision } from "../../domain/assignment-decision.js";
import type { Task } from "../../domain/task.js";
import { IllegalTransitionError, NotFoundError, StaleFencingTokenError } from "../../errors.js";
import type { ConflictPolicy, LockClient } from "../../locks/lock-client.js";
import type { CoordinationStore } from "../../store/port.js";
import type { ClaimedTask } from "../claimed-task.js";

export interface AcquireTasksInput {
  store: CoordinationStore;
  locks: LockClient;
  workerId: string;
  hostname: string;
  pid: number;
  tasks: Task[];
  policy: ConflictPolicy;
  /** Why this worker takes each task (balancer), stored with the claim; the wait/retry path's two-step start does not carry it. */
  decisions?: Record<string, AssignmentDecision>;
}

export interface AcquireTasksResult {
  claimed: ClaimedTask[];
  /** Candidates someone else got first (or that stopped being claimable). */
  lost: number;
}

/**
 * The task flow's acquire-lock step (docs/architecture.md, *One task, from creation to
 * done*), plus the start transition. Under `skip` — the
 * default, because assignment by agreement already spreads the work — the store claims the
 * whole batch in one transaction (lock + start each task, skipping any taken meanwhile).
 * Under `wait` / `retry` each task goes through the LockClient's conflict policy and is
 * then started with its fresh token.
 */
export async function acquireTasks(input: AcquireTasksInput): Promise<AcquireTasksResult> {
  if (input.tasks.length === 0) return { claimed: [], lost: 0 };
  if (input.policy === "skip") {
    const got = await input.store.claimTasks({
      workerId: input.workerId,
      taskIds: input.tasks.map((t) => t.id),
      metadata: { hostname: input.hostname, pid: input.pid },
      ...(input.decisions ? { decisions: input.decisions } : {}),
    });
    const claimed = got.map(({ task, lock }) => ({ task, lock, handle: input.locks.adopt(lock) }));
    return { claimed, lost: input.tasks.length - claimed.length };
  }
  const results = await Promise.all(input.tasks.map((task) => acquireOne(input, task)));
  const claimed = results.filter((r): r is ClaimedTask => r !== null);
  return { claimed, lost: input.tasks.length - claimed.length };
}

async function acquireOne(input: AcquireTasksInput, task: Task): Promise<ClaimedTask | null> {
  const handle = await input.locks.acquire(task.id, input.workerId, {
    ttlMs: task.timeoutMs,
    metadata: { hostname: input.hostname, pid: input.pid, taskType: task.type },
    conflictPolicy: input.policy,
  });
  if (!handle) return null;
  try {
    const started = await input.store.startTask(task.id, handle.lock.token, input.workerId);
    return { task: started, lock: handle.lock, handle };
  } catch (thrown) {
    // Cancelled or finished between listing and locking: give the lock back and move on.
    await handle.release().catch(() => undefined);
    if (
      thrown instanceof StaleFencingTokenError ||
      thrown instanceof IllegalTransitionError ||
      thrown instanceof NotFoundError
    )
      return null;
    throw thrown;
  }
}
