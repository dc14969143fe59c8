import { ValidationError } from "../errors.js";
import type { CoordinationStore } from "./port.js";

export type ScheduleMethods = Required<
  Pick<
    CoordinationStore,
    | "createSchedule"
    | "editSchedule"
    | "deleteSchedule"
    | "getSchedule"
    | "listSchedules"
    | "listScheduleRuns"
    | "fireDueSlots"
  >
>;

/** Whether the store has repeating schedules (GitHub: not yet), for surfaces that say so instead of failing. */
export function supportsSchedules(store: CoordinationStore): boolean {
  return Boolean(
    store.createSchedule &&
      store.editSchedule &&
      store.deleteSchedule &&
      store.getSchedule &&
      store.listSchedules &&
      store.listScheduleRuns &&
      store.fireDueSlots,
  );
}

/**
 * The store's schedule methods, or a clear error naming the backend: schedules are optional
 * on the port (GitHub has none yet, docs/flow-control.md), and every surface says so the same way.
 */
export function schedulesOf(store: CoordinationStore): ScheduleMethods {
  const { createSchedule, editSchedule, deleteSchedule, getSchedule, listSchedules, listScheduleRuns, fireDueSlots } =
    store;
  if (
    !createSchedule ||
    !editSchedule ||
    !deleteSchedule ||
    !getSchedule ||
    !listSchedules ||
    !listScheduleRuns ||
    !fireDueSlots
  )
    throw new ValidationError("backend", "a store with repeating schedules (sqlite; github: not yet)", store.backend);
  return {
    createSchedule: createSchedule.bind(store),
    editSchedule: editSchedule.bind(store),
    deleteSchedule: deleteSchedule.bind(store),
    getSchedule: getSchedule.bind(store),
    listSchedules: listSchedules.bind(store),
    listScheduleRuns: listScheduleRuns.bind(store),
    fireDueSlots: fireDueSlots.bind(store),
  };
}
