import {
  assertValidTiming,
  decideCatchUp,
  dueSlots,
  MAX_CATCH_UP,
  type NewScheduleInput,
  newScheduleSchema,
  type Schedule,
  type ScheduleEdit,
  type ScheduleRun,
  scheduleEditSchema,
  slotTaskTitle,
  timingChanged,
} from "../../domain/schedule.js";
import { NotFoundError, ValidationError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { operatorSchema } from "../port-schemas.js";
import { newTaskId } from "../sqlite/ids.js";
import { appendEventTx } from "./events.js";
import { createTaskTx } from "./tasks.js";
import type { PgTx } from "./transaction.js";

interface ScheduleRow {
  id: string;
  name: string;
  spec: string;
  paused: boolean;
  horizon: number;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
}
type Spec = Pick<Schedule, "timing" | "task" | "catchUp" | "catchUpMax">;

const SCHEDULE_COLUMNS = `id, name, spec, paused, horizon, created_at AS "createdAt", created_by AS "createdBy",
  updated_at AS "updatedAt", updated_by AS "updatedBy"`;

function toSchedule(row: ScheduleRow): Schedule {
  const spec = JSON.parse(row.spec) as Spec;
  return {
    id: row.id,
    name: row.name,
    ...spec,
    paused: row.paused,
    horizon: row.horizon,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
  };
}

function specOf(schedule: Spec): string {
  return JSON.stringify({
    timing: schedule.timing,
    task: schedule.task,
    catchUp: schedule.catchUp,
    catchUpMax: schedule.catchUpMax,
  });
}

function readRowTx(tx: PgTx, idOrName: string): Promise<ScheduleRow | undefined> {
  return tx.get<ScheduleRow>(`SELECT ${SCHEDULE_COLUMNS} FROM schedules WHERE id = $1 OR name = $1 LIMIT 1`, [
    idOrName,
  ]);
}

export async function createScheduleTx(tx: PgTx, input: NewScheduleInput, actor: string): Promise<Schedule> {
  const schedule = parseOrThrow(newScheduleSchema, input, "schedule");
  parseOrThrow(operatorSchema.shape.actor, actor, "actor");
  assertValidTiming(schedule.timing);
  if (await readRowTx(tx, schedule.name)) {
    throw new ValidationError("name", "a name no other schedule has", schedule.name);
  }
  const now = await tx.now();
  const row: ScheduleRow = {
    id: `s_${newTaskId(now).slice(2)}`,
    name: schedule.name,
    spec: specOf(schedule),
    paused: schedule.paused,
    horizon: now,
    createdAt: now,
    createdBy: actor,
    updatedAt: now,
    updatedBy: actor,
  };
  await tx.run(
    `INSERT INTO schedules (id, name, spec, paused, horizon, created_at, created_by, updated_at, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [row.id, row.name, row.spec, row.paused, row.horizon, row.createdAt, row.createdBy, row.updatedAt, row.updatedBy],
  );
  await appendEventTx(tx, {
    kind: "schedule.created",
    taskId: null,
    workerId: null,
    actor,
    data: { scheduleId: row.id, name: row.name },
  });
  return toSchedule(row);
}

/**
 * Change a schedule (pause and resume are edits of `paused`). A resume or a different timing moves
 * the horizon to now, so the change never fires the slots from before it.
 */
export async function editScheduleTx(tx: PgTx, idOrName: string, edit: ScheduleEdit, actor: string): Promise<Schedule> {
  const patch = parseOrThrow(scheduleEditSchema, edit, "edit");
  parseOrThrow(operatorSchema.shape.actor, actor, "actor");
  const row = await readRowTx(tx, idOrName);
  if (!row) throw new NotFoundError("schedule", idOrName);
  const current = toSchedule(row);
  const next = { ...current, ...patch };
  if (patch.timing) assertValidTiming(next.timing);
  const now = await tx.now();
  const resumed = current.paused && !next.paused;
  const horizon =
    resumed || timingChanged(current.timing, patch.timing) ? Math.max(current.horizon, now) : current.horizon;
  await tx.run(
    "UPDATE schedules SET spec = $1, paused = $2, horizon = $3, updated_at = $4, updated_by = $5 WHERE id = $6",
    [specOf(next), next.paused, horizon, now, actor, row.id],
  );
  await appendEventTx(tx, {
    kind: "schedule.updated",
    taskId: null,
    workerId: null,
    actor,
    data: { scheduleId: row.id, name: row.name, changed: Object.keys(patch) },
  });
  return { ...next, horizon, updatedAt: now, updatedBy: actor };
}

/** Whether it existed; its history of runs stays (the tasks it created are ordinary tasks). */
export async function deleteScheduleTx(tx: PgTx, idOrName: string, actor: string): Promise<boolean> {
  parseOrThrow(operatorSchema.shape.actor, actor, "actor");
  const row = await readRowTx(tx, idOrName);
  if (!row) return false;
  await tx.run("DELETE FROM schedules WHERE id = $1", [row.id]);
  await appendEventTx(tx, {
    kind: "schedule.deleted",
    taskId: null,
    workerId: null,
    actor,
    data: { scheduleId: row.id, name: row.name },
  });
  return true;
}

export async function getScheduleTx(tx: PgTx, idOrName: string): Promise<Schedule | null> {
  const row = await readRowTx(tx, idOrName);
  return row ? toSchedule(row) : null;
}

/** By name in byte order (COLLATE "C"), as SQLite's BINARY collation sorts. */
export async function listSchedulesTx(tx: PgTx): Promise<Schedule[]> {
  const rows = await tx.all<ScheduleRow>(`SELECT ${SCHEDULE_COLUMNS} FROM schedules ORDER BY name COLLATE "C"`);
  return rows.map(toSchedule);
}

/** Newest slot first. */
export async function listScheduleRunsTx(tx: PgTx, scheduleId: string, limit: number): Promise<ScheduleRun[]> {
  const bounded = Math.min(Math.max(1, Math.floor(limit)), 1000);
  return tx.all<ScheduleRun>(
    `SELECT schedule_id AS "scheduleId", slot_at AS "slotAt", task_id AS "taskId", fired_at AS "firedAt",
       fired_by AS "firedBy"
     FROM schedule_runs WHERE schedule_id = $1 ORDER BY slot_at DESC LIMIT $2`,
    [scheduleId, bounded],
  );
}

/** Whether any active schedule has a slot due: a read, so an idle tick costs no write transaction. */
export async function hasDueSlotTx(tx: PgTx): Promise<boolean> {
  const schedules = await listSchedulesTx(tx);
  if (schedules.every((s) => s.paused)) return false;
  const now = await tx.now();
  return schedules.some((s) => !s.paused && dueSlots(s.timing, s.createdAt, s.horizon, now, 1).length > 0);
}

/**
 * Fire every due slot (domain/schedule.ts decides which), in ONE write transaction: write
 * transactions run one at a time (the store's write lock), so the second of two racing
 * schedulers sees the horizon the first moved and finds nothing due; the (schedule, slot)
 * primary key of `schedule_runs` refuses a duplicate should anything else slip, and the slot's
 * task is created in the same transaction as its run row — a slot's task exists exactly once,
 * however many processes tick.
 */
export async function fireDueSlotsTx(tx: PgTx, firedBy: string): Promise<ScheduleRun[]> {
  parseOrThrow(operatorSchema.shape.actor, firedBy, "firedBy");
  const fired: ScheduleRun[] = [];
  for (const schedule of await listSchedulesTx(tx)) {
    if (schedule.paused) continue;
    const now = await tx.now();
    const due = dueSlots(schedule.timing, schedule.createdAt, schedule.horizon, now, MAX_CATCH_UP + 1);
    if (due.length === 0) continue;
    const decision = decideCatchUp(due, now, schedule, schedule.horizon);
    for (const slotAt of decision.fire) {
      const task = await createTaskTx(
        tx,
        {
          ...schedule.task,
          title: slotTaskTitle(schedule, slotAt),
          delayMs: 0,
          pinnedWorkerId: null,
          affinityKey: null,
        },
        `schedule:${schedule.name}`,
      );
      const run: ScheduleRun = { scheduleId: schedule.id, slotAt, taskId: task.id, firedAt: now, firedBy };
      await tx.run(
        "INSERT INTO schedule_runs (schedule_id, slot_at, task_id, fired_at, fired_by) VALUES ($1, $2, $3, $4, $5)",
        [run.scheduleId, run.slotAt, run.taskId, run.firedAt, run.firedBy],
      );
      await appendEventTx(tx, {
        kind: "schedule.fired",
        taskId: task.id,
        workerId: null,
        actor: firedBy,
        data: { scheduleId: schedule.id, name: schedule.name, slotAt },
      });
      fired.push(run);
    }
    await tx.run("UPDATE schedules SET horizon = $1 WHERE id = $2", [decision.horizon, schedule.id]);
  }
  return fired;
}
