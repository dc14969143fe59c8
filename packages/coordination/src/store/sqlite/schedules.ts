import { desc, eq, or } from "drizzle-orm";
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
import { appendEventTx } from "./events.js";
import { newTaskId } from "./ids.js";
import { scheduleRuns, schedules } from "./schema.js";
import { createTaskTx } from "./tasks.js";
import type { Tx } from "./transaction.js";

type ScheduleRow = typeof schedules.$inferSelect;
type Spec = Pick<Schedule, "timing" | "task" | "catchUp" | "catchUpMax">;

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

function readRowTx(tx: Tx, idOrName: string): ScheduleRow | undefined {
  return tx.db
    .select()
    .from(schedules)
    .where(or(eq(schedules.id, idOrName), eq(schedules.name, idOrName)))
    .get();
}

export function createScheduleTx(tx: Tx, input: NewScheduleInput, actor: string): Schedule {
  const schedule = parseOrThrow(newScheduleSchema, input, "schedule");
  parseOrThrow(operatorSchema.shape.actor, actor, "actor");
  assertValidTiming(schedule.timing);
  if (readRowTx(tx, schedule.name)) throw new ValidationError("name", "a name no other schedule has", schedule.name);
  const row: ScheduleRow = {
    id: `s_${newTaskId(tx.now).slice(2)}`,
    name: schedule.name,
    spec: specOf(schedule),
    paused: schedule.paused,
    horizon: tx.now,
    createdAt: tx.now,
    createdBy: actor,
    updatedAt: tx.now,
    updatedBy: actor,
  };
  tx.db.insert(schedules).values(row).run();
  appendEventTx(tx, {
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
export function editScheduleTx(tx: Tx, idOrName: string, edit: ScheduleEdit, actor: string): Schedule {
  const patch = parseOrThrow(scheduleEditSchema, edit, "edit");
  parseOrThrow(operatorSchema.shape.actor, actor, "actor");
  const row = readRowTx(tx, idOrName);
  if (!row) throw new NotFoundError("schedule", idOrName);
  const current = toSchedule(row);
  const next = { ...current, ...patch };
  if (patch.timing) assertValidTiming(next.timing);
  const resumed = current.paused && !next.paused;
  const horizon =
    resumed || timingChanged(current.timing, patch.timing) ? Math.max(current.horizon, tx.now) : current.horizon;
  tx.db
    .update(schedules)
    .set({ spec: specOf(next), paused: next.paused, horizon, updatedAt: tx.now, updatedBy: actor })
    .where(eq(schedules.id, row.id))
    .run();
  appendEventTx(tx, {
    kind: "schedule.updated",
    taskId: null,
    workerId: null,
    actor,
    data: { scheduleId: row.id, name: row.name, changed: Object.keys(patch) },
  });
  return { ...next, horizon, updatedAt: tx.now, updatedBy: actor };
}

/** Whether it existed; its history of runs stays (the tasks it created are ordinary tasks). */
export function deleteScheduleTx(tx: Tx, idOrName: string, actor: string): boolean {
  parseOrThrow(operatorSchema.shape.actor, actor, "actor");
  const row = readRowTx(tx, idOrName);
  if (!row) return false;
  tx.db.delete(schedules).where(eq(schedules.id, row.id)).run();
  appendEventTx(tx, {
    kind: "schedule.deleted",
    taskId: null,
    workerId: null,
    actor,
    data: { scheduleId: row.id, name: row.name },
  });
  return true;
}

export function getScheduleTx(tx: Tx, idOrName: string): Schedule | null {
  const row = readRowTx(tx, idOrName);
  return row ? toSchedule(row) : null;
}

export function listSchedulesTx(tx: Tx): Schedule[] {
  return tx.db.select().from(schedules).orderBy(schedules.name).all().map(toSchedule);
}

/** Newest slot first. */
export function listScheduleRunsTx(tx: Tx, scheduleId: string, limit: number): ScheduleRun[] {
  const bounded = Math.min(Math.max(1, Math.floor(limit)), 1000);
  return tx.db
    .select()
    .from(scheduleRuns)
    .where(eq(scheduleRuns.scheduleId, scheduleId))
    .orderBy(desc(scheduleRuns.slotAt))
    .limit(bounded)
    .all();
}

/** Whether any active schedule has a slot due: a read, so an idle tick costs no write transaction. */
export function hasDueSlotTx(tx: Tx): boolean {
  return listSchedulesTx(tx).some((s) => !s.paused && dueSlots(s.timing, s.createdAt, s.horizon, tx.now, 1).length > 0);
}

/**
 * Fire every due slot (domain/schedule.ts decides which), in ONE write transaction: SQLite
 * runs one at a time, so the second of two racing schedulers sees the horizon the first
 * moved and finds nothing due; the (schedule, slot) primary key of `schedule_runs` refuses a
 * duplicate should anything else slip, and the slot's task is created in the same
 * transaction as its run row — a slot's task exists exactly once, however many processes tick.
 */
export function fireDueSlotsTx(tx: Tx, firedBy: string): ScheduleRun[] {
  parseOrThrow(operatorSchema.shape.actor, firedBy, "firedBy");
  const fired: ScheduleRun[] = [];
  for (const schedule of listSchedulesTx(tx)) {
    if (schedule.paused) continue;
    const due = dueSlots(schedule.timing, schedule.createdAt, schedule.horizon, tx.now, MAX_CATCH_UP + 1);
    if (due.length === 0) continue;
    const decision = decideCatchUp(due, tx.now, schedule, schedule.horizon);
    for (const slotAt of decision.fire) {
      const task = createTaskTx(
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
      const run: ScheduleRun = { scheduleId: schedule.id, slotAt, taskId: task.id, firedAt: tx.now, firedBy };
      tx.db.insert(scheduleRuns).values(run).run();
      appendEventTx(tx, {
        kind: "schedule.fired",
        taskId: task.id,
        workerId: null,
        actor: firedBy,
        data: { scheduleId: schedule.id, name: schedule.name, slotAt },
      });
      fired.push(run);
    }
    tx.db.update(schedules).set({ horizon: decision.horizon }).where(eq(schedules.id, schedule.id)).run();
  }
  return fired;
}
