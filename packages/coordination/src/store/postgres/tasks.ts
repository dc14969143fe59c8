import { LIMITS } from "../../domain/limits.js";
import { type NewTask, newTaskSchema, type Page, type Task, type TaskFilter } from "../../domain/task.js";
import { firstRunAt } from "../../domain/task-delay.js";
import { CLAIMABLE_TASK_STATES } from "../../domain/task-transitions.js";
import type { TypeLimit } from "../../domain/task-type-limit.js";
import { pauseOf, type TypePause } from "../../domain/task-type-pause.js";
import { StoreIntegrityError, ValidationError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { claimableSchema, filterSchema, operatorSchema } from "../port-schemas.js";
import { newTaskId } from "../sqlite/ids.js";
import { toJson } from "../sqlite/json.js";
import { TASK_COLUMNS_SQL, taskRowOfValues, toTask } from "../sqlite/rows.js";
import { appendEventTx } from "./events.js";
import { lockLiveSql } from "./lock-liveness.js";
import { DEPENDENCIES_SATISFIED_SQL, recordDependenciesTx } from "./task-dependencies.js";
import { PgTx, SERVER_NOW_SQL } from "./transaction.js";
import { LIMITS_SELECT, LimitBudget } from "./type-limits.js";
import { PAUSES_SELECT } from "./type-pauses.js";

const INSERT_TASK = `INSERT INTO tasks AS t (id, type, title, priority, params, state, attempts, max_attempts, timeout_ms,
    run_at, pinned_worker_id, affinity_key, depends_on, on_dependency_failure, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $7, $8, $9, $10, $11, $12, $13, $13)
  RETURNING ${TASK_COLUMNS_SQL}`;
const INSERT_LOCK = "INSERT INTO locks (task_id, seq) VALUES ($1, 0)";

export async function createTaskTx(tx: PgTx, input: NewTask, actor: string): Promise<Task> {
  const task = parseOrThrow(newTaskSchema, input, "task");
  parseOrThrow(operatorSchema.shape.actor, actor, "actor");
  const now = await tx.now();
  const id = newTaskId(now);
  const [values] = await tx.values(INSERT_TASK, [
    id,
    task.type,
    task.title ?? task.type,
    task.priority,
    toJson(task.params, "params", LIMITS.paramsBytes),
    task.maxAttempts,
    task.timeoutMs,
    firstRunAt(task, now),
    task.pinnedWorkerId ?? null,
    task.affinityKey ?? null,
    JSON.stringify(task.dependsOn ?? []),
    task.onDependencyFailure ?? "cancel",
    now,
  ]);
  if (!values) throw new StoreIntegrityError(`task ${id} vanished inside its own transaction`);
  const row = taskRowOfValues(values);
  await tx.run(INSERT_LOCK, [id]);
  await recordDependenciesTx(tx, id, task.dependsOn ?? []);
  await appendEventTx(tx, {
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

const GET_TASK = `SELECT ${TASK_COLUMNS_SQL} FROM tasks t WHERE t.id = $1`;

/**
 * The claim poll: domain/task-claims.ts `isClaimableBy` in SQL, plus "no live lock", in its
 * `compareClaimOrder` (priority, then creation, then id: a recovered task keeps its place). The state
 * list (CLAIMABLE_TASK_STATES, which renders as `IN ('queued', 'failed')`) and the ORDER BY
 * are spelled exactly as the partial index `tasks_claimable_idx` (schema.ts), so the planner
 * can walk that index in order and stop after `limit` matches instead of sorting every
 * claimable row (the id tie-break is left in the column's collation for that reason; task
 * ids are `t_` and lower-case base36 of a fixed width, which every collation orders by code unit).
 * Types arrive as one array parameter, so one statement serves any number of them; the
 * paused ones and those at their concurrency limit are taken out of that array first
 * (listClaimableTx). A dependent whose dependencies have not all succeeded is skipped row by
 * row (DEPENDENCIES_SATISFIED_SQL; a task without any skips the subquery).
 * The live-lock test is an anti-join rather than a join with a 0/1 flag: the planner misjudges
 * how many rows such a flag keeps and then reads and sorts the whole backlog (10 ms at 2,000
 * queued tasks, 33 ms at 20,000), where the anti-join walks the index and stops (0.8 ms at
 * 20,000, measured on this machine).
 * Parameters: $1 now, $2 types (text[]), $3 worker id, $4 limit.
 */
export const LIST_CLAIMABLE = `SELECT ${TASK_COLUMNS_SQL}
  FROM tasks t
  WHERE t.state IN (${CLAIMABLE_TASK_STATES.map((state) => `'${state}'`).join(", ")})
    AND t.run_at <= $1
    AND t.type = ANY($2::text[])
    AND (t.pinned_worker_id IS NULL OR t.pinned_worker_id = $3)
    AND NOT EXISTS (SELECT 1 FROM locks l JOIN workers w ON w.id = l.owner_id
      WHERE l.task_id = t.id AND ${lockLiveSql("$1")})
    AND ${DEPENDENCIES_SATISFIED_SQL}
  ORDER BY t.priority DESC, t.created_at, t.id
  LIMIT $4`;

export async function getTaskTx(tx: PgTx, taskId: string): Promise<Task | null> {
  const [values] = await tx.values(GET_TASK, [taskId]);
  return values ? toTask(taskRowOfValues(values)) : null;
}

/**
 * Newest first (ids sort by creation); the cursor is the last id of the previous page. Ids
 * compare in the column's collation so the primary key serves the order (see LIST_CLAIMABLE).
 * The search is case-insensitive, as SQLite's LIKE is (for ASCII) and the other stores are;
 * `\`, `%` and `_` in it are escaped with a backslash, Postgres's default LIKE escape.
 */
export async function listTasksTx(tx: PgTx, filter: TaskFilter): Promise<Page<Task>> {
  const f = parseOrThrow(filterSchema, filter, "filter");
  const after = f.cursor ? decodeCursor(f.cursor) : null;
  const pattern = f.search ? `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const values: unknown[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const where: string[] = [];
  if (f.states) where.push(`t.state = ANY(${param(f.states)}::text[])`);
  if (f.types) where.push(`t.type = ANY(${param(f.types)}::text[])`);
  if (f.workerId) where.push(`t.worker_id = ${param(f.workerId)}`);
  if (pattern) {
    const p = param(pattern);
    where.push(`(t.id ILIKE ${p} OR t.title ILIKE ${p} OR t.type ILIKE ${p} OR t.params ILIKE ${p})`);
  }
  if (after) where.push(`t.id < ${param(after)}`);
  const rows = await tx.values(
    `SELECT ${TASK_COLUMNS_SQL} FROM tasks t ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY t.id DESC LIMIT ${param(f.limit + 1)}`,
    values,
  );
  const items = rows.slice(0, f.limit).map((row) => toTask(taskRowOfValues(row)));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > f.limit && last ? encodeCursor(last.id) : null };
}

interface ClaimGates extends Record<string, unknown> {
  now: number;
  pauses: TypePause[];
  limits: TypeLimit[];
}

/**
 * A poll's instant, the pauses and the per-type limits, in one round trip: a poll runs on its
 * own (no transaction), and three reads were three round trips before the claim query. The
 * claim re-reads pauses and limits inside its write transaction; here they only spare it
 * candidates it would refuse.
 */
const CLAIM_GATES = `SELECT ${SERVER_NOW_SQL} AS now,
  (SELECT COALESCE(json_agg(p), '[]') FROM (${PAUSES_SELECT}) p) AS pauses,
  (SELECT COALESCE(json_agg(l), '[]') FROM (${LIMITS_SELECT}) l) AS limits`;

export async function listClaimableTx(
  tx: PgTx,
  opts: { types: string[]; workerId: string; limit: number },
): Promise<Task[]> {
  const { workerId, limit, ...requested } = parseOrThrow(claimableSchema, opts, "options");
  const gates = await tx.get<ClaimGates>(CLAIM_GATES);
  if (!gates) throw new StoreIntegrityError("the claim poll's gates read no row");
  const now = Number(gates.now);
  const limits = new LimitBudget(new PgTx(tx.client, now), gates.limits);
  const types: string[] = [];
  for (const type of requested.types)
    if (pauseOf(type, gates.pauses) === null && (await limits.leftFor(type)) > 0) types.push(type);
  if (types.length === 0) return [];
  const rows = await tx.values(LIST_CLAIMABLE, [now, types, workerId, limit]);
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
