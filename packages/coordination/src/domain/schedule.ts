import { Cron } from "croner";
import { z } from "zod";
import { ValidationError } from "../errors.js";
import { boundedJson, LIMITS, PARAMS_LIMIT } from "./limits.js";
import { newTaskSchema } from "./task.js";
import { MAX_DELAY_MS, parseDelay } from "./task-delay.js";

/**
 * Repeating schedules (issue 12 item 2): a cron expression in a time zone, or a fixed
 * interval, that creates one task per slot. The rules here are pure — which slots exist,
 * which of the missed ones fire after an outage, and each slot's key — and both store
 * adapters call them; how a slot is fired exactly once is each adapter's (docs/flow-control.md).
 */

/** Shortest interval: one slot a second is the finest either backend can date (GitHub: whole seconds). */
export const MIN_INTERVAL_MS = 1000;
/** Most slots one catch-up may fire (`catchUp: "all"`), and the most any computation walks. */
export const MAX_CATCH_UP = 100;
/** A slot is "on time" while the scheduler reaches it within this long; later, it was missed. */
export const ON_TIME_MS = 60_000;

const SCHEDULE_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const CATCH_UP_POLICIES = ["latest", "all", "skip"] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

/** When a schedule fires: exactly one of `cron` (with an optional IANA `timezone`, default UTC) or `every`. */
export const scheduleTimingSchema = z
  .object({
    /** Five fields (minutes) or six (seconds first), as croner reads them. */
    cron: z.string().min(1).max(200).optional(),
    timezone: z.string().min(1).max(64).optional(),
    /** A fixed interval as people write it: "30s", "5m", "1h". */
    every: z.string().min(1).max(32).optional(),
  })
  .superRefine((timing, ctx) => {
    if ((timing.cron === undefined) === (timing.every === undefined))
      ctx.addIssue({ code: "custom", path: ["cron"], message: "exactly one of cron or every" });
    if (timing.every !== undefined && timing.timezone !== undefined)
      ctx.addIssue({ code: "custom", path: ["timezone"], message: "a time zone only with cron" });
  });
export type ScheduleTiming = z.infer<typeof scheduleTimingSchema>;

/** The task each slot creates: a new task's fields, less those that make no sense per slot. */
export const scheduleTaskSchema = z.object({
  type: newTaskSchema.shape.type,
  priority: newTaskSchema.shape.priority,
  params: boundedJson(PARAMS_LIMIT).default({}),
  maxAttempts: newTaskSchema.shape.maxAttempts,
  timeoutMs: newTaskSchema.shape.timeoutMs,
  title: newTaskSchema.shape.title,
});
export type ScheduleTask = z.output<typeof scheduleTaskSchema>;

export const newScheduleSchema = z.object({
  name: z.string().regex(SCHEDULE_NAME_RE, "lowercase letters, digits, '.', '_' or '-', 1–64 chars"),
  timing: scheduleTimingSchema,
  task: scheduleTaskSchema,
  /** After an outage: fire the latest missed slot only (default), all missed up to catchUpMax, or none. */
  catchUp: z.enum(CATCH_UP_POLICIES).default("latest"),
  catchUpMax: z.number().int().min(1).max(MAX_CATCH_UP).default(10),
  paused: z.boolean().default(false),
});
export type NewScheduleInput = z.input<typeof newScheduleSchema>;
export type NewSchedule = z.output<typeof newScheduleSchema>;

/**
 * What an edit may change (the name is the schedule's identity). Built without the create
 * schema's defaults: zod applies a default inside `.partial()`, so an edit of the params alone
 * would otherwise also set `paused: false` and reset the catch-up policy.
 */
export const scheduleEditSchema = z.object({
  timing: scheduleTimingSchema.optional(),
  task: scheduleTaskSchema.optional(),
  catchUp: z.enum(CATCH_UP_POLICIES).optional(),
  catchUpMax: z.number().int().min(1).max(MAX_CATCH_UP).optional(),
  paused: z.boolean().optional(),
});
export type ScheduleEdit = z.input<typeof scheduleEditSchema>;

export interface Schedule extends NewSchedule {
  id: string;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
  /**
   * Slots at or before this store-clock time are never fired: the newest slot already fired
   * or passed over, or the time the schedule was created, resumed or re-timed (so a change
   * never fires the slots from before it).
   */
  horizon: number;
}

/** One fired slot: the slot's time and the task it created. */
export interface ScheduleRun {
  scheduleId: string;
  slotAt: number;
  taskId: string;
  firedAt: number;
  firedBy: string;
}

/**
 * Whether an edit's timing is a different one. A form sends the timing with every edit; the
 * same timing must not move the horizon (that would drop slots due and not fired yet).
 */
export function timingChanged(current: ScheduleTiming, edited: ScheduleTiming | undefined): boolean {
  if (!edited) return false;
  return (
    current.cron !== edited.cron ||
    current.every !== edited.every ||
    (current.timezone ?? "UTC") !== (edited.timezone ?? "UTC")
  );
}

/** Validate a timing, naming the field at fault (croner's own message says what is wrong with the expression). */
export function assertValidTiming(timing: ScheduleTiming): void {
  if (timing.every !== undefined) {
    const every = parseDelay(timing.every, "timing.every");
    if (every < MIN_INTERVAL_MS || every > MAX_DELAY_MS)
      throw new ValidationError("timing.every", "an interval from 1s to 366d", timing.every);
    return;
  }
  try {
    cronOf(timing).nextRun(new Date(0));
  } catch (error) {
    const field = /timezone/i.test((error as Error).message) ? "timing.timezone" : "timing.cron";
    throw new ValidationError(
      field,
      `a valid ${field === "timing.cron" ? "cron expression" : "IANA time zone"} (${(error as Error).message})`,
    );
  }
}

function cronOf(timing: ScheduleTiming): Cron {
  return new Cron(timing.cron ?? "", { timezone: timing.timezone ?? "UTC", paused: true });
}

function everyMs(timing: ScheduleTiming): number | null {
  return timing.every === undefined ? null : parseDelay(timing.every, "timing.every");
}

/**
 * The first `limit` slots of `timing` after `after` (exclusive), ascending. An interval's
 * slots are `anchor + k·every` (k ≥ 1), so every process computes the same times from the
 * stored anchor; a cron's come from croner in its time zone.
 */
export function slotsAfter(timing: ScheduleTiming, anchor: number, after: number, limit: number): number[] {
  const count = Math.min(Math.max(0, limit), MAX_CATCH_UP + 1);
  const every = everyMs(timing);
  if (every !== null) {
    const first = Math.max(1, Math.floor((after - anchor) / every) + 1);
    return Array.from({ length: count }, (_, i) => anchor + (first + i) * every);
  }
  return cronOf(timing)
    .nextRuns(count, new Date(after))
    .map((date) => date.getTime());
}

/**
 * The newest `limit` slots in (horizon, now], ascending: what is due. Only the newest are
 * computed (croner walks backwards from now), so an outage of a million slots costs no more
 * than one of three.
 */
export function dueSlots(
  timing: ScheduleTiming,
  anchor: number,
  horizon: number,
  now: number,
  limit: number,
): number[] {
  const count = Math.min(Math.max(0, limit), MAX_CATCH_UP + 1);
  const every = everyMs(timing);
  let newestFirst: number[];
  if (every !== null) {
    const last = Math.floor((now - anchor) / every);
    newestFirst = [];
    for (let k = last; k >= 1 && newestFirst.length < count; k--) newestFirst.push(anchor + k * every);
  } else {
    newestFirst = cronOf(timing)
      .previousRuns(count, new Date(now + 1))
      .map((date) => date.getTime());
  }
  return newestFirst.filter((slot) => slot > horizon && slot <= now).reverse();
}

/** The next `count` slots from `now`, for "next runs" listings (a paused schedule has none). */
export function nextRuns(
  schedule: Pick<Schedule, "timing" | "createdAt" | "horizon" | "paused">,
  now: number,
  count: number,
): number[] {
  if (schedule.paused) return [];
  return slotsAfter(schedule.timing, schedule.createdAt, Math.max(now, schedule.horizon), count);
}

export interface CatchUpDecision {
  /** Slots to fire now, ascending. */
  fire: number[];
  /** Slots due but passed over by the policy. */
  skipped: number[];
  /** The schedule's new horizon: every slot at or before it has been decided. */
  horizon: number;
}

/**
 * Which due slots fire. `due` are the newest slots in (horizon, now], ascending (dueSlots).
 * Only the newest can be on time — every older one was missed, since its successor came
 * too — and it is on time while the scheduler reaches it within ON_TIME_MS. The policy:
 * `latest` fires the newest due slot alone (on time or not: no burst after an outage), `all`
 * the newest `catchUpMax` of them, `skip` the newest only if it is on time.
 */
export function decideCatchUp(
  due: readonly number[],
  now: number,
  policy: { catchUp: CatchUpPolicy; catchUpMax: number },
  horizon: number,
): CatchUpDecision {
  const newest = due[due.length - 1];
  if (newest === undefined) return { fire: [], skipped: [], horizon };
  const onTime = now - newest <= ON_TIME_MS;
  const fire =
    policy.catchUp === "all"
      ? due.slice(-Math.min(policy.catchUpMax, MAX_CATCH_UP))
      : policy.catchUp === "latest" || onTime
        ? [newest]
        : [];
  const fired = new Set(fire);
  return { fire, skipped: due.filter((slot) => !fired.has(slot)), horizon: Math.max(horizon, now) };
}

/** The task a slot creates; its title names the slot, so the task list says which run it is. */
export function slotTaskTitle(schedule: Pick<Schedule, "name" | "task">, slotAt: number): string {
  const base = schedule.task.title ?? schedule.name;
  return `${base} @ ${new Date(slotAt).toISOString()}`.slice(0, LIMITS.nameChars);
}
