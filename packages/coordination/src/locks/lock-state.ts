import { IllegalTransitionError } from "../errors.js";

/**
 * The lock state machine as seen by one would-be holder (docs/architecture.md).
 * NO_LOCK → ACQUIRING (create) → ACQUIRED → EXECUTING → RELEASED → NO_LOCK (final);
 * NO_LOCK/ACQUIRING → CONFLICT (exists); CONFLICT → ACQUIRING (retry/wait) or FAILED (abort).
 * ACQUIRED → RELEASED covers a holder that gives the lock back without running the task.
 * The acquisition half is LockClient.acquire's loop under its conflict policy; the holding
 * half is walked, and enforced, by LockHandle.
 */
export const LOCK_STATES = ["NO_LOCK", "ACQUIRING", "CONFLICT", "ACQUIRED", "EXECUTING", "RELEASED", "FAILED"] as const;
export type LockState = (typeof LOCK_STATES)[number];

export const LOCK_TRANSITIONS: Readonly<Record<LockState, readonly LockState[]>> = {
  NO_LOCK: ["ACQUIRING", "CONFLICT"],
  ACQUIRING: ["ACQUIRED", "CONFLICT"],
  CONFLICT: ["ACQUIRING", "FAILED"],
  ACQUIRED: ["EXECUTING", "RELEASED"],
  EXECUTING: ["RELEASED"],
  RELEASED: ["NO_LOCK"],
  FAILED: [],
};

export function canTransitionLock(from: LockState, to: LockState): boolean {
  return LOCK_TRANSITIONS[from].includes(to);
}

export function assertLockTransition(taskId: string, from: LockState, to: LockState): void {
  if (!canTransitionLock(from, to)) throw new IllegalTransitionError("lock", taskId, from, to);
}
