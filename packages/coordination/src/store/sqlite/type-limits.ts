import { eq } from "drizzle-orm";
import { describeLimitWait, startsLeft, type TypeLimit, typeLimitSchema } from "../../domain/task-type-limit.js";
import { TypeLimitReachedError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { appendEventTx } from "./events.js";
import { taskTypeLimits } from "./schema.js";
import type { Tx } from "./transaction.js";

const RUNNING_OF_TYPE = "SELECT count(*) FROM tasks WHERE state = 'running' AND type = ?";

const LIST_LIMITS =
  "SELECT type, max_running AS maxRunning, set_by AS setBy, set_at AS setAt FROM task_type_limits ORDER BY type";

/** Prepared: every claim poll and every claim reads it. */
export function listTypeLimitsTx(tx: Tx): TypeLimit[] {
  return tx.statement(LIST_LIMITS).all() as TypeLimit[];
}

/** `maxRunning` null clears the limit; returns the limit now in force. */
export function setTypeLimitTx(tx: Tx, type: string, maxRunning: number | null, actor: string): TypeLimit | null {
  if (maxRunning === null) parseOrThrow(typeLimitSchema.omit({ maxRunning: true }), { type, actor }, "limit");
  else parseOrThrow(typeLimitSchema, { type, maxRunning, actor }, "limit");
  tx.db.delete(taskTypeLimits).where(eq(taskTypeLimits.type, type)).run();
  const limit = maxRunning === null ? null : { type, maxRunning, setBy: actor, setAt: tx.now };
  if (limit) tx.db.insert(taskTypeLimits).values(limit).run();
  appendEventTx(tx, { kind: "queue.limit_set", taskId: null, workerId: null, actor, data: { type, maxRunning } });
  return limit;
}

export function runningOfTypeTx(tx: Tx, type: string): number {
  return tx.statement(RUNNING_OF_TYPE).pluck().get(type) as number;
}

/** A two-step start past the type's limit is refused like a claim would skip it. */
export function assertUnderLimitTx(tx: Tx, task: { id: string; type: string; state: string }): void {
  const limit = listTypeLimitsTx(tx).find((l) => l.type === task.type);
  if (!limit) return;
  const running = runningOfTypeTx(tx, task.type);
  if (running >= limit.maxRunning)
    throw new TypeLimitReachedError(task.id, task.state, describeLimitWait(limit, running));
}

/**
 * The starts each limited type has left in this transaction: counted from the running tasks
 * once per type, then decremented per start. SQLite runs one write transaction at a time, so
 * no other claim can start a task between the count and the start: the limit holds under any
 * contention.
 */
export class LimitBudget {
  private readonly left = new Map<string, number>();

  constructor(
    private readonly tx: Tx,
    private readonly limits: readonly TypeLimit[] = listTypeLimitsTx(tx),
  ) {}

  /** Whether a task of `type` may start now; if so it counts against the limit. */
  take(type: string): boolean {
    const left = this.leftFor(type);
    if (left <= 0) return false;
    this.left.set(type, left - 1);
    return true;
  }

  leftFor(type: string): number {
    const known = this.left.get(type);
    if (known !== undefined) return known;
    const left = this.limits.some((l) => l.type === type)
      ? startsLeft(type, runningOfTypeTx(this.tx, type), this.limits)
      : Number.POSITIVE_INFINITY;
    this.left.set(type, left);
    return left;
  }
}
