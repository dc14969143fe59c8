import { eq } from "drizzle-orm";
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
import { taskTypeLimits, taskTypeStarts } from "./schema.js";
import type { Tx } from "./transaction.js";

const RUNNING_OF_TYPE = "SELECT count(*) FROM tasks WHERE state = 'running' AND type = ?";
const STARTS_SINCE = "SELECT count(*) FROM task_type_starts WHERE type = ? AND at > ?";
const RECORD_START = "INSERT INTO task_type_starts (type, at) VALUES (?, ?)";
const FORGET_STARTS_UNTIL = "DELETE FROM task_type_starts WHERE type = ? AND at <= ?";

const LIST_LIMITS =
  "SELECT type, max_running AS maxRunning, max_starts AS maxStarts, interval_ms AS intervalMs, set_by AS setBy, set_at AS setAt FROM task_type_limits ORDER BY type";

/** Prepared: every claim poll and every claim reads it. */
export function listTypeLimitsTx(tx: Tx): TypeLimit[] {
  return tx.statement(LIST_LIMITS).all() as TypeLimit[];
}

/** Applies `change` to the type's limit (see TypeLimitChange); returns the limit now in force. */
export function setTypeLimitTx(tx: Tx, type: string, change: TypeLimitChange, actor: string): TypeLimit | null {
  const current = listTypeLimitsTx(tx).find((l) => l.type === type) ?? null;
  const limit = applyLimitChange(current, type, change, actor, tx.now);
  tx.db.delete(taskTypeLimits).where(eq(taskTypeLimits.type, type)).run();
  if (limit) tx.db.insert(taskTypeLimits).values(limit).run();
  // Starts are recorded only while a starts limit exists: a new or changed one counts from now on.
  if (limit?.maxStarts == null) tx.db.delete(taskTypeStarts).where(eq(taskTypeStarts.type, type)).run();
  const data = {
    type,
    maxRunning: limit?.maxRunning ?? null,
    maxStarts: limit?.maxStarts ?? null,
    intervalMs: limit?.intervalMs ?? null,
  };
  appendEventTx(tx, { kind: "queue.limit_set", taskId: null, workerId: null, actor, data });
  return limit;
}

export function runningOfTypeTx(tx: Tx, type: string): number {
  return tx.statement(RUNNING_OF_TYPE).pluck().get(type) as number;
}

/** What the type has used of `limit` now, by the store's clock. */
export function loadOfTypeTx(tx: Tx, limit: TypeLimit): TypeLoad {
  const running = limit.maxRunning === null ? 0 : runningOfTypeTx(tx, limit.type);
  const recentStarts =
    limit.intervalMs === null
      ? 0
      : (tx
          .statement(STARTS_SINCE)
          .pluck()
          .get(limit.type, tx.now - limit.intervalMs) as number);
  return { running, recentStarts };
}

/** A start that counts against a starts limit, and the forgetting of those out of its window. */
function recordStartTx(tx: Tx, limit: TypeLimit): void {
  if (limit.intervalMs === null) return;
  tx.statement(FORGET_STARTS_UNTIL).run(limit.type, tx.now - limit.intervalMs);
  tx.statement(RECORD_START).run(limit.type, tx.now);
}

/** A two-step start past the type's limit is refused like a claim would skip it; one within it is counted. */
export function takeLimitSlotTx(tx: Tx, task: { id: string; type: string; state: string }): void {
  const limit = listTypeLimitsTx(tx).find((l) => l.type === task.type);
  if (!limit) return;
  const load = loadOfTypeTx(tx, limit);
  if (startsLeft(limit, load) <= 0)
    throw new TypeLimitReachedError(task.id, task.state, describeLimitWait(limit, load) ?? "waiting for limit");
  recordStartTx(tx, limit);
}

/**
 * The starts each limited type has left in this transaction: counted once per type (running
 * tasks and starts within the window), then decremented per start. SQLite runs one write
 * transaction at a time, so no other claim can start a task between the count and the start:
 * both limits hold under any contention.
 */
export class LimitBudget {
  private readonly left = new Map<string, number>();

  constructor(
    private readonly tx: Tx,
    private readonly limits: readonly TypeLimit[] = listTypeLimitsTx(tx),
  ) {}

  /** Whether a task of `type` may start now; if so it counts against the limit (and is recorded for a starts limit). */
  take(type: string): boolean {
    const left = this.leftFor(type);
    if (left <= 0) return false;
    this.left.set(type, left - 1);
    const limit = this.limits.find((l) => l.type === type);
    if (limit) recordStartTx(this.tx, limit);
    return true;
  }

  leftFor(type: string): number {
    const known = this.left.get(type);
    if (known !== undefined) return known;
    const limit = this.limits.find((l) => l.type === type);
    const left = limit ? startsLeft(limit, loadOfTypeTx(this.tx, limit)) : Number.POSITIVE_INFINITY;
    this.left.set(type, left);
    return left;
  }
}
