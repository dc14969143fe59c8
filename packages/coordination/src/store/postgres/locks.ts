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
  const lock = await planLockTakeTx(tx, state, ownerId, ttlMs, metadata);
  await writeLockTakesTx(tx, [lock]);
  return lock;
}

/**
 * `takeLockTx` without its row write, which the caller does for a whole batch with
 * `writeLockTakesTx` (a claim batch: one UPDATE instead of one per task). The events are
 * appended here, so they keep the order of the one-by-one version.
 */
export async function planLockTakeTx(
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
  await appendEventTx(tx, {
    kind: "lock.acquired",
    taskId: lock.taskId,
    workerId: ownerId,
    actor: ownerId,
    data: { token: lock.token, expiresAt: lock.expiresAt },
  });
  return lock;
}

const TAKE_LOCKS = `UPDATE locks l SET seq = v.seq, owner_id = v.owner_id, acquired_at = v.acquired_at,
    expires_at = v.expires_at, metadata = v.metadata
  FROM unnest($1::text[], $2::int8[], $3::text[], $4::int8[], $5::int8[], $6::text[])
    AS v(task_id, seq, owner_id, acquired_at, expires_at, metadata)
  WHERE l.task_id = v.task_id`;

/** The rows of planned lock takes, in one statement; each lock row must exist. */
export async function writeLockTakesTx(tx: PgTx, locks: readonly Lock[]): Promise<void> {
  if (locks.length === 0) return;
  const changes = await tx.run(TAKE_LOCKS, [
    locks.map((l) => l.taskId),
    locks.map((l) => l.token),
    locks.map((l) => l.ownerId),
    locks.map((l) => l.acquiredAt),
    locks.map((l) => l.expiresAt),
    locks.map((l) => toJson(l.metadata, "metadata")),
  ]);
  if (changes !== locks.length) throw new NotFoundError("lock", locks.map((l) => l.taskId).join(", "));
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
  if (await planHeldLockReleaseTx(tx, state)) await clearOwnerTx(tx, state.row.taskId, state.row.seq);
}

/**
 * `releaseHeldLockTx` without its row write: true if the lock is held and the caller must
 * clear its owner (for a batch: `writeHeldLockReleasesTx`); its event is appended here.
 */
export async function planHeldLockReleaseTx(tx: PgTx, state: LockState): Promise<boolean> {
  if (state.row.ownerId === null) return false;
  await appendEventTx(tx, {
    kind: "lock.released",
    taskId: state.row.taskId,
    workerId: state.row.ownerId,
    actor: state.row.ownerId,
    data: { token: state.row.seq },
  });
  return true;
}

const CLEAR_OWNERS = `UPDATE locks l SET owner_id = NULL, acquired_at = NULL, expires_at = NULL, metadata = NULL
  FROM unnest($1::text[]) AS v(task_id) WHERE l.task_id = v.task_id`;

/** Clears the owners of these held locks (their counters stay: the holders' tokens are current), in one statement. */
export async function writeHeldLockReleasesTx(tx: PgTx, taskIds: readonly string[]): Promise<void> {
  if (taskIds.length > 0) await tx.run(CLEAR_OWNERS, [taskIds]);
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
