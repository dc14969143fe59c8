import { eq } from "drizzle-orm";
import { z } from "zod";
import type { AssignmentDecision } from "../../domain/assignment-decision.js";
import { type AttemptFailure, failureEventKind, failureOutcome } from "../../domain/attempt-failure.js";
import { assertAttemptFence, assertStartFence } from "../../domain/fencing.js";
import { LIMITS } from "../../domain/limits.js";
import type { Task, TaskState } from "../../domain/task.js";
import { assertStartableBy } from "../../domain/task-claims.js";
import { assertDue, assertPromotable } from "../../domain/task-delay.js";
import { describeEdit, type TaskEdit, taskEditSchema } from "../../domain/task-edit.js";
import { assertTaskAction } from "../../domain/task-transitions.js";
import { assertNotPaused } from "../../domain/task-type-pause.js";
import { NotFoundError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { failureSchema, operatorSchema, requeueSchema, tokenSchema } from "../port-schemas.js";
import { appendEventTx } from "./events.js";
import { fromJson, toJson } from "./json.js";
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
import {
  assertDependenciesNotDoomedTx,
  assertDependenciesSatisfiedTx,
  settleDependentsTx,
} from "./task-dependencies.js";
import type { Tx } from "./transaction.js";
import { takeLimitSlotTx } from "./type-limits.js";
import { listPausedTypesTx } from "./type-pauses.js";

type TaskUpdate = Partial<typeof tasks.$inferInsert>;

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

/** Read the task and its lock and apply the fence for writes of a running attempt (domain/fencing.ts). */
export function fenceRunningTx(
  tx: Tx,
  taskId: string,
  token: number,
  target: string,
): { row: TaskRow; lock: LockState } {
  parseOrThrow(tokenSchema, token, "token");
  const found = readTaskAndLockTx(tx, taskId);
  if (!found) throw new NotFoundError("task", taskId);
  const { row, lock } = found;
  assertAttemptFence({
    taskId,
    token,
    lockToken: lock.row.seq,
    state: row.state as TaskState,
    attemptToken: row.fencingToken,
    target,
  });
  return { row, lock };
}

/** queued/failed → running under the presenter's live lock. */
export function startTaskTx(tx: Tx, taskId: string, token: number, workerId: string): Task {
  parseOrThrow(tokenSchema, token, "token");
  parseOrThrow(z.string().min(1).max(200), workerId, "workerId");
  const row = readTaskRowTx(tx, taskId);
  const lock = readLockTx(tx, taskId);
  if (!lock) throw new NotFoundError("lock", taskId);
  const { seq, ownerId } = lock.row;
  const liveHolder = lock.live && ownerId !== null ? { ownerId, token: seq } : null;
  assertStartFence({ taskId, token, lockToken: seq, workerId, liveHolder });
  assertNotPaused(row, listPausedTypesTx(tx));
  assertDue({ ...row, state: row.state as TaskState }, tx.now);
  takeLimitSlotTx(tx, row);
  assertDependenciesSatisfiedTx(tx, row);
  return startAttemptTx(tx, row, token, workerId);
}

/** The state change of a start, once the caller holds the live lock `token`; `decision` (why this worker) rides on its event. */
export function startAttemptTx(
  tx: Tx,
  row: TaskRow,
  token: number,
  workerId: string,
  decision?: AssignmentDecision,
): Task {
  assertStartableBy({ ...row, state: row.state as TaskState }, workerId);
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
  appendEventTx(tx, {
    kind: "task.started",
    taskId: row.id,
    workerId,
    actor: workerId,
    data: { attempt, token, ...(decision ? { decision } : {}) },
  });
  return task;
}

export function storeResultTx(tx: Tx, taskId: string, token: number, result: unknown): Task {
  const { row } = fenceRunningTx(tx, taskId, token, "result stored");
  const task = updateTaskTx(tx, taskId, { result: toJson(result ?? null, "result", LIMITS.resultBytes) });
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
  const result = opts.result === undefined ? undefined : toJson(opts.result, "result", LIMITS.resultBytes);
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

export function failTaskTx(tx: Tx, taskId: string, token: number, error: AttemptFailure): Task {
  const failure = parseOrThrow(failureSchema, error, "error");
  const { row, lock } = fenceRunningTx(tx, taskId, token, "failed");
  releaseHeldLockTx(tx, lock);
  return failAttemptTx(tx, row, failure, row.workerId ?? "unknown");
}

/** running → failed or dead, as domain/attempt-failure.ts decides. */
export function failAttemptTx(tx: Tx, row: TaskRow, failure: AttemptFailure, actor: string): Task {
  const outcome = failureOutcome(row, failure, tx.now);
  const lastError = outcome.error;
  const task =
    outcome.state === "failed"
      ? updateTaskTx(tx, row.id, { state: "failed", lastError, runAt: outcome.runAt })
      : updateTaskTx(tx, row.id, { state: "dead", lastError, finishedAt: tx.now });
  appendEventTx(tx, {
    kind: failureEventKind(outcome),
    taskId: row.id,
    workerId: row.workerId,
    actor,
    data: {
      attempt: row.attempts,
      maxAttempts: row.maxAttempts,
      error: lastError,
      retryable: failure.retryable,
      ...(outcome.state === "failed" ? { runAt: outcome.runAt } : {}),
    },
  });
  if (task.state === "dead") settleDependentsTx(tx, row.id, actor);
  return task;
}

export function cancelTaskTx(tx: Tx, taskId: string, opts: { actor: string; reason: string }): Task {
  const { actor, reason } = parseOrThrow(operatorSchema, opts, "options");
  const row = readTaskRowTx(tx, taskId);
  assertTaskAction(taskId, "cancel", row.state as TaskState);
  revokeLockTx(tx, taskId, { actor, reason: `task cancelled: ${reason}` });
  const task = updateTaskTx(tx, taskId, { state: "cancelled", finishedAt: tx.now });
  appendEventTx(tx, {
    kind: "task.cancelled",
    taskId,
    workerId: row.workerId,
    actor,
    data: { from: row.state, reason },
  });
  settleDependentsTx(tx, taskId, actor);
  return task;
}

/** Back to queued now (allowed from queued too: that is how an operator re-pins a waiting task). */
export function requeueTaskTx(
  tx: Tx,
  taskId: string,
  opts: { actor: string; reason: string; pinnedWorkerId?: string | null; resetAttempts?: boolean },
): Task {
  const { actor, reason, pinnedWorkerId, resetAttempts } = parseOrThrow(requeueSchema, opts, "options");
  const row = readTaskRowTx(tx, taskId);
  assertTaskAction(taskId, "requeue", row.state as TaskState);
  assertDependenciesNotDoomedTx(tx, row);
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

/** A delayed task runs now: its runAt moves to the store's now (domain/task-delay.ts decides which tasks qualify). */
export function promoteTaskTx(tx: Tx, taskId: string, opts: { actor: string; reason: string }): Task {
  const { actor, reason } = parseOrThrow(operatorSchema, opts, "options");
  const row = readTaskRowTx(tx, taskId);
  assertPromotable({ id: taskId, state: row.state as TaskState, runAt: row.runAt }, tx.now);
  const task = updateTaskTx(tx, taskId, { runAt: tx.now });
  appendEventTx(tx, {
    kind: "task.promoted",
    taskId,
    workerId: null,
    actor,
    data: { runAt: row.runAt, reason },
  });
  return task;
}

/** queued → queued with a new priority and/or params, checked and written in one transaction. */
export function editTaskTx(tx: Tx, taskId: string, input: TaskEdit, actor: string): Task {
  const edit = parseOrThrow(taskEditSchema, input, "edit");
  parseOrThrow(operatorSchema.shape.actor, actor, "actor");
  const row = readTaskRowTx(tx, taskId);
  assertTaskAction(taskId, "edit", row.state as TaskState, "edited");
  const change = describeEdit({ priority: row.priority, params: fromJson(row.params) }, edit);
  const task = updateTaskTx(tx, taskId, {
    ...(edit.priority === undefined ? {} : { priority: edit.priority }),
    ...(edit.params === undefined ? {} : { params: toJson(edit.params, "params", LIMITS.paramsBytes) }),
  });
  appendEventTx(tx, { kind: "task.edited", taskId, workerId: null, actor, data: change });
  return task;
}
