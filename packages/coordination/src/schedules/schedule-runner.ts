import type { ScheduleRun } from "../domain/schedule.js";
import { type IntervalTask, startIntervalTask } from "../interval-task.js";
import type { CoordinationStore } from "../store/port.js";

/**
 * How often each process asks the store to fire due slots. Slots are whole seconds at the
 * finest (domain/schedule.ts MIN_INTERVAL_MS), so a one-second tick reaches each within a
 * second; on SQLite an idle tick is one read (no write lock), so many processes can tick.
 */
export const SCHEDULE_TICK_MS = 1000;

export interface ScheduleRunnerOptions {
  /** Who fires (recorded with each run and its `schedule.fired` event): a worker id or `control-plane:…`. */
  firedBy: string;
  tickMs?: number;
  onFired?: (runs: ScheduleRun[]) => void;
  /** A failed tick (store busy, network) is reported and the next tick tries again; it never stops the loop. */
  onError?: (error: unknown) => void;
}

/**
 * The scheduler loop. Every worker and every control plane runs one, so a fleet with either
 * still fires its schedules; they race safely because the store fires each slot exactly once
 * (CoordinationStore.fireDueSlots). Null when the store has no schedules.
 */
export function startScheduleRunner(store: CoordinationStore, options: ScheduleRunnerOptions): IntervalTask | null {
  const fire = store.fireDueSlots?.bind(store);
  if (!fire) return null;
  return startIntervalTask(
    async () => {
      try {
        const runs = await fire(options.firedBy);
        if (runs.length > 0) options.onFired?.(runs);
      } catch (error) {
        options.onError?.(error);
      }
    },
    options.tickMs ?? SCHEDULE_TICK_MS,
    { runImmediately: true, unref: true },
  );
}
