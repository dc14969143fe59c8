import { and, eq } from "drizzle-orm";
import { lapsedIncarnationFailure } from "../../domain/attempt-failure.js";
import { revokeLockTx } from "./locks.js";
import { locks, tasks } from "./schema.js";
import { failAttemptTx } from "./task-transitions.js";
import type { Tx } from "./transaction.js";

/**
 * Recover what a lapsed incarnation of `workerId` still holds before its id is reused:
 * revoke its locks (fencing moves on) and fail its running attempts with an immediate
 * retry, so no task is left running under an owner that no longer exists.
 */
export function recoverWorkerTx(tx: Tx, workerId: string, actor: string, reason: string): void {
  for (const { taskId } of tx.db
    .select({ taskId: locks.taskId })
    .from(locks)
    .where(eq(locks.ownerId, workerId))
    .all()) {
    revokeLockTx(tx, taskId, { actor, reason });
  }
  const running = tx.db
    .select()
    .from(tasks)
    .where(and(eq(tasks.workerId, workerId), eq(tasks.state, "running")))
    .all();
  for (const row of running) {
    revokeLockTx(tx, row.id, { actor, reason });
    failAttemptTx(tx, row, lapsedIncarnationFailure(reason), actor);
  }
}
