import type { Lock } from "../../domain/lock.js";
import type { Task, TaskState } from "../../domain/task.js";
import { isClaimableBy } from "../../domain/task-claims.js";
import { acceptsNewWork } from "../../domain/worker-rules.js";
import { parseOrThrow } from "../../validation.js";
import type { ClaimRequest } from "../port.js";
import { claimSchema } from "../port-schemas.js";
import { planLockTakeTx, writeLockTakesTx } from "./locks.js";
import { dependenciesSatisfiedTx } from "./task-dependencies.js";
import { planStartAttemptTx, readTasksAndLocksTx, writeStartsTx } from "./task-transitions.js";
import type { PgTx } from "./transaction.js";
import { LimitBudget } from "./type-limits.js";
import { listPausedTypesTx } from "./type-pauses.js";
import { requireLiveLeaseTx } from "./worker-lease.js";

/**
 * get task → acquire lock → start, for a whole batch in the caller's single transaction (one
 * write lock per batch instead of two per task).
 * A candidate that is gone, not claimable (state, runAt, pin, a type the worker has no
 * handler for, a paused type, a dependency that has not succeeded) or live-locked is skipped; a draining worker takes nothing new.
 * The pauses and the per-type limits are read in the same transaction, so no claim starts
 * a task of a type paused before it, nor one past its type's limit (type-limits.ts).
 */
export async function claimTasksTx(tx: PgTx, req: ClaimRequest): Promise<Array<{ task: Task; lock: Lock }>> {
  const { workerId, taskIds, metadata, decisions } = parseOrThrow(claimSchema, req, "claim");
  const worker = await requireLiveLeaseTx(tx, workerId);
  if (!acceptsNewWork(worker)) return [];
  const pauses = await listPausedTypesTx(tx);
  const limits = await LimitBudget.load(tx);
  const now = await tx.now();
  const claimed: Array<{ task: Task; lock: Lock }> = [];
  // One read for the whole batch: each candidate is a different task, and nothing below
  // writes a row another candidate's checks read.
  const candidates = await readTasksAndLocksTx(tx, [...new Set(taskIds)]);
  for (const taskId of new Set(taskIds)) {
    const found = candidates.get(taskId);
    if (!found) continue;
    const { row, lock: lockState } = found;
    if (lockState.live || !isClaimableBy({ ...row, state: row.state as TaskState }, worker, now, pauses)) continue;
    if (!(await dependenciesSatisfiedTx(tx, row))) continue;
    if (!(await limits.take(row.type))) continue;
    const lock = await planLockTakeTx(tx, lockState, workerId, row.timeoutMs, { ...metadata, taskType: row.type });
    claimed.push({ task: await planStartAttemptTx(tx, row, lock.token, workerId, decisions?.[taskId]), lock });
  }
  // The rows of every claim in two statements: each belongs to its own task, read above.
  await writeLockTakesTx(
    tx,
    claimed.map((c) => c.lock),
  );
  await writeStartsTx(
    tx,
    claimed.map((c) => c.task),
  );
  return claimed;
}
