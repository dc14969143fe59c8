import { eq } from "drizzle-orm";
import type { TypePause } from "../../domain/task-type-pause.js";
import { parseOrThrow } from "../../validation.js";
import { typePauseSchema } from "../port-schemas.js";
import { appendEventTx } from "./events.js";
import { taskTypePauses } from "./schema.js";
import type { Tx } from "./transaction.js";

const LIST_PAUSES = "SELECT type, paused_by AS pausedBy, paused_at AS pausedAt FROM task_type_pauses ORDER BY type";

/**
 * Every pause, by type. Read inside the claim transaction, so a claim never starts a task
 * paused before it committed. Prepared: every claim poll and every claim reads it.
 */
export function listPausedTypesTx(tx: Tx): TypePause[] {
  return tx.statement(LIST_PAUSES).all() as TypePause[];
}

/** Pausing a paused type keeps the first pause (who and when) and records nothing new. */
export function pauseTaskTypeTx(tx: Tx, type: string, actor: string): TypePause {
  parseOrThrow(typePauseSchema, { type, actor }, "pause");
  const existing = tx.db.select().from(taskTypePauses).where(eq(taskTypePauses.type, type)).get();
  if (existing) return existing;
  const pause = { type, pausedBy: actor, pausedAt: tx.now };
  tx.db.insert(taskTypePauses).values(pause).run();
  appendEventTx(tx, { kind: "queue.paused", taskId: null, workerId: null, actor, data: { type } });
  return pause;
}

/** Whether the type was paused; resuming one that is not records nothing. */
export function resumeTaskTypeTx(tx: Tx, type: string, actor: string): boolean {
  parseOrThrow(typePauseSchema, { type, actor }, "pause");
  const removed = tx.db.delete(taskTypePauses).where(eq(taskTypePauses.type, type)).returning().all();
  if (removed.length === 0) return false;
  appendEventTx(tx, { kind: "queue.resumed", taskId: null, workerId: null, actor, data: { type } });
  return true;
}
