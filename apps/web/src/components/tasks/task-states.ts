import type { TaskState } from "@sentinel/coordination";

/**
 * The coordination package's index also exports Node-only code, so client components take
 * the state list from here; the Record type makes it fail to compile if a state is missing.
 */
const STATES: Record<TaskState, true> = {
  queued: true,
  running: true,
  succeeded: true,
  failed: true,
  dead: true,
  cancelled: true,
};

export const TASK_STATE_OPTIONS = Object.keys(STATES) as TaskState[];

export function isTaskState(value: string): value is TaskState {
  return Object.hasOwn(STATES, value);
}
