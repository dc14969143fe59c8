import { TERMINAL_TASK_STATES } from "../../domain/task.js";
import {
  type ArchivedTask,
  type PurgeFinishedTasksRequest,
  purgeFinishedTasksSchema,
  type TaskArchiveSink,
} from "../../domain/task-retention.js";
import { StoreIntegrityError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { appendEventTx } from "./events.js";
import { eventOfValues } from "./rows.js";
import { getTaskLogTx } from "./task-logs.js";
import { getTaskTx } from "./tasks.js";
import type { Tx } from "./transaction.js";

// The terminal states come from the domain's constant, inlined so the partial index
// `tasks_finished_idx` (migration 0011) matches the queries' condition literally. Both
// queries name the index: without statistics the planner walks the (state, run_at) index
// and sorts every finished task instead.
const TERMINAL = `(${TERMINAL_TASK_STATES.map((s) => `'${s}'`).join(", ")})`;
const FINISHED = `state IN ${TERMINAL}`;

/** Finish time of the (keepNewest + 1)-th most recently finished task: the count bound. */
export const NTH_NEWEST = `SELECT finished_at FROM tasks INDEXED BY tasks_finished_idx WHERE ${FINISHED} ORDER BY finished_at DESC LIMIT 1 OFFSET ?`;

/** Oldest finished first, skipping any that an unfinished task still waits on. */
export const CANDIDATES = `SELECT id FROM tasks INDEXED BY tasks_finished_idx WHERE ${FINISHED} AND finished_at < ?
  AND NOT EXISTS (
    SELECT 1 FROM task_dependencies d JOIN tasks dependent ON dependent.id = d.task_id
    WHERE d.depends_on_id = tasks.id AND dependent.state NOT IN ${TERMINAL}
  )
  ORDER BY finished_at LIMIT ?`;

const TASK_EVENTS =
  "SELECT id, at, kind, task_id AS taskId, worker_id AS workerId, actor, data FROM events WHERE task_id = ? ORDER BY id";

/** Children before the task row (the foreign keys point at it). */
const DELETES = [
  "DELETE FROM events WHERE task_id = ?",
  "DELETE FROM task_log_lines WHERE task_id = ?",
  "DELETE FROM task_logs WHERE task_id = ?",
  "DELETE FROM locks WHERE task_id = ?",
  "DELETE FROM task_dependencies WHERE task_id = ?",
  "DELETE FROM task_dependencies WHERE depends_on_id = ?",
  "DELETE FROM tasks WHERE id = ?",
];

/**
 * The port's `purgeFinishedTasks` in one write transaction: select the batch, read all it
 * holds, hand it to the archive (which may throw: the transaction then rolls back), delete
 * it, and record one `tasks.purged` event so followers (the control plane's cache) drop
 * the tasks too. Schedule runs keep their rows: a slot stays decided after its task is gone.
 */
export function purgeFinishedTasksTx(tx: Tx, req: PurgeFinishedTasksRequest, archive: TaskArchiveSink): number {
  const { finishedBefore, keepNewest, limit } = parseOrThrow(purgeFinishedTasksSchema, req, "purgeFinishedTasks");
  const bounds: number[] = [];
  if (finishedBefore !== null) bounds.push(finishedBefore);
  if (keepNewest !== null) {
    const nth = tx.statement(NTH_NEWEST).pluck().get(keepNewest) as number | undefined;
    // Strictly older than the first one beyond the count: ties with it are kept too.
    if (nth !== undefined) bounds.push(nth + 1);
  }
  if (bounds.length === 0) return 0;
  const before = Math.max(...bounds);
  const ids = tx.statement(CANDIDATES).pluck().all(before, limit) as string[];
  if (ids.length === 0) return 0;

  const purgedAt = tx.now;
  const batch: ArchivedTask[] = ids.map((id) => {
    const task = getTaskTx(tx, id);
    if (!task) throw new StoreIntegrityError(`task ${id} vanished inside its own purge`);
    const events = (tx.rawStatement(TASK_EVENTS).all(id) as unknown[][]).map(eventOfValues);
    const log = getTaskLogTx(tx, id);
    const logged = log !== null && (log.lines.length > 0 || log.progress !== null || log.dropped > 0);
    return { purgedAt, task, events, log: logged ? log : null };
  });
  archive(batch);
  for (const id of ids) for (const sql of DELETES) tx.statement(sql).run(id);
  appendEventTx(tx, {
    kind: "tasks.purged",
    taskId: null,
    workerId: null,
    actor: "retention",
    data: { taskIds: ids, finishedBefore: before },
  });
  return ids.length;
}
