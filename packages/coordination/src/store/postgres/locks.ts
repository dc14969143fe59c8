import { z } from "zod";
import { attemptTokenAfterRevoke, shouldRelease } from "../../domain/fencing.js";
import type { AcquireResult, Lock, LockMetadata } from "../../domain/lock.js";
import type { TaskState } from "../../domain/task.js";
import { NotFoundError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { acquireSchema, tokenSchema } from "../port-schemas.js";
import { toJson } from "../sqlite/json.js";
import { LOCK_COLUMN_COUNT, LOCK_COLUMNS_SQL, type LockRow, lockRowOfValues, toLock } from "../sqlite/rows.js";
import { appendEventTx } from "./events.js";
import { lockLiveFlagSql, lockLiveSql } from "./lock-liveness.js";
import type { PgTx } from "./transaction.js";
import { requireLiveLeaseTx } from "./worker-lease.js";

export interface LockState {
  row: LockRow;
  live: boolean;
}

const READ_LOCK = `SELECT ${LOCK_COLUMNS_SQL}, ${lockLiveFlagSql("$2")} AS live
  FROM locks l LEFT JOIN workers w ON w.id = l.owner_id WHERE l.task_id = $1`;
const TAKE_LOCK =
  "UPDATE locks SET seq = $1, owner_id = $2, acquired_at = $3, expires_at = $4, metadata = $5 WHERE task_id = $6";
const CLEAR_OWNER =
  "UPDATE locks SET seq = $1, owner_id = NULL, acquired_at = NULL, expires_at = NULL, metadata = NULL WHERE task_id = $2";
const READ_TASK_FENCE = 'SELECT state, fencing_token AS "fencingToken" FROM tasks WHERE id = $1';
const SET_TASK_FENCE = "UPDATE tasks SET fencing_token = $1, updated_at = $2 WHERE id = $3";
/** By task id in code-unit order, as SQLite's BINARY collation sorts them (COLLATE "C"). */
const LIST_LIVE_LOCKS = `SELECT l.task_id, ${LOCK_COLUMNS_SQL}
  FROM locks l JOIN workers w ON w.id = l.owner_id WHERE ${lockLiveSql("$1")} ORDER BY l.task_id COLLATE "C"`;

/** The task's lock row and whether it is live now; null if the task does not exist. */
export async function readLockTx(tx: PgTx, taskId: string): Promise<LockState | null> {
  const [found] = await tx.values(READ_LOCK, [taskId, await tx.now()]);
  return found ? { row: lockRowOfValues(taskId, found, 0), live: found[LOCK_COLUMN_COUNT] === 1 } : null;
}

/**
 * Take a lock that is known not to be live: the fencing counter moves on by one and the new
 * value is the token. A dead lock being displaced is recorded as expired.
 */
export async function takeLockTx(
  tx: PgTx,
  state: LockState,
  ownerId: string,
  ttlMs: number,
  metadata: LockMetadata,
): Promise<Lock> {
  const { row } = state;
  if (row.ownerId !== null) {
    await appendEventTx(tx, {
      kind: "lock.expired",
      taskId: row.taskId,
      workerId: row.ownerId,
      actor: ownerId,
      data: { token: row.seq },
    });
  }
  const now = await tx.now();
  const lock: Lock = {
    taskId: row.taskId,
    ownerId,
    token: row.seq + 1,
    acquiredAt: now,
    expiresAt: now + ttlMs,
    metadata,
  };
  const changes = await tx.run(TAKE_LOCK, [
    lock.token,
    ownerId,
    lock.acquiredAt,
    lock.expiresAt,
    toJson(metadata, "metadata"),
    row.taskId,
  ]);
  if (changes !== 1) throw new NotFoundError("lock", row.taskId);
  await appendEventTx(tx, {
    kind: "lock.acquired",
    taskId: lock.taskId,
    workerId: ownerId,
    actor: ownerId,
    data: { token: lock.token, expiresAt: lock.expiresAt },
  });
  return lock;
}

export async function acquireLockTx(
  tx: PgTx,
  req: { taskId: string; ownerId: string; ttlMs: number; metadata: LockMetadata },
): Promise<AcquireResult> {
  const { taskId, ownerId, ttlMs, metadata } = parseOrThrow(acquireSchema, req, "lock");
  await requireLiveLeaseTx(tx, ownerId);
  const state = await readLockTx(tx, taskId);
  if (!state) throw new NotFoundError("task", taskId);
  if (state.live) return { acquired: false, holder: toLock(state.row) };
  return { acquired: true, lock: await takeLockTx(tx, state, ownerId, ttlMs, metadata) };
}

/** Owner-only: the owner is whoever presents the current token (domain/fencing.ts: shouldRelease). */
export async function releaseLockTx(tx: PgTx, taskId: string, token: number): Promise<void> {
  parseOrThrow(tokenSchema, token, "token");
  const state = await readLockTx(tx, taskId);
  if (!state) throw new NotFoundError("task", taskId);
  if (shouldRelease({ taskId, token, lockToken: state.row.seq, held: state.row.ownerId !== null }))
    await releaseHeldLockTx(tx, state);
}

/** Release after a fenced task transition (complete/fail) already checked the token. */
export async function releaseHeldLockTx(tx: PgTx, state: LockState): Promise<void> {
  if (state.row.ownerId === null) return;
  await clearOwnerTx(tx, state.row.taskId, state.row.seq);
  await appendEventTx(tx, {
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
export async function revokeLockTx(
  tx: PgTx,
  taskId: string,
  opts: { actor: string; reason: string },
): Promise<{ released: Lock | null; token: number }> {
  const state = await readLockTx(tx, taskId);
  if (!state) throw new NotFoundError("task", taskId);
  const { row, live } = state;
  const token = row.seq + 1;
  await clearOwnerTx(tx, taskId, token);
  if (row.ownerId !== null) {
    await appendEventTx(tx, {
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
export async function forceReleaseLockTx(
  tx: PgTx,
  taskId: string,
  opts: { actor: string; reason: string },
): Promise<Lock | null> {
  parseOrThrow(z.object({ actor: z.string().min(1), reason: z.string().max(1000) }), opts, "options");
  const task = await tx.get<{ state: string; fencingToken: number | null }>(READ_TASK_FENCE, [taskId]);
  const seqBefore = (await readLockTx(tx, taskId))?.row.seq ?? null;
  const { released, token } = await revokeLockTx(tx, taskId, opts);
  const attemptToken = task
    ? attemptTokenAfterRevoke({ ...task, state: task.state as TaskState }, seqBefore, token)
    : null;
  if (task && attemptToken !== task.fencingToken) {
    await tx.run(SET_TASK_FENCE, [attemptToken, await tx.now(), taskId]);
  }
  return released;
}

export async function getLockTx(tx: PgTx, taskId: string): Promise<Lock | null> {
  const state = await readLockTx(tx, taskId);
  return state?.live ? toLock(state.row) : null;
}

export async function listLocksTx(tx: PgTx): Promise<Lock[]> {
  const rows = await tx.values(LIST_LIVE_LOCKS, [await tx.now()]);
  return rows.map((values) => toLock(lockRowOfValues(values[0] as string, values, 1)));
}

async function clearOwnerTx(tx: PgTx, taskId: string, seq: number): Promise<void> {
  await tx.run(CLEAR_OWNER, [seq, taskId]);
}
