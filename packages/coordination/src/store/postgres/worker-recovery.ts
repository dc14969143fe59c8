import { lapsedIncarnationFailure } from "../../domain/attempt-failure.js";
import { TASK_COLUMNS_SQL, taskRowOfValues } from "../sqlite/rows.js";
import { revokeLockTx } from "./locks.js";
import { failAttemptTx } from "./task-transitions.js";
import type { PgTx } from "./transaction.js";

const HELD_LOCKS = "SELECT task_id FROM locks WHERE owner_id = $1 ORDER BY task_id";
const RUNNING_TASKS = `SELECT ${TASK_COLUMNS_SQL} FROM tasks t WHERE t.worker_id = $1 AND t.state = 'running' ORDER BY t.id`;

/**
 * Recover what a lapsed incarnation of `workerId` still holds before its id is reused:
 * revoke its locks (fencing moves on) and fail its running attempts with an immediate
 * retry, so no task is left running under an owner that no longer exists.
 */
export async function recoverWorkerTx(tx: PgTx, workerId: string, actor: string, reason: string): Promise<void> {
  for (const { task_id: taskId } of await tx.all<{ task_id: string }>(HELD_LOCKS, [workerId])) {
    await revokeLockTx(tx, taskId, { actor, reason });
  }
  const running = (await tx.values(RUNNING_TASKS, [workerId])).map((values) => taskRowOfValues(values));
  for (const row of running) {
    await revokeLockTx(tx, row.id, { actor, reason });
    await failAttemptTx(tx, row, lapsedIncarnationFailure(reason), actor);
  }
}
