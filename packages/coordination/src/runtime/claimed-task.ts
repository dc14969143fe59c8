import type { Lock } from "../domain/lock.js";
import type { Task } from "../domain/task.js";
import type { LockHandle } from "../locks/lock-handle.js";

/** A task this worker started under a live lock: the unit every later step works on. */
export interface ClaimedTask {
  /** As returned by the start transition (state running, attempts incremented). */
  task: Task;
  lock: Lock;
  /** The lock state machine for this hold (ACQUIRED → EXECUTING → RELEASED; locks/lock-state.ts). */
  handle: LockHandle;
}
