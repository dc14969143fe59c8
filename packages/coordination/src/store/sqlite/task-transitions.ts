import { eq } from "drizzle-orm";
import { z } from "zod";
import { isTerminal, type Task, type TaskState } from "../../domain/task.js";
import { IllegalTransitionError, NotFoundError, StaleFencingTokenError, ValidationError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { failureSchema, operatorSchema, requeueSchema, tokenSchema } from "../port-schemas.js";
import { appendEventTx } from "./events.js";
import { toJson } from "./json.js";
import { LOCK_LIVE_FLAG_SQL } from "./lock-liveness.js";
import { type LockState, readLockTx, releaseHeldLockTx, revokeLockTx } from "./locks.js";
import {
  LOCK_COLUMN_COUNT,
  LOCK_COLUMNS_SQL,
  lockRowOfValues,
  TASK_COLUMN_COUNT,
  TASK_COLUMNS_SQL,
  type TaskRow,
  taskRowOfValues,
  toTask,
} from "./rows.js";
import { tasks } from "./schema.js";
import type { Tx } from "./transaction.js";

type TaskUpdate = Partial<typeof tasks.$inferInsert>;

const MAX_ERROR_CHARS = 4000;

export interface FailureInput {
  message: string;
  retryable: boolean;
  retryDelayMs: number;
}

const READ_TASK_AND_LOCK = `SELECT ${TASK_COLUMNS_SQL}, ${LOCK_COLUMNS_SQL}, ${LOCK_LIVE_FLAG_SQL} AS live
  FROM tasks t JOIN locks l ON l.task_id = t.id LEFT JOIN workers w ON w.id = l.owner_id
  WHERE t.id = @taskId`;
const START_ATTEMPT =
  "UPDATE tasks SET state = 'running', attempts = ?, worker_id = ?, fencing_token = ?, result = NULL, started_at = ?, finished_at = NULL, updated_at = ? WHERE id = ?";
const MARK_SUCCEEDED = "UPDATE tasks SET state = 'succeeded', finished_at = ?, updated_at = ? WHERE id = ?";
const MARK_SUCCEEDED_WITH_RESULT =
  "UPDATE tasks SET state = 'succeeded', finished_at = ?, updated_at = ?, result = ? WHERE id = ?";

/** The lock's columns and its liveness flag follow the task's in a READ_TASK_AND_LOCK row. */
const LIVE_AT = TASK_COLUMN_COUNT + LOCK_COLUMN_COUNT;

/** A task with its lock row and the lock's liveness, in one read (the hot transitions' first step; raw mode, see rows.ts). */
export function readTaskAndLockTx(tx: Tx, taskId: string): { row: TaskRow; lock: LockState } | null {
  const found = tx.rawStatement(READ_TASK_AND_LOCK).get({ taskId, now: tx.now }) as unknown[] | undefined;
  if (!found) return null;
  return {
    row: taskRowOfValues(found),
    lock: { row: lockRowOfValues(taskId, found, TASK_COLUMN_COUNT), live: found[LIVE_AT] === 1 },
  };
}

function readTaskRowTx(tx: Tx, taskId: string): TaskRow {
  const row = tx.db.select().from(tasks).where(eq(tasks.id, taskId)).get();
  if (!row) throw new NotFoundError("task", taskId);
  return row;
}

function updateTaskTx(tx: Tx, taskId: string, set: TaskUpdate): Task {
  const row = tx.db
    .update(tasks)
    .set({ ...set, updatedAt: tx.now })
    .where(eq(tasks.id, taskId))
    .returning()
    .get();
  if (!row) throw new NotFoundError("task", taskId);
  return toTask(row);
}

/**
 * The fence for writes of a running attempt: the token must be the lock's current one
 * (nothing newer issued or revoked since) and the token the attempt started with.
 */
function fenceRunningTx(tx: Tx, taskId: string, token: number, target: string): { row: TaskRow; lock: LockState } {
  parseOrThrow(tokenSchema, token, "token");
  const found = readTaskAndLockTx(tx, taskId);
  if (!found) throw new NotFoundError("task", taskId);
  const { row, lock } = found;
  if (token !== lock.row.seq) throw new StaleFencingTokenError(taskId, token, lock.row.seq);
  if (row.state !== "running") throw new IllegalTransitionError("task", taskId, row.state, target);
  if (row.fencingToken !== token) throw new StaleFencingTokenError(taskId, token, row.fencingToken);
  return { row, lock };
}

/** queued/failed → running under the presenter's live lock. */
export function startTaskTx(tx: Tx, taskId: string, token: number, workerId: string): Task {
  parseOrThrow(tokenSchema, token, "token");
  parseOrThrow(z.string().min(1).max(200), workerId, "workerId");
  const row = readTaskRowTx(tx, taskId);
  const lock = readLockTx(tx, taskId);
  if (!lock) throw new NotFoundError("lock", taskId);
  if (token !== lock.row.seq) throw new StaleFencingTokenError(taskId, token, lock.row.seq);
  if (!lock.live || lock.row.ownerId !== workerId) throw new StaleFencingTokenError(taskId, token, null);
  return startAttemptTx(tx, row, token, workerId);
}

/** The state change of a start, once the caller holds the live lock `token`. */
export function startAttemptTx(tx: Tx, row: TaskRow, token: number, workerId: string): Task {
  if (row.state !== "queued" && row.state !== "failed")
    throw new IllegalTransitionError("task", row.id, row.state, "running");
  if (row.pinnedWorkerId !== null && row.pinnedWorkerId !== workerId) {
    throw new ValidationError("workerId", `the worker task ${row.id} is pinned to (${row.pinnedWorkerId})`, workerId);
  }
  const attempt = row.attempts + 1;
  tx.statement(START_ATTEMPT).run(attempt, workerId, token, tx.now, tx.now, row.id);
  const task = toTask({
    ...row,
    state: "running",
    attempts: attempt,
    workerId,
    fencingToken: token,
    result: null,
    startedAt: tx.now,
    finishedAt: null,
    updatedAt: tx.now,
  });
  appendEventTx(tx, { kind: "task.started", taskId: row.id, workerId, actor: workerId, data: { attempt, token } });
  return task;
}

export function storeResultTx(tx: Tx, taskId: string, token: number, result: unknown): Task {
  const { row } = fenceRunningTx(tx, taskId, token, "result stored");
  const task = updateTaskTx(tx, taskId, { result: toJson(result ?? null, "result") });
  appendEventTx(tx, {
    kind: "task.result_stored",
    taskId,
    workerId: row.workerId,
    actor: row.workerId ?? "unknown",
    data: { token },
  });
  return task;
}

/** Checks come first and nothing is written unless all pass, so a refused completion leaves no trace. */
export function completeTaskTx(tx: Tx, taskId: string, token: number, opts: { result?: unknown } = {}): Task {
  const result = opts.result === undefined ? undefined : toJson(opts.result, "result");
  const { row, lock } = fenceRunningTx(tx, taskId, token, "succeeded");
  if (result === undefined) tx.statement(MARK_SUCCEEDED).run(tx.now, tx.now, taskId);
  else tx.statement(MARK_SUCCEEDED_WITH_RESULT).run(tx.now, tx.now, result, taskId);
  const task = toTask({
    ...row,
    state: "succeeded",
    finishedAt: tx.now,
    updatedAt: tx.now,
    ...(result === undefined ? {} : { result }),
  });
  releaseHeldLockTx(tx, lock);
  appendEventTx(tx, {
    kind: "task.succeeded",
    taskId,
    workerId: row.workerId,
    actor: row.workerId ?? "unknown",
    data: { token, attempt: row.attempts },
  });
  return task;
}

export function failTaskTx(tx: Tx, taskId: string, token: number, error: FailureInput): Task {
  const failure = parseOrThrow(failureSchema, error, "error");
  const { row, lock } = fenceRunningTx(tx, taskId, token, "failed");
  releaseHeldLockTx(tx, lock);
  return failAttemptTx(tx, row, failure, row.workerId ?? "unknown");
}

/** running → failed (retry at now + delay) or dead (not retryable, or attempts used up). */
export function failAttemptTx(tx: Tx, row: TaskRow, failure: FailureInput, actor: string): Task {
  const retry = failure.retryable && row.attempts < row.maxAttempts;
  const lastError = failure.message.slice(0, MAX_ERROR_CHARS);
  const task = retry
    ? updateTaskTx(tx, row.id, { state: "failed", lastError, runAt: tx.now + failure.retryDelayMs })
    : updateTaskTx(tx, row.id, { state: "dead", lastError, finishedAt: tx.now });
  appendEventTx(tx, {
    kind: retry ? "task.failed" : "task.dead",
    taskId: row.id,
    workerId: row.workerId,
    actor,
    data: {
      attempt: row.attempts,
      maxAttempts: row.maxAttempts,
      error: lastError,
      retryable: failure.retryable,
      ...(retry ? { runAt: task.runAt } : {}),
    },
  });
  return task;
}

export function cancelTaskTx(tx: Tx, taskId: string, opts: { actor: string; reason: string }): Task {
  const { actor, reason } = parseOrThrow(operatorSchema, opts, "options");
  const row = readTaskRowTx(tx, taskId);
  if (isTerminal(row.state as TaskState)) throw new IllegalTransitionError("task", taskId, row.state, "cancelled");
  revokeLockTx(tx, taskId, { actor, reason: `task cancelled: ${reason}` });
  const task = updateTaskTx(tx, taskId, { state: "cancelled", finishedAt: tx.now });
  appendEventTx(tx, {
    kind: "task.cancelled",
    taskId,
    workerId: row.workerId,
    actor,
    data: { from: row.state, reason },
  });
  return task;
}

/**
 * Back to queued now. Also allowed from queued, which is how an operator reassigns a waiting
 * task (changes its pin). Only a succeeded task is final.
 */
export function requeueTaskTx(
  tx: Tx,
  taskId: string,
  opts: { actor: string; reason: string; pinnedWorkerId?: string | null; resetAttempts?: boolean },
): Task {
  const { actor, reason, pinnedWorkerId, resetAttempts } = parseOrThrow(requeueSchema, opts, "options");
  const row = readTaskRowTx(tx, taskId);
  if (row.state === "succeeded") throw new IllegalTransitionError("task", taskId, row.state, "queued");
  revokeLockTx(tx, taskId, { actor, reason: `task requeued: ${reason}` });
  const task = updateTaskTx(tx, taskId, {
    state: "queued",
    runAt: tx.now,
    finishedAt: null,
    ...(pinnedWorkerId === undefined ? {} : { pinnedWorkerId }),
    ...(resetAttempts ? { attempts: 0 } : {}),
  });
  appendEventTx(tx, {
    kind: "task.requeued",
    taskId,
    workerId: row.workerId,
    actor,
    data: { from: row.state, reason, resetAttempts: resetAttempts ?? false },
  });
  if (pinnedWorkerId !== undefined && pinnedWorkerId !== row.pinnedWorkerId) {
    appendEventTx(tx, {
      kind: "task.pinned",
      taskId,
      workerId: pinnedWorkerId,
      actor,
      data: { pinnedWorkerId, previous: row.pinnedWorkerId },
    });
  }
  return task;
}
