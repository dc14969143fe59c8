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
