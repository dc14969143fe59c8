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
import { fromJson, toJson } from "../sqlite/json.js";
import {
  LOCK_COLUMN_COUNT,
  LOCK_COLUMNS_SQL,
  lockRowOfValues,
  TASK_COLUMN_COUNT,
  TASK_COLUMNS_SQL,
  type TaskRow,
  taskRowOfValues,
  toTask,
} from "../sqlite/rows.js";
import { appendEventTx } from "./events.js";
import { lockLiveFlagSql } from "./lock-liveness.js";
import {
  type LockState,
  planHeldLockReleaseTx,
  readLockTx,
  releaseHeldLockTx,
  revokeLockTx,
  writeHeldLockReleasesTx,
} from "./locks.js";
import {
  assertDependenciesNotDoomedTx,
  assertDependenciesSatisfiedTx,
  settleDependentsTx,
} from "./task-dependencies.js";
import type { PgTx } from "./transaction.js";
import { takeLimitSlotTx } from "./type-limits.js";
import { listPausedTypesTx } from "./type-pauses.js";

type TaskUpdate = Partial<Omit<TaskRow, "id" | "updatedAt">>;

const readTaskAndLockSql = (
  where: string,
) => `SELECT ${TASK_COLUMNS_SQL}, ${LOCK_COLUMNS_SQL}, ${lockLiveFlagSql("$2")} AS live
  FROM tasks t JOIN locks l ON l.task_id = t.id LEFT JOIN workers w ON w.id = l.owner_id
  WHERE ${where}`;
const READ_TASK_AND_LOCK = readTaskAndLockSql("t.id = $1");
const READ_TASKS_AND_LOCKS = readTaskAndLockSql("t.id = ANY($1::text[])");
const READ_TASK = `SELECT ${TASK_COLUMNS_SQL} FROM tasks t WHERE t.id = $1`;

/** The lock's columns and its liveness flag follow the task's in a READ_TASK_AND_LOCK row. */
const LIVE_AT = TASK_COLUMN_COUNT + LOCK_COLUMN_COUNT;

/** A task with its lock row and the lock's liveness, in one read (the hot transitions' first step). */
export async function readTaskAndLockTx(tx: PgTx, taskId: string): Promise<{ row: TaskRow; lock: LockState } | null> {
  const [found] = await tx.values(READ_TASK_AND_LOCK, [taskId, await tx.now()]);
  return found ? taskAndLockOfValues(found) : null;
}

/** `readTaskAndLockTx` for many tasks in one read, by id (a claim batch's candidates); unknown ids are absent. */
export async function readTasksAndLocksTx(
  tx: PgTx,
  taskIds: readonly string[],
): Promise<Map<string, { row: TaskRow; lock: LockState }>> {
  const found = await tx.values(READ_TASKS_AND_LOCKS, [taskIds, await tx.now()]);
  return new Map(found.map((values) => [values[0] as string, taskAndLockOfValues(values)]));
}

function taskAndLockOfValues(values: unknown[]): { row: TaskRow; lock: LockState } {
  const row = taskRowOfValues(values);
  return { row, lock: { row: lockRowOfValues(row.id, values, TASK_COLUMN_COUNT), live: values[LIVE_AT] === 1 } };
}

async function readTaskRowTx(tx: PgTx, taskId: string): Promise<TaskRow> {
  const [found] = await tx.values(READ_TASK, [taskId]);
  if (!found) throw new NotFoundError("task", taskId);
  return taskRowOfValues(found);
}

/** The column of a TaskRow property: its name in snake_case (schema.ts names every column so). */
const columnOf = (property: string): string => property.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

async function updateTaskTx(tx: PgTx, taskId: string, set: TaskUpdate): Promise<Task> {
  const entries = Object.entries(set).filter(([, value]) => value !== undefined);
  const values: unknown[] = entries.map(([, value]) => value);
  const assignments = entries.map(([property], i) => `${columnOf(property)} = $${i + 1}`);
  values.push(await tx.now(), taskId);
  assignments.push(`updated_at = $${values.length - 1}`);
  const [found] = await tx.values(
    `UPDATE tasks t SET ${assignments.join(", ")} WHERE t.id = $${values.length} RETURNING ${TASK_COLUMNS_SQL}`,
    values,
  );
  if (!found) throw new NotFoundError("task", taskId);
  return toTask(taskRowOfValues(found));
}

/** Read the task and its lock and apply the fence for writes of a running attempt (domain/fencing.ts). */
export async function fenceRunningTx(
  tx: PgTx,
  taskId: string,
  token: number,
  target: string,
  known?: { row: TaskRow; lock: LockState },
): Promise<{ row: TaskRow; lock: LockState }> {
  parseOrThrow(tokenSchema, token, "token");
  const found = known ?? (await readTaskAndLockTx(tx, taskId));
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
export async function startTaskTx(tx: PgTx, taskId: string, token: number, workerId: string): Promise<Task> {
  parseOrThrow(tokenSchema, token, "token");
  parseOrThrow(z.string().min(1).max(200), workerId, "workerId");
  const row = await readTaskRowTx(tx, taskId);
  const lock = await readLockTx(tx, taskId);
  if (!lock) throw new NotFoundError("lock", taskId);
  const { seq, ownerId } = lock.row;
  const liveHolder = lock.live && ownerId !== null ? { ownerId, token: seq } : null;
  assertStartFence({ taskId, token, lockToken: seq, workerId, liveHolder });
  assertNotPaused(row, await listPausedTypesTx(tx));
  assertDue({ ...row, state: row.state as TaskState }, await tx.now());
  await takeLimitSlotTx(tx, row);
  await assertDependenciesSatisfiedTx(tx, row);
  return startAttemptTx(tx, row, token, workerId);
}

/** The state change of a start, once the caller holds the live lock `token`; `decision` (why this worker) rides on its event. */
export async function startAttemptTx(
  tx: PgTx,
  row: TaskRow,
  token: number,
  workerId: string,
  decision?: AssignmentDecision,
): Promise<Task> {
  const task = await planStartAttemptTx(tx, row, token, workerId, decision);
  await writeStartsTx(tx, [task]);
  return task;
}

/**
 * `startAttemptTx` without its row write, which the caller does for a whole batch with
 * `writeStartsTx` (a claim batch); its event is appended here, in the one-by-one order.
 */
export async function planStartAttemptTx(
  tx: PgTx,
  row: TaskRow,
  token: number,
  workerId: string,
  decision?: AssignmentDecision,
): Promise<Task> {
  assertStartableBy({ ...row, state: row.state as TaskState }, workerId);
  const attempt = row.attempts + 1;
  const now = await tx.now();
  const task = toTask({
    ...row,
    state: "running",
    attempts: attempt,
    workerId,
    fencingToken: token,
    result: null,
    startedAt: now,
    finishedAt: null,
    updatedAt: now,
  });
  await appendEventTx(tx, {
    kind: "task.started",
    taskId: row.id,
    workerId,
    actor: workerId,
    data: { attempt, token, ...(decision ? { decision } : {}) },
  });
  return task;
}

const START_ATTEMPTS = `UPDATE tasks t SET state = 'running', attempts = v.attempts, worker_id = v.worker_id,
    fencing_token = v.token, result = NULL, started_at = v.started_at, finished_at = NULL, updated_at = v.started_at
  FROM unnest($1::text[], $2::int4[], $3::text[], $4::int8[], $5::int8[]) AS v(id, attempts, worker_id, token, started_at)
  WHERE t.id = v.id`;

/** The rows of planned starts (the tasks as `planStartAttemptTx` returned them), in one statement. */
export async function writeStartsTx(tx: PgTx, tasks: readonly Task[]): Promise<void> {
  if (tasks.length === 0) return;
  await tx.run(START_ATTEMPTS, [
    tasks.map((t) => t.id),
    tasks.map((t) => t.attempts),
    tasks.map((t) => t.workerId),
    tasks.map((t) => t.fencingToken),
    tasks.map((t) => t.startedAt),
  ]);
}

export async function storeResultTx(tx: PgTx, taskId: string, token: number, result: unknown): Promise<Task> {
  const { row } = await fenceRunningTx(tx, taskId, token, "result stored");
  const task = await updateTaskTx(tx, taskId, { result: toJson(result ?? null, "result", LIMITS.resultBytes) });
  await appendEventTx(tx, {
    kind: "task.result_stored",
    taskId,
    workerId: row.workerId,
    actor: row.workerId ?? "unknown",
    data: { token },
  });
  return task;
}

/** Checks come first and nothing is written unless all pass, so a refused completion leaves no trace. */
export async function completeTaskTx(
  tx: PgTx,
  taskId: string,
  token: number,
  opts: { result?: unknown } = {},
  known?: { row: TaskRow; lock: LockState },
): Promise<Task> {
  const completion = await planCompletionTx(tx, taskId, token, opts, known);
  await writeCompletionsTx(tx, [completion]);
  return completion.task;
}

/** What a completion writes: the task as it ends, its result text if one was given, whether its lock is held. */
export interface PlannedCompletion {
  task: Task;
  result: string | undefined;
  releasesLock: boolean;
}

/**
 * `completeTaskTx` without its row writes, which the caller does for a whole batch of
 * different tasks with `writeCompletionsTx`; it throws exactly where `completeTaskTx` would,
 * before anything is planned, and appends the events in the one-by-one order.
 */
export async function planCompletionTx(
  tx: PgTx,
  taskId: string,
  token: number,
  opts: { result?: unknown } = {},
  known?: { row: TaskRow; lock: LockState },
): Promise<PlannedCompletion> {
  const result = opts.result === undefined ? undefined : toJson(opts.result, "result", LIMITS.resultBytes);
  const { row, lock } = await fenceRunningTx(tx, taskId, token, "succeeded", known);
  const now = await tx.now();
  const task = toTask({
    ...row,
    state: "succeeded",
    finishedAt: now,
    updatedAt: now,
    ...(result === undefined ? {} : { result }),
  });
  const releasesLock = await planHeldLockReleaseTx(tx, lock);
  await appendEventTx(tx, {
    kind: "task.succeeded",
    taskId,
    workerId: row.workerId,
    actor: row.workerId ?? "unknown",
    data: { token, attempt: row.attempts },
  });
  return { task, result, releasesLock };
}

const MARK_ALL_SUCCEEDED = `UPDATE tasks t SET state = 'succeeded', finished_at = v.finished_at, updated_at = v.finished_at,
    result = CASE WHEN v.has_result THEN v.result ELSE t.result END
  FROM unnest($1::text[], $2::int8[], $3::bool[], $4::text[]) AS v(id, finished_at, has_result, result)
  WHERE t.id = v.id`;

/** The rows of planned completions of different tasks: the tasks in one statement, their held locks in another. */
export async function writeCompletionsTx(tx: PgTx, completions: readonly PlannedCompletion[]): Promise<void> {
  if (completions.length === 0) return;
  await tx.run(MARK_ALL_SUCCEEDED, [
    completions.map((c) => c.task.id),
    completions.map((c) => c.task.finishedAt),
    completions.map((c) => c.result !== undefined),
    completions.map((c) => c.result ?? null),
  ]);
  await writeHeldLockReleasesTx(
    tx,
    completions.filter((c) => c.releasesLock).map((c) => c.task.id),
  );
}

export async function failTaskTx(tx: PgTx, taskId: string, token: number, error: AttemptFailure): Promise<Task> {
  const failure = parseOrThrow(failureSchema, error, "error");
  const { row, lock } = await fenceRunningTx(tx, taskId, token, "failed");
  await releaseHeldLockTx(tx, lock);
  return failAttemptTx(tx, row, failure, row.workerId ?? "unknown");
}

/** running → failed or dead, as domain/attempt-failure.ts decides. */
export async function failAttemptTx(tx: PgTx, row: TaskRow, failure: AttemptFailure, actor: string): Promise<Task> {
  const now = await tx.now();
  const outcome = failureOutcome(row, failure, now);
  const lastError = outcome.error;
  const task =
    outcome.state === "failed"
      ? await updateTaskTx(tx, row.id, { state: "failed", lastError, runAt: outcome.runAt })
      : await updateTaskTx(tx, row.id, { state: "dead", lastError, finishedAt: now });
  await appendEventTx(tx, {
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
  if (task.state === "dead") await settleDependentsTx(tx, row.id, actor);
  return task;
}

export async function cancelTaskTx(tx: PgTx, taskId: string, opts: { actor: string; reason: string }): Promise<Task> {
  const { actor, reason } = parseOrThrow(operatorSchema, opts, "options");
  const row = await readTaskRowTx(tx, taskId);
  assertTaskAction(taskId, "cancel", row.state as TaskState);
  await revokeLockTx(tx, taskId, { actor, reason: `task cancelled: ${reason}` });
  const task = await updateTaskTx(tx, taskId, { state: "cancelled", finishedAt: await tx.now() });
  await appendEventTx(tx, {
    kind: "task.cancelled",
    taskId,
    workerId: row.workerId,
    actor,
    data: { from: row.state, reason },
  });
  await settleDependentsTx(tx, taskId, actor);
  return task;
}

/** Back to queued now (allowed from queued too: that is how an operator re-pins a waiting task). */
export async function requeueTaskTx(
  tx: PgTx,
  taskId: string,
  opts: { actor: string; reason: string; pinnedWorkerId?: string | null; resetAttempts?: boolean },
): Promise<Task> {
  const { actor, reason, pinnedWorkerId, resetAttempts } = parseOrThrow(requeueSchema, opts, "options");
  const row = await readTaskRowTx(tx, taskId);
  assertTaskAction(taskId, "requeue", row.state as TaskState);
  await assertDependenciesNotDoomedTx(tx, row);
  await revokeLockTx(tx, taskId, { actor, reason: `task requeued: ${reason}` });
  const task = await updateTaskTx(tx, taskId, {
    state: "queued",
    runAt: await tx.now(),
    finishedAt: null,
    ...(pinnedWorkerId === undefined ? {} : { pinnedWorkerId }),
    ...(resetAttempts ? { attempts: 0 } : {}),
  });
  await appendEventTx(tx, {
    kind: "task.requeued",
    taskId,
    workerId: row.workerId,
    actor,
    data: { from: row.state, reason, resetAttempts: resetAttempts ?? false },
  });
  if (pinnedWorkerId !== undefined && pinnedWorkerId !== row.pinnedWorkerId) {
    await appendEventTx(tx, {
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
export async function promoteTaskTx(tx: PgTx, taskId: string, opts: { actor: string; reason: string }): Promise<Task> {
  const { actor, reason } = parseOrThrow(operatorSchema, opts, "options");
  const row = await readTaskRowTx(tx, taskId);
  const now = await tx.now();
  assertPromotable({ id: taskId, state: row.state as TaskState, runAt: row.runAt }, now);
  const task = await updateTaskTx(tx, taskId, { runAt: now });
  await appendEventTx(tx, {
    kind: "task.promoted",
    taskId,
    workerId: null,
    actor,
    data: { runAt: row.runAt, reason },
  });
  return task;
}

/** queued → queued with a new priority and/or params, checked and written in one transaction. */
export async function editTaskTx(tx: PgTx, taskId: string, input: TaskEdit, actor: string): Promise<Task> {
  const edit = parseOrThrow(taskEditSchema, input, "edit");
  parseOrThrow(operatorSchema.shape.actor, actor, "actor");
  const row = await readTaskRowTx(tx, taskId);
  assertTaskAction(taskId, "edit", row.state as TaskState, "edited");
  const change = describeEdit({ priority: row.priority, params: fromJson(row.params) }, edit);
  const task = await updateTaskTx(tx, taskId, {
    ...(edit.priority === undefined ? {} : { priority: edit.priority }),
    ...(edit.params === undefined ? {} : { params: toJson(edit.params, "params", LIMITS.paramsBytes) }),
  });
  await appendEventTx(tx, { kind: "task.edited", taskId, workerId: null, actor, data: change });
  return task;
}
