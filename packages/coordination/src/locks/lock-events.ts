import type { Lock } from "../domain/lock.js";
import type { LockState } from "./lock-state.js";

export interface LockTransition {
  taskId: string;
  ownerId: string;
  from: LockState;
  to: LockState;
  /** The holder's token once acquired, else null. */
  token: number | null;
  /** On CONFLICT: who holds the lock. */
  holder?: Pick<Lock, "ownerId" | "token" | "expiresAt">;
  /** 1-based acquisition attempt this transition belongs to. */
  attempt: number;
}

export interface LockManagerEvents {
  transition: LockTransition;
  /** A listener threw; reported here (never to the caller) so a bad listener cannot break locking. */
  listenerError: { event: keyof LockManagerEvents; error: Error };
}

export type LockListener<K extends keyof LockManagerEvents> = (payload: LockManagerEvents[K]) => void;
