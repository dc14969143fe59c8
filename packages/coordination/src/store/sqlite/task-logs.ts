import {
  keepNewest,
  parseTaskLogBatch,
  type TaskLog,
  type TaskLogBatch,
  type TaskLogLine,
} from "../../domain/task-log.js";
import { appendEventTx } from "./events.js";
import { fenceRunningTx } from "./task-transitions.js";
import type { Tx } from "./transaction.js";

const INSERT_LINE =
  "INSERT INTO task_log_lines (task_id, at, attempt, level, message, fields) VALUES (?, ?, ?, ?, ?, ?)";
const SELECT_LINES = "SELECT id, at, attempt, level, message, fields FROM task_log_lines WHERE task_id = ? ORDER BY id";
const DELETE_BEFORE = "DELETE FROM task_log_lines WHERE task_id = ? AND id < ?";
const SELECT_LOG =
  "SELECT fraction, progress_message, progress_at, progress_attempt, dropped, updated_at FROM task_logs WHERE task_id = ?";
const UPSERT_LOG = `INSERT INTO task_logs (task_id, fraction, progress_message, progress_at, progress_attempt, dropped, updated_at)
  VALUES (@taskId, @fraction, @message, @progressAt, @attempt, @dropped, @now)
  ON CONFLICT (task_id) DO UPDATE SET
    fraction = CASE WHEN @progressAt IS NULL THEN fraction ELSE @fraction END,
    progress_message = CASE WHEN @progressAt IS NULL THEN progress_message ELSE @message END,
    progress_at = COALESCE(@progressAt, progress_at),
    progress_attempt = CASE WHEN @progressAt IS NULL THEN progress_attempt ELSE @attempt END,
    dropped = dropped + @dropped,
    updated_at = @now`;

interface LineRow {
  id: number;
  at: number;
  attempt: number;
  level: string;
  message: string;
  fields: string | null;
}

interface LogRow {
  fraction: number | null;
  progress_message: string | null;
  progress_at: number | null;
  progress_attempt: number | null;
  dropped: number;
  updated_at: number;
}

function toLine(row: LineRow): TaskLogLine {
  return {
    at: row.at,
    attempt: row.attempt,
    level: row.level as TaskLogLine["level"],
    message: row.message,
    ...(row.fields === null ? {} : { fields: JSON.parse(row.fields) as Record<string, unknown> }),
  };
}

/**
 * One fenced write: the batch's lines, then rotation of the task's lines to the limits
 * (the rows rotated out are added to `dropped`), the progress if the batch has one, and a
 * `task.log` event — in the caller's transaction.
 */
export function appendTaskLogTx(tx: Tx, taskId: string, token: number, batch: TaskLogBatch): void {
  const checked = parseTaskLogBatch(batch);
  const { row } = fenceRunningTx(tx, taskId, token, "log written");
  const insert = tx.statement(INSERT_LINE);
  for (const line of checked.lines)
    insert.run(
      taskId,
      tx.now,
      row.attempts,
      line.level,
      line.message,
      line.fields ? JSON.stringify(line.fields) : null,
    );
  const rows = tx.statement(SELECT_LINES).all(taskId) as LineRow[];
  const { kept, dropped } = keepNewest(rows.map(toLine));
  const firstKept = rows[rows.length - kept.length];
  if (dropped > 0) tx.statement(DELETE_BEFORE).run(taskId, firstKept ? firstKept.id : Number.MAX_SAFE_INTEGER);
  tx.statement(UPSERT_LOG).run({
    taskId,
    fraction: checked.progress?.fraction ?? null,
    message: checked.progress?.message ?? null,
    progressAt: checked.progress ? tx.now : null,
    attempt: row.attempts,
    dropped: dropped + (checked.dropped ?? 0),
    now: tx.now,
  });
  appendEventTx(tx, {
    kind: "task.log",
    taskId,
    workerId: row.workerId,
    actor: row.workerId ?? "unknown",
    data: { lines: checked.lines.length, ...(checked.progress ? { progress: checked.progress.fraction } : {}) },
  });
}

/** The task's log as kept; null when the task does not exist. */
export function getTaskLogTx(tx: Tx, taskId: string): TaskLog | null {
  const exists = tx.statement("SELECT 1 FROM tasks WHERE id = ?").pluck().get(taskId);
  if (exists === undefined) return null;
  const log = tx.statement(SELECT_LOG).get(taskId) as LogRow | undefined;
  const lines = (tx.statement(SELECT_LINES).all(taskId) as LineRow[]).map(toLine);
  return {
    taskId,
    progress:
      log && log.progress_at !== null && log.fraction !== null
        ? {
            fraction: log.fraction,
            message: log.progress_message,
            at: log.progress_at,
            attempt: log.progress_attempt ?? 0,
          }
        : null,
    lines,
    dropped: log?.dropped ?? 0,
    updatedAt: log?.updated_at ?? null,
  };
}
