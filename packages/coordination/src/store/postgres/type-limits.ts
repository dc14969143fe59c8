import {
  applyLimitChange,
  describeLimitWait,
  startsLeft,
  type TypeLimit,
  type TypeLimitChange,
  type TypeLoad,
} from "../../domain/task-type-limit.js";
import { TypeLimitReachedError } from "../../errors.js";
import { appendEventTx } from "./events.js";
import type { PgTx } from "./transaction.js";

const RUNNING_OF_TYPE = "SELECT count(*) AS n FROM tasks WHERE state = 'running' AND type = $1";
const STARTS_SINCE = "SELECT count(*) AS n FROM task_type_starts WHERE type = $1 AND at > $2";
const RECORD_START = "INSERT INTO task_type_starts (type, at) VALUES ($1, $2)";
const FORGET_STARTS_UNTIL = "DELETE FROM task_type_starts WHERE type = $1 AND at <= $2";
const DELETE_LIMIT = "DELETE FROM task_type_limits WHERE type = $1";
const INSERT_LIMIT =
  "INSERT INTO task_type_limits (type, max_running, max_starts, interval_ms, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)";
const DELETE_STARTS = "DELETE FROM task_type_starts WHERE type = $1";

/** By type in code-unit order, as SQLite's BINARY collation sorts them (COLLATE "C"). */
export const LIMITS_SELECT = `SELECT type, max_running AS "maxRunning", max_starts AS "maxStarts", interval_ms AS "intervalMs",
  set_by AS "setBy", set_at AS "setAt" FROM task_type_limits`;
const LIST_LIMITS = `${LIMITS_SELECT} ORDER BY type COLLATE "C"`;

/** Every claim poll and every claim reads it. */
export async function listTypeLimitsTx(tx: PgTx): Promise<TypeLimit[]> {
  return tx.all<TypeLimit & Record<string, unknown>>(LIST_LIMITS);
}

/** Applies `change` to the type's limit (see TypeLimitChange); returns the limit now in force. */
export async function setTypeLimitTx(
  tx: PgTx,
  type: string,
  change: TypeLimitChange,
  actor: string,
): Promise<TypeLimit | null> {
  const current = (await listTypeLimitsTx(tx)).find((l) => l.type === type) ?? null;
  const limit = applyLimitChange(current, type, change, actor, await tx.now());
  await tx.run(DELETE_LIMIT, [type]);
  if (limit)
    await tx.run(INSERT_LIMIT, [
      limit.type,
      limit.maxRunning,
      limit.maxStarts,
      limit.intervalMs,
      limit.setBy,
      limit.setAt,
    ]);
  // Starts are recorded only while a starts limit exists: a new or changed one counts from now on.
  if (limit?.maxStarts == null) await tx.run(DELETE_STARTS, [type]);
  const data = {
    type,
    maxRunning: limit?.maxRunning ?? null,
    maxStarts: limit?.maxStarts ?? null,
    intervalMs: limit?.intervalMs ?? null,
  };
  await appendEventTx(tx, { kind: "queue.limit_set", taskId: null, workerId: null, actor, data });
  return limit;
}

export async function runningOfTypeTx(tx: PgTx, type: string): Promise<number> {
  return Number((await tx.get<{ n: number }>(RUNNING_OF_TYPE, [type]))?.n ?? 0);
}

/** What the type has used of `limit` now, by the store's clock. */
export async function loadOfTypeTx(tx: PgTx, limit: TypeLimit): Promise<TypeLoad> {
  const running = limit.maxRunning === null ? 0 : await runningOfTypeTx(tx, limit.type);
  const recentStarts =
    limit.intervalMs === null
      ? 0
      : Number((await tx.get<{ n: number }>(STARTS_SINCE, [limit.type, (await tx.now()) - limit.intervalMs]))?.n ?? 0);
  return { running, recentStarts };
}

/** A start that counts against a starts limit, and the forgetting of those out of its window. */
async function recordStartTx(tx: PgTx, limit: TypeLimit): Promise<void> {
  if (limit.intervalMs === null) return;
  const now = await tx.now();
  await tx.run(FORGET_STARTS_UNTIL, [limit.type, now - limit.intervalMs]);
  await tx.run(RECORD_START, [limit.type, now]);
}

/** A two-step start past the type's limit is refused like a claim would skip it; one within it is counted. */
export async function takeLimitSlotTx(tx: PgTx, task: { id: string; type: string; state: string }): Promise<void> {
  const limit = (await listTypeLimitsTx(tx)).find((l) => l.type === task.type);
  if (!limit) return;
  const load = await loadOfTypeTx(tx, limit);
  if (startsLeft(limit, load) <= 0)
    throw new TypeLimitReachedError(task.id, task.state, describeLimitWait(limit, load) ?? "waiting for limit");
  await recordStartTx(tx, limit);
}

/**
 * The starts each limited type has left in this transaction: counted once per type (running
 * tasks and starts within the window), then decremented per start. Write transactions run
 * one at a time (the store's write lock, transaction.ts), so no other claim can start a task
 * between the count and the start: both limits hold under any contention.
 * Built with `LimitBudget.load(tx)`, which reads the limits.
 */
export class LimitBudget {
  private readonly left = new Map<string, number>();

  constructor(
    private readonly tx: PgTx,
    private readonly limits: readonly TypeLimit[],
  ) {}

  static async load(tx: PgTx): Promise<LimitBudget> {
    return new LimitBudget(tx, await listTypeLimitsTx(tx));
  }

  /** Whether a task of `type` may start now; if so it counts against the limit (and is recorded for a starts limit). */
  async take(type: string): Promise<boolean> {
    const left = await this.leftFor(type);
    if (left <= 0) return false;
    this.left.set(type, left - 1);
    const limit = this.limits.find((l) => l.type === type);
    if (limit) await recordStartTx(this.tx, limit);
    return true;
  }

  async leftFor(type: string): Promise<number> {
    const known = this.left.get(type);
    if (known !== undefined) return known;
    const limit = this.limits.find((l) => l.type === type);
    const left = limit ? startsLeft(limit, await loadOfTypeTx(this.tx, limit)) : Number.POSITIVE_INFINITY;
    this.left.set(type, left);
    return left;
  }
}
