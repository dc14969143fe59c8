import type { Task } from "../../domain/task.js";
import type { ClaimedTask } from "../claimed-task.js";
import type { CompleteFn } from "../completion-batcher.js";

/**
 * The task flow's last steps: store result → release lock → mark complete. The store performs all three
 * as ONE fenced transition (`completeTask`, or one item of a `completeTasks` batch), so there
 * is no window in which a result is stored but the task still looks running, or the lock is
 * free but the task not done; a stale token rejects all three together
 * (StaleFencingTokenError).
 */
export async function storeResultReleaseLockAndComplete(
  complete: CompleteFn,
  claim: ClaimedTask,
  result: unknown,
): Promise<Task> {
  const done = await complete({ taskId: claim.task.id, token: claim.lock.token, result: result ?? null });
  releaseLockHandle(claim);
  return done;
}

/** The store released the lock inside the transition; move our handle to RELEASED → NO_LOCK to match. */
export function releaseLockHandle(claim: ClaimedTask): void {
  if (claim.handle.state === "ACQUIRED" || claim.handle.state === "EXECUTING") claim.handle.markReleased();
}
