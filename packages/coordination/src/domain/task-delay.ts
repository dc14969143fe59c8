import ms from "ms";
import { IllegalTransitionError, TaskNotDueError, ValidationError } from "../errors.js";
import type { NewTask, Task } from "./task.js";
import { CLAIMABLE_TASK_STATES } from "./task-transitions.js";

/** The furthest ahead a task may be scheduled: far enough for any real plan, near enough that a typo ("30d" for "30s") stands out. */
export const MAX_DELAY_MS = 366 * 24 * 3600_000;

/**
 * When a new task's first attempt may start, on the store clock at creation (`now`): at its
 * `runAt` if one is given (a time already past means now), else after `delayMs`. A time more
 * than MAX_DELAY_MS ahead is refused naming the field, so a wrong year never parks a task
 * for good.
 */
export function firstRunAt(task: Pick<NewTask, "delayMs" | "runAt">, now: number): number {
  if (task.runAt !== undefined) {
    if (task.runAt - now > MAX_DELAY_MS)
      throw new ValidationError("runAt", "a time within 366 days of now", new Date(task.runAt).toISOString());
    return Math.max(now, task.runAt);
  }
  if (task.delayMs > MAX_DELAY_MS) throw new ValidationError("delayMs", "at most 366 days", task.delayMs);
  return now + task.delayMs;
}

/** A task waiting for its runAt: it could be claimed (queued, or failed awaiting its retry) but its time has not come. */
export function isDelayed(task: Pick<Task, "state" | "runAt">, now: number): boolean {
  return CLAIMABLE_TASK_STATES.includes(task.state) && task.runAt > now;
}

/** A start before the task's runAt is refused (claims skip such tasks; a two-step start throws). */
export function assertDue(task: Pick<Task, "id" | "state" | "runAt">, now: number): void {
  if (task.runAt > now) throw new TaskNotDueError(task.id, task.state, task.runAt);
}

/**
 * Promote = run now: only a delayed task can be promoted (a running or finished one has no
 * start to bring forward, and one already due would gain nothing), so an operator's promote
 * of anything else is refused rather than silently ignored.
 */
export function assertPromotable(task: Pick<Task, "id" | "state" | "runAt">, now: number): void {
  if (!isDelayed(task, now))
    throw new IllegalTransitionError("task", task.id, `${task.state} (not delayed)`, "promoted");
}

/**
 * A delay as people write it ("30s", "5m", "2h", "1d", "1500ms", or a bare number of ms),
 * parsed by the `ms` package; refused naming `field` unless it is a positive whole duration
 * within MAX_DELAY_MS.
 */
export function parseDelay(text: string, field = "delay"): number {
  const trimmed = text.trim();
  const value = trimmed.length > 0 && trimmed.length <= 32 ? ms(trimmed as ms.StringValue) : Number.NaN;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_DELAY_MS)
    throw new ValidationError(field, 'a duration such as "30s", "5m", "2h" or "1d" (at most 366 days)', text);
  return Math.round(value);
}

/** When a delayed task will run, relative to `now`: "in 4 min", "in 12 s", "in 3 h"; "due" once its time has come. */
export function describeRunIn(runAt: number, now: number): string {
  const left = runAt - now;
  if (left <= 0) return "due";
  if (left < 60_000) return `in ${Math.ceil(left / 1000)} s`;
  if (left < 3600_000) return `in ${Math.round(left / 60_000)} min`;
  if (left < 48 * 3600_000) return `in ${Math.round(left / 3600_000)} h`;
  return `in ${Math.round(left / (24 * 3600_000))} d`;
}
