import {
  keepNewest,
  parseTaskLogBatch,
  type TaskLog,
  type TaskLogBatch,
  type TaskLogLine,
} from "../../domain/task-log.js";
import { appendEventTx } from "./events.js";
import { fenceRunningTx } from "./task-transitions.js";
import type { PgTx } from "./transaction.js";

/**
 * The batch's lines in one statement, in their order: WITH ORDINALITY numbers the array
 * elements and the sort puts them in that order before the ids (a sequence) are drawn.
 */
const INSERT_LINES = `INSERT INTO task_log_lines (task_id, at, attempt, level, message, fields)
  SELECT $1::text, $2::int8, $3::int4, l.level, l.message, l.fields
  FROM unnest($4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS l(level, message, fields, n)
  ORDER BY l.n`;
const SELECT_LINES =
  "SELECT id, at, attempt, level, message, fields FROM task_log_lines WHERE task_id = $1 ORDER BY id";
const DELETE_BEFORE = "DELETE FROM task_log_lines WHERE task_id = $1 AND id < $2";
const SELECT_LOG =
  "SELECT fraction, progress_message, progress_at, progress_attempt, dropped, updated_at FROM task_logs WHERE task_id = $1";
/** $4 (progressAt) is null when the batch carries no progress: the stored progress then stays. */
const UPSERT_LOG = `INSERT INTO task_logs (task_id, fraction, progress_message, progress_at, progress_attempt, dropped, updated_at)
  VALUES ($1, $2::float8, $3::text, $4::int8, $5::int4, $6::int4, $7::int8)
  ON CONFLICT (task_id) DO UPDATE SET
    fraction = CASE WHEN $4::int8 IS NULL THEN task_logs.fraction ELSE $2::float8 END,
    progress_message = CASE WHEN $4::int8 IS NULL THEN task_logs.progress_message ELSE $3::text END,
    progress_at = COALESCE($4::int8, task_logs.progress_at),
    progress_attempt = CASE WHEN $4::int8 IS NULL THEN task_logs.progress_attempt ELSE $5::int4 END,
    dropped = task_logs.dropped + $6::int4,
    updated_at = $7::int8`;

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
export async function appendTaskLogTx(tx: PgTx, taskId: string, token: number, batch: TaskLogBatch): Promise<void> {
  const checked = parseTaskLogBatch(batch);
  const { row } = await fenceRunningTx(tx, taskId, token, "log written");
  const now = await tx.now();
  if (checked.lines.length > 0) {
    await tx.run(INSERT_LINES, [
      taskId,
      now,
      row.attempts,
      checked.lines.map((line) => line.level),
      checked.lines.map((line) => line.message),
      checked.lines.map((line) => (line.fields ? JSON.stringify(line.fields) : null)),
    ]);
  }
  const rows = await tx.all<LineRow>(SELECT_LINES, [taskId]);
  const { kept, dropped } = keepNewest(rows.map(toLine));
  const firstKept = rows[rows.length - kept.length];
  if (dropped > 0) await tx.run(DELETE_BEFORE, [taskId, firstKept ? firstKept.id : Number.MAX_SAFE_INTEGER]);
  await tx.run(UPSERT_LOG, [
    taskId,
    checked.progress?.fraction ?? null,
    checked.progress?.message ?? null,
    checked.progress ? now : null,
    row.attempts,
    dropped + (checked.dropped ?? 0),
    now,
  ]);
  await appendEventTx(tx, {
    kind: "task.log",
    taskId,
    workerId: row.workerId,
    actor: row.workerId ?? "unknown",
    data: { lines: checked.lines.length, ...(checked.progress ? { progress: checked.progress.fraction } : {}) },
  });
}

/** The task's log as kept; null when the task does not exist. */
export async function getTaskLogTx(tx: PgTx, taskId: string): Promise<TaskLog | null> {
  const exists = await tx.get("SELECT 1 FROM tasks WHERE id = $1", [taskId]);
  if (exists === undefined) return null;
  const log = await tx.get<LogRow>(SELECT_LOG, [taskId]);
  const lines = (await tx.all<LineRow>(SELECT_LINES, [taskId])).map(toLine);
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
