import { and, desc, eq, inArray, like, lt, or, sql } from "drizzle-orm";
import { LIMITS } from "../../domain/limits.js";
import { type NewTask, newTaskSchema, type Page, type Task, type TaskFilter } from "../../domain/task.js";
import { firstRunAt } from "../../domain/task-delay.js";
import { CLAIMABLE_TASK_STATES } from "../../domain/task-transitions.js";
import { pauseOf } from "../../domain/task-type-pause.js";
import { ValidationError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { claimableSchema, filterSchema, operatorSchema } from "../port-schemas.js";
import { appendEventTx } from "./events.js";
import { newTaskId } from "./ids.js";
import { toJson } from "./json.js";
import { LOCK_LIVE_FLAG_SQL } from "./lock-liveness.js";
import { TASK_COLUMNS_SQL, taskRowOfValues, toTask } from "./rows.js";
import { locks, tasks } from "./schema.js";
import { DEPENDENCIES_SATISFIED_SQL, recordDependenciesTx } from "./task-dependencies.js";
import type { Tx } from "./transaction.js";
import { LimitBudget } from "./type-limits.js";
import { listPausedTypesTx } from "./type-pauses.js";

export function createTaskTx(tx: Tx, input: NewTask, actor: string): Task {
  const task = parseOrThrow(newTaskSchema, input, "task");
  parseOrThrow(operatorSchema.shape.actor, actor, "actor");
  const id = newTaskId(tx.now);
  const row = tx.db
    .insert(tasks)
    .values({
      id,
      type: task.type,
      title: task.title ?? task.type,
      priority: task.priority,
      params: toJson(task.params, "params", LIMITS.paramsBytes),
      state: "queued",
      attempts: 0,
      maxAttempts: task.maxAttempts,
      timeoutMs: task.timeoutMs,
      runAt: firstRunAt(task, tx.now),
      pinnedWorkerId: task.pinnedWorkerId,
      affinityKey: task.affinityKey,
      dependsOn: JSON.stringify(task.dependsOn ?? []),
      onDependencyFailure: task.onDependencyFailure ?? "cancel",
      createdAt: tx.now,
      updatedAt: tx.now,
    })
    .returning()
    .get();
  tx.db.insert(locks).values({ taskId: id, seq: 0 }).run();
  recordDependenciesTx(tx, id, task.dependsOn ?? []);
  appendEventTx(tx, {
    kind: "task.created",
    taskId: id,
    workerId: null,
    actor,
    data: {
      type: task.type,
      priority: task.priority,
      pinnedWorkerId: task.pinnedWorkerId,
      ...(task.dependsOn?.length ? { dependsOn: task.dependsOn, onDependencyFailure: row.onDependencyFailure } : {}),
    },
  });
  return toTask(row);
}

const GET_TASK = `SELECT ${TASK_COLUMNS_SQL} FROM tasks t WHERE t.id = ?`;

/**
 * The claim poll: domain/task-claims.ts `isClaimableBy` in SQL, plus "no live lock", in its
 * `compareClaimOrder` (priority, then creation, then id: a recovered task keeps its place). The state
 * list (CLAIMABLE_TASK_STATES, which renders as `IN ('queued', 'failed')`) and the ORDER BY
 * are spelled exactly as the partial index `tasks_claimable_idx` (schema.ts), so SQLite walks
 * that index in order and stops after `limit` matches instead of sorting every claimable row
 * (asserted with EXPLAIN QUERY PLAN in the store tests); should the claimable states change
 * without the index, INDEXED BY makes the statement fail to prepare rather than go slow.
 * Types arrive as one JSON array, so one prepared statement serves any number of them; the
 * paused ones and those at their concurrency limit are taken out of that array first
 * (listClaimableTx), which leaves the plan alone. A dependent whose dependencies have not all
 * succeeded is skipped row by row (DEPENDENCIES_SATISFIED_SQL; a task without any skips the subquery).
 */
export const LIST_CLAIMABLE = `SELECT ${TASK_COLUMNS_SQL}
  FROM tasks t INDEXED BY tasks_claimable_idx
  JOIN locks l ON l.task_id = t.id
  LEFT JOIN workers w ON w.id = l.owner_id
  WHERE t.state IN (${CLAIMABLE_TASK_STATES.map((state) => `'${state}'`).join(", ")})
    AND t.run_at <= @now
    AND t.type IN (SELECT value FROM json_each(@types))
    AND (t.pinned_worker_id IS NULL OR t.pinned_worker_id = @workerId)
    AND ${LOCK_LIVE_FLAG_SQL} = 0
    AND ${DEPENDENCIES_SATISFIED_SQL}
  ORDER BY t.priority DESC, t.created_at, t.id
  LIMIT @limit`;

export function getTaskTx(tx: Tx, taskId: string): Task | null {
  const values = tx.rawStatement(GET_TASK).get(taskId) as unknown[] | undefined;
  return values ? toTask(taskRowOfValues(values)) : null;
}

/** Newest first (ids sort by creation); the cursor is the last id of the previous page. */
export function listTasksTx(tx: Tx, filter: TaskFilter): Page<Task> {
  const f = parseOrThrow(filterSchema, filter, "filter");
  const after = f.cursor ? decodeCursor(f.cursor) : null;
  const pattern = f.search ? `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const where = and(
    f.states ? inArray(tasks.state, f.states) : undefined,
    f.types ? inArray(tasks.type, f.types) : undefined,
    f.workerId ? eq(tasks.workerId, f.workerId) : undefined,
    pattern
      ? or(
          like(tasks.id, sql`${pattern} ESCAPE '\\'`),
          like(tasks.title, sql`${pattern} ESCAPE '\\'`),
          like(tasks.type, sql`${pattern} ESCAPE '\\'`),
          like(tasks.params, sql`${pattern} ESCAPE '\\'`),
        )
      : undefined,
    after ? lt(tasks.id, after) : undefined,
  );
  const rows = tx.db
    .select()
    .from(tasks)
    .where(where)
    .orderBy(desc(tasks.id))
    .limit(f.limit + 1)
    .all();
  const items = rows.slice(0, f.limit).map(toTask);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > f.limit && last ? encodeCursor(last.id) : null };
}

export function listClaimableTx(tx: Tx, opts: { types: string[]; workerId: string; limit: number }): Task[] {
  const { workerId, limit, ...requested } = parseOrThrow(claimableSchema, opts, "options");
  const pauses = listPausedTypesTx(tx);
  const limits = new LimitBudget(tx);
  const types = requested.types.filter((type) => pauseOf(type, pauses) === null && limits.leftFor(type) > 0);
  if (types.length === 0) return [];
  const rows = tx
    .rawStatement(LIST_CLAIMABLE)
    .all({ now: tx.now, types: JSON.stringify(types), workerId, limit }) as unknown[][];
  return rows.map((values) => toTask(taskRowOfValues(values)));
}

function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ id }), "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { id?: unknown };
    if (typeof parsed.id === "string") return parsed.id;
  } catch {
    // fall through to the validation error below
  }
  throw new ValidationError("cursor", "a nextCursor value returned by listTasks", cursor);
}
