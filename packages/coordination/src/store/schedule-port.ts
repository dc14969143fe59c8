import { ValidationError } from "../errors.js";
import type { CoordinationStore } from "./port.js";

/** The port's schedule methods: optional, and a backend has all of them or none. */
export const SCHEDULE_METHODS = [
  "createSchedule",
  "editSchedule",
  "deleteSchedule",
  "getSchedule",
  "listSchedules",
  "listScheduleRuns",
  "fireDueSlots",
] as const satisfies readonly (keyof CoordinationStore)[];

export type ScheduleMethods = Required<Pick<CoordinationStore, (typeof SCHEDULE_METHODS)[number]>>;

/** Whether the store has repeating schedules (both built-in backends do), for surfaces that say so instead of failing. */
export function supportsSchedules(store: CoordinationStore): boolean {
  return SCHEDULE_METHODS.every((name) => typeof store[name] === "function");
}

/**
 * The store's schedule methods, or a clear error naming the backend: schedules are optional
 * on the port (docs/flow-control.md), and every surface says so the same way.
 */
export function schedulesOf(store: CoordinationStore): ScheduleMethods {
  if (!supportsSchedules(store))
    throw new ValidationError("backend", "a store with repeating schedules (sqlite or github)", store.backend);
  const s = store as CoordinationStore & ScheduleMethods;
  return {
    createSchedule: s.createSchedule.bind(store),
    editSchedule: s.editSchedule.bind(store),
    deleteSchedule: s.deleteSchedule.bind(store),
    getSchedule: s.getSchedule.bind(store),
    listSchedules: s.listSchedules.bind(store),
    listScheduleRuns: s.listScheduleRuns.bind(store),
    fireDueSlots: s.fireDueSlots.bind(store),
  };
}
