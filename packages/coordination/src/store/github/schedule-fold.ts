import type { Schedule, ScheduleRun } from "../../domain/schedule.js";
import { GITHUB_TIME_RESOLUTION_MS } from "./fold/task-fold.js";
import type { ScheduleRecord, SlotRecord } from "./records/record-schemas.js";
import type { StoredRecord } from "./repo-mirror.js";

/** One slot of one schedule: what a slot claim is for. */
export function slotKey(scheduleId: string, slotAt: number): string {
  return `${scheduleId}@${slotAt}`;
}

export interface ScheduleFold {
  /** Live schedules by id. */
  schedules: Map<string, Schedule>;
  /** Fired slots by schedule id, in firing order. */
  runs: Map<string, ScheduleRun[]>;
  /** Slot keys (schedule, slot) already fired. */
  fired: Set<string>;
  /** The slot records that fired their slot, by nonce (a retried POST's duplicate shares its nonce). */
  winners: Map<string, StoredRecord<SlotRecord>>;
}

/**
 * Schedules and their fired slots, folded from the settings issues' `sched` and `slot` records
 * in comment-id order (GitHub's own order; a retried POST's duplicate, same nonce, counts once).
 *
 * - A `sched` record sets its schedule as of that change (no `s`: deleted, for good). A create
 *   whose name a live schedule already has is void: of two racing creates the first wins.
 *   The horizon never moves back: a change keeps the larger of its own and the folded one.
 * - A `slot` record fires its slot only if, at its position, the slot has not fired yet, the
 *   schedule is live and not paused, the slot lies past the horizon (a pause, resume or
 *   re-timing before it wins), and GitHub dated the record no earlier than the slot (to its
 *   whole-second resolution: a claimant whose clock runs ahead cannot fire early). It then
 *   moves the horizon to its slot, so an older slot claimed later (a scheduler that decided
 *   from an older horizon) is void, while the slots of one catch-up, claimed oldest first, all fire.
 *
 * So every reader that has seen the same records agrees on which record fired each slot.
 */
export function foldSchedules(records: readonly StoredRecord[]): ScheduleFold {
  const schedules = new Map<string, Schedule>();
  const deleted = new Set<string>();
  const runs = new Map<string, ScheduleRun[]>();
  const fired = new Set<string>();
  const winners = new Map<string, StoredRecord<SlotRecord>>();
  const seen = new Set<string>();
  const ordered = [...records].sort((a, b) => a.id - b.id);
  for (const stored of ordered) {
    const record = stored.record;
    if (record.k !== "sched" && record.k !== "slot") continue;
    if (seen.has(record.n)) continue;
    seen.add(record.n);
    if (record.k === "sched") applySchedule(schedules, deleted, stored as StoredRecord<ScheduleRecord>);
    else {
      const schedule = schedules.get(record.sid);
      const key = slotKey(record.sid, record.slot);
      const datedAt = Date.parse(stored.createdAt) + GITHUB_TIME_RESOLUTION_MS - 1;
      if (!schedule || schedule.paused || fired.has(key)) continue;
      if (record.slot <= schedule.horizon || record.slot > datedAt) continue;
      fired.add(key);
      winners.set(record.n, stored as StoredRecord<SlotRecord>);
      schedule.horizon = Math.max(schedule.horizon, record.slot);
      const list = runs.get(record.sid) ?? [];
      list.push({
        scheduleId: record.sid,
        slotAt: record.slot,
        taskId: record.task,
        firedAt: record.at,
        firedBy: record.by,
      });
      runs.set(record.sid, list);
    }
  }
  return { schedules, runs, fired, winners };
}

function applySchedule(schedules: Map<string, Schedule>, deleted: Set<string>, stored: StoredRecord<ScheduleRecord>) {
  const { sid, s, actor, at } = stored.record;
  if (deleted.has(sid)) return;
  const current = schedules.get(sid);
  if (!s) {
    if (current) {
      schedules.delete(sid);
      deleted.add(sid);
    }
    return;
  }
  if (!current && [...schedules.values()].some((other) => other.name === s.name)) return;
  if (current && current.name !== s.name) return;
  schedules.set(sid, {
    ...s,
    id: sid,
    horizon: Math.max(s.horizon, current?.horizon ?? 0),
    updatedAt: at,
    updatedBy: actor,
  });
}
