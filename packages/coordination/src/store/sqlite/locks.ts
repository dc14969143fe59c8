import { eq } from "drizzle-orm";
import { z } from "zod";
import { attemptTokenAfterRevoke, shouldRelease } from "../../domain/fencing.js";
import type { AcquireResult, Lock, LockMetadata } from "../../domain/lock.js";
import type { TaskState } from "../../domain/task.js";
import { NotFoundError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { acquireSchema, tokenSchema } from "../port-schemas.js";
import { appendEventTx } from "./events.js";
import { toJson } from "./json.js";
import { LOCK_LIVE_FLAG_SQL, lockIsLive } from "./lock-liveness.js";
import { LOCK_COLUMNS_SQL, type LockColumns, lockRowOf, toLock } from "./rows.js";
import { locks, tasks, workers } from "./schema.js";
import type { Tx } from "./transaction.js";
import { requireLiveLeaseTx } from "./worker-lease.js";

type LockRow = typeof locks.$inferSelect;
export interface LockState {
  row: LockRow;
  live: boolean;
}

const READ_LOCK = `SELECT ${LOCK_COLUMNS_SQL}, ${LOCK_LIVE_FLAG_SQL} AS live FROM locks l LEFT JOIN workers w ON w.id = l.owner_id WHERE l.task_id = @taskId`;
const TAKE_LOCK =
  "UPDATE locks SET seq = ?, owner_id = ?, acquired_at = ?, expires_at = ?, metadata = ? WHERE task_id = ?";
const CLEAR_OWNER =
  "UPDATE locks SET seq = ?, owner_id = NULL, acquired_at = NULL, expires_at = NULL, metadata = NULL WHERE task_id = ?";

/** The task's lock row and whether it is live now; null if the task does not exist. */
export function readLockTx(tx: Tx, taskId: string): LockState | null {
  const found = tx.statement(READ_LOCK).get({ taskId, now: tx.now }) as (LockColumns & { live: number }) | undefined;
  return found ? { row: lockRowOf(taskId, found), live: found.live === 1 } : null;
}

/**
 * Take a lock that is known not to be live: the fencing counter moves on by one and the new
 * value is the token. A dead lock being displaced is recorded as expired.
 */
export function takeLockTx(tx: Tx, state: LockState, ownerId: string, ttlMs: number, metadata: LockMetadata): Lock {
  const { row } = state;
  if (row.ownerId !== null) {
    appendEventTx(tx, {
      kind: "lock.expired",
      taskId: row.taskId,
      workerId: row.ownerId,
      actor: ownerId,
      data: { token: row.seq },
    });
  }
  const lock: Lock = {
    taskId: row.taskId,
    ownerId,
    token: row.seq + 1,
    acquiredAt: tx.now,
    expiresAt: tx.now + ttlMs,
    metadata,
  };
  const { changes } = tx
    .statement(TAKE_LOCK)
    .run(lock.token, ownerId, lock.acquiredAt, lock.expiresAt, toJson(metadata, "metadata"), row.taskId);
  if (changes !== 1) throw new NotFoundError("lock", row.taskId);
  appendEventTx(tx, {
    kind: "lock.acquired",
    taskId: lock.taskId,
    workerId: ownerId,
    actor: ownerId,
    data: { token: lock.token, expiresAt: lock.expiresAt },
  });
  return lock;
}

export function acquireLockTx(
  tx: Tx,
  req: { taskId: string; ownerId: string; ttlMs: number; metadata: LockMetadata },
): AcquireResult {
  const { taskId, ownerId, ttlMs, metadata } = parseOrThrow(acquireSchema, req, "lock");
  requireLiveLeaseTx(tx, ownerId);
  const state = readLockTx(tx, taskId);
  if (!state) throw new NotFoundError("task", taskId);
  if (state.live) return { acquired: false, holder: toLock(state.row) };
  return { acquired: true, lock: takeLockTx(tx, state, ownerId, ttlMs, metadata) };
}

/** Owner-only: the owner is whoever presents the current token (domain/fencing.ts: shouldRelease). */
export function releaseLockTx(tx: Tx, taskId: string, token: number): void {
  parseOrThrow(tokenSchema, token, "token");
  const state = readLockTx(tx, taskId);
  if (!state) throw new NotFoundError("task", taskId);
  if (shouldRelease({ taskId, token, lockToken: state.row.seq, held: state.row.ownerId !== null }))
    releaseHeldLockTx(tx, state);
}

/** Release after a fenced task transition (complete/fail) already checked the token. */
export function releaseHeldLockTx(tx: Tx, state: LockState): void {
  if (state.row.ownerId === null) return;
  clearOwnerTx(tx, state.row.taskId, state.row.seq);
  appendEventTx(tx, {
    kind: "lock.released",
    taskId: state.row.taskId,
    workerId: state.row.ownerId,
    actor: state.row.ownerId,
    data: { token: state.row.seq },
  });
}

/**
 * Revoke: clear the owner and move the counter on, so the old holder's token is stale even
 * before anyone acquires again (force-release, cancel, requeue, re-registration).
 * Returns the lock if it was live, and the new current token.
 */
export function revokeLockTx(
  tx: Tx,
  taskId: string,
  opts: { actor: string; reason: string },
): { released: Lock | null; token: number } {
  const state = readLockTx(tx, taskId);
  if (!state) throw new NotFoundError("task", taskId);
  const { row, live } = state;
  const token = row.seq + 1;
  clearOwnerTx(tx, taskId, token);
  if (row.ownerId !== null) {
    appendEventTx(tx, {
      kind: live ? "lock.force_released" : "lock.expired",
      taskId,
      workerId: row.ownerId,
      actor: opts.actor,
      data: { token: row.seq, reason: opts.reason },
    });
  }
  return { released: live ? toLock(row) : null, token };
}

/** Revoke the lock and hand a running attempt to the new token (domain/fencing.ts: attemptTokenAfterRevoke). */
export function forceReleaseLockTx(tx: Tx, taskId: string, opts: { actor: string; reason: string }): Lock | null {
  parseOrThrow(z.object({ actor: z.string().min(1), reason: z.string().max(1000) }), opts, "options");
  const task = tx.db
    .select({ state: tasks.state, fencingToken: tasks.fencingToken })
    .from(tasks)
    .where(eq(tasks.id, taskId))
    .get();
  const seqBefore = readLockTx(tx, taskId)?.row.seq ?? null;
  const { released, token } = revokeLockTx(tx, taskId, opts);
  const attemptToken = task
    ? attemptTokenAfterRevoke({ ...task, state: task.state as TaskState }, seqBefore, token)
    : null;
  if (task && attemptToken !== task.fencingToken) {
    tx.db.update(tasks).set({ fencingToken: attemptToken, updatedAt: tx.now }).where(eq(tasks.id, taskId)).run();
  }
  return released;
}

export function getLockTx(tx: Tx, taskId: string): Lock | null {
  const state = readLockTx(tx, taskId);
  return state?.live ? toLock(state.row) : null;
}

export function listLocksTx(tx: Tx): Lock[] {
  return tx.db
    .select({ row: locks })
    .from(locks)
    .innerJoin(workers, eq(workers.id, locks.ownerId))
    .where(lockIsLive(tx.now))
    .orderBy(locks.taskId)
    .all()
    .map(({ row }) => toLock(row));
}

function clearOwnerTx(tx: Tx, taskId: string, seq: number): void {
  tx.statement(CLEAR_OWNER).run(seq, taskId);
}
