/** Lock on one task. Held by one worker at a time, as judged by the store's clock. */
export interface Lock {
  taskId: string;
  ownerId: string;
  /** Strictly greater than every earlier token for this task's lock. */
  token: number;
  acquiredAt: number;
  /** acquiredAt + the task's timeout; the lock is also dead once its owner's lease is. */
  expiresAt: number;
  metadata: LockMetadata;
}

export interface LockMetadata {
  hostname: string;
  pid: number;
  taskType: string;
}

export type AcquireResult = { acquired: true; lock: Lock } | { acquired: false; holder: Lock };

/**
 * A lock is live while its TTL has not run out and its holder's lease is live, both judged
 * at store-clock `now` (invariant 3: no heartbeat writes of its own). The SQLite adapter
 * spells the same rule in SQL (store/sqlite/lock-liveness.ts).
 */
export function isLockLive(lock: Pick<Lock, "expiresAt">, holderLeaseLive: boolean, now: number): boolean {
  return holderLeaseLive && now < lock.expiresAt;
}
