import { TERMINAL_TASK_STATES } from "../../domain/task.js";
import {
  type ArchivedTask,
  type PurgeFinishedTasksRequest,
  purgeFinishedTasksSchema,
  type TaskArchiveSink,
} from "../../domain/task-retention.js";
import { StoreIntegrityError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { eventOfValues } from "../sqlite/rows.js";
import { appendEventTx } from "./events.js";
import { getTaskLogTx } from "./task-logs.js";
import { getTaskTx } from "./tasks.js";
import type { PgTx } from "./transaction.js";

// The terminal states come from the domain's constant, inlined so the partial index
// `tasks_finished_idx` (schema.ts) matches the queries' condition literally: the planner
// then walks it in finish order instead of sorting every finished task.
const TERMINAL = `(${TERMINAL_TASK_STATES.map((s) => `'${s}'`).join(", ")})`;
const FINISHED = `state IN ${TERMINAL}`;

/** Finish time of the (keepNewest + 1)-th most recently finished task: the count bound. */
export const NTH_NEWEST = `SELECT finished_at FROM tasks WHERE ${FINISHED} ORDER BY finished_at DESC LIMIT 1 OFFSET $1`;

/** Oldest finished first, skipping any that an unfinished task still waits on. */
export const CANDIDATES = `SELECT id FROM tasks WHERE ${FINISHED} AND finished_at < $1
  AND NOT EXISTS (
    SELECT 1 FROM task_dependencies d JOIN tasks dependent ON dependent.id = d.task_id
    WHERE d.depends_on_id = tasks.id AND dependent.state NOT IN ${TERMINAL}
  )
  ORDER BY finished_at LIMIT $2`;

const TASK_EVENTS = "SELECT id, at, kind, task_id, worker_id, actor, data FROM events WHERE task_id = $1 ORDER BY id";

/** Children before the task row (the foreign keys point at it). */
const DELETES = [
  "DELETE FROM events WHERE task_id = $1",
  "DELETE FROM task_log_lines WHERE task_id = $1",
  "DELETE FROM task_logs WHERE task_id = $1",
  "DELETE FROM locks WHERE task_id = $1",
  "DELETE FROM task_dependencies WHERE task_id = $1",
  "DELETE FROM task_dependencies WHERE depends_on_id = $1",
  "DELETE FROM tasks WHERE id = $1",
];

/**
 * The port's `purgeFinishedTasks` in one write transaction: select the batch, read all it
 * holds, hand it to the archive (which may throw: the transaction then rolls back), delete
 * it, and record one `tasks.purged` event so followers (the control plane's cache) drop
 * the tasks too. Schedule runs keep their rows: a slot stays decided after its task is gone.
 */
export async function purgeFinishedTasksTx(
  tx: PgTx,
  req: PurgeFinishedTasksRequest,
  archive: TaskArchiveSink,
): Promise<number> {
  const { finishedBefore, keepNewest, limit } = parseOrThrow(purgeFinishedTasksSchema, req, "purgeFinishedTasks");
  const bounds: number[] = [];
  if (finishedBefore !== null) bounds.push(finishedBefore);
  if (keepNewest !== null) {
    const nth = await tx.get<{ finished_at: number }>(NTH_NEWEST, [keepNewest]);
    // Strictly older than the first one beyond the count: ties with it are kept too.
    if (nth !== undefined) bounds.push(nth.finished_at + 1);
  }
  if (bounds.length === 0) return 0;
  const before = Math.max(...bounds);
  const ids = (await tx.all<{ id: string }>(CANDIDATES, [before, limit])).map((row) => row.id);
  if (ids.length === 0) return 0;

  const purgedAt = await tx.now();
  const batch: ArchivedTask[] = [];
  for (const id of ids) {
    const task = await getTaskTx(tx, id);
    if (!task) throw new StoreIntegrityError(`task ${id} vanished inside its own purge`);
    const events = (await tx.values(TASK_EVENTS, [id])).map(eventOfValues);
    const log = await getTaskLogTx(tx, id);
    const logged = log !== null && (log.lines.length > 0 || log.progress !== null || log.dropped > 0);
    batch.push({ purgedAt, task, events, log: logged ? log : null });
  }
  archive(batch);
  for (const id of ids) for (const sql of DELETES) await tx.run(sql, [id]);
  await appendEventTx(tx, {
    kind: "tasks.purged",
    taskId: null,
    workerId: null,
    actor: "retention",
    data: { taskIds: ids, finishedBefore: before },
  });
  return ids.length;
}
