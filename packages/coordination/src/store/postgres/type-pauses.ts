import type { TypePause } from "../../domain/task-type-pause.js";
import { parseOrThrow } from "../../validation.js";
import { typePauseSchema } from "../port-schemas.js";
import { appendEventTx } from "./events.js";
import type { PgTx } from "./transaction.js";

const PAUSE_COLUMNS = `type, paused_by AS "pausedBy", paused_at AS "pausedAt"`;

/** Byte order (COLLATE "C"), as SQLite's BINARY collation sorts: '*' (the whole queue) first. */
export const PAUSES_SELECT = `SELECT ${PAUSE_COLUMNS} FROM task_type_pauses`;
const LIST_PAUSES = `${PAUSES_SELECT} ORDER BY type COLLATE "C"`;

/**
 * Every pause, by type. Read inside the claim transaction, so a claim never starts a task
 * paused before it committed.
 */
export async function listPausedTypesTx(tx: PgTx): Promise<TypePause[]> {
  return tx.all<TypePause>(LIST_PAUSES);
}

/** Pausing a paused type keeps the first pause (who and when) and records nothing new. */
export async function pauseTaskTypeTx(tx: PgTx, type: string, actor: string): Promise<TypePause> {
  parseOrThrow(typePauseSchema, { type, actor }, "pause");
  const existing = await tx.get<TypePause>(`SELECT ${PAUSE_COLUMNS} FROM task_type_pauses WHERE type = $1`, [type]);
  if (existing) return existing;
  const pause = { type, pausedBy: actor, pausedAt: await tx.now() };
  await tx.run("INSERT INTO task_type_pauses (type, paused_by, paused_at) VALUES ($1, $2, $3)", [
    pause.type,
    pause.pausedBy,
    pause.pausedAt,
  ]);
  await appendEventTx(tx, { kind: "queue.paused", taskId: null, workerId: null, actor, data: { type } });
  return pause;
}

/** Whether the type was paused; resuming one that is not records nothing. */
export async function resumeTaskTypeTx(tx: PgTx, type: string, actor: string): Promise<boolean> {
  parseOrThrow(typePauseSchema, { type, actor }, "pause");
  const removed = await tx.run("DELETE FROM task_type_pauses WHERE type = $1", [type]);
  if (removed === 0) return false;
  await appendEventTx(tx, { kind: "queue.resumed", taskId: null, workerId: null, actor, data: { type } });
  return true;
}
