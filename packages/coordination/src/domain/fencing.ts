import { IllegalTransitionError, StaleFencingTokenError } from "../errors.js";
import type { TaskState } from "./task.js";

/**
 * Fencing (docs/architecture.md, invariant 1): every write by a lock holder presents its
 * token, and the store refuses it unless the token is still the lock's current one. Each
 * adapter reads the current values and asks these functions; they never write.
 */

/** `lockToken`: the lock's current fencing token (null if none was ever issued). */
export interface FenceInput {
  taskId: string;
  token: number;
  lockToken: number | null;
}

/**
 * Writes of a running attempt (store a result, complete, fail): the token must be the
 * lock's current one (nothing newer issued or revoked since), the task must be running, and
 * the attempt must have started with that token. `target` names the write in the error.
 */
export function assertAttemptFence(
  fence: FenceInput & { state: TaskState; attemptToken: number | null; target: string },
): void {
  const { taskId, token, lockToken } = fence;
  if (token !== lockToken) throw new StaleFencingTokenError(taskId, token, lockToken);
  if (fence.state !== "running") throw new IllegalTransitionError("task", taskId, fence.state, fence.target);
  if (fence.attemptToken !== token) throw new StaleFencingTokenError(taskId, token, fence.attemptToken);
}

/** A start: the token must be current and its presenter the live holder of exactly that token (returned). */
export function assertStartFence<H extends { ownerId: string; token: number }>(
  fence: FenceInput & { workerId: string; liveHolder: H | null },
): H {
  const { taskId, token, lockToken, liveHolder } = fence;
  if (token !== lockToken) throw new StaleFencingTokenError(taskId, token, lockToken);
  if (!liveHolder || liveHolder.token !== token || liveHolder.ownerId !== fence.workerId)
    throw new StaleFencingTokenError(taskId, token, null);
  return liveHolder;
}

/**
 * Owner release: a stale token is refused; with the current token, releasing a lock nobody
 * holds any more (a second release) is a no-op, so `held` says whether there is anything to
 * release.
 */
export function shouldRelease(fence: FenceInput & { held: boolean }): boolean {
  if (fence.token !== fence.lockToken) throw new StaleFencingTokenError(fence.taskId, fence.token, fence.lockToken);
  return fence.held;
}

/**
 * Is the attempt that started with `token` still the task's running one? An end recorded from
 * outside the attempt (a monitor failing a lapsed worker's task) takes effect only then, and a
 * worker aborts its execution once it is not.
 */
export function isRunningAttempt(task: { state: TaskState; fencingToken: number | null }, token: number): boolean {
  return task.state === "running" && task.fencingToken === token;
}

/**
 * A revoke (force-release) moves the lock's token from `before` to `after`. A running
 * attempt that held `before` is handed to `after`: its old holder is fenced out, while
 * whoever recovers the task (the heartbeat monitor) can still fail it with the task's
 * current fencingToken. Returns the attempt's token after the revoke.
 */
export function attemptTokenAfterRevoke(
  task: { state: TaskState; fencingToken: number | null },
  before: number | null,
  after: number,
): number | null {
  return task.state === "running" && task.fencingToken === before ? after : task.fencingToken;
}

/**
 * Does an attempt's outcome, written by its holder, count? Only if it was written while the
 * lock was still held, by the time the store itself dated the write — never by a time the
 * writer chose (a signing time), because a write checked against the fence may wait in a
 * budget queue or a retry long after the check. `writtenAt` is the start of the interval
 * the store dates the write to, `resolutionMs` that interval's width (GitHub: whole
 * seconds). The whole interval must end by the lock's expiry (store clock, the one leases
 * are judged on): a write that may have landed after it is refused. And it must not lie
 * after `revokedAt`, the store's date of the first later record that took the attempt away
 * (a recovery or end by someone else, a cancel, requeue or force-release; null if none).
 * Within one interval the order is unknown and the write counts: the revoking record then
 * takes no effect, and a claim that lost its attempt this way never counts an outcome.
 */
export function isOutcomeWithinLock(write: {
  writtenAt: number;
  resolutionMs: number;
  expiresAt: number;
  revokedAt: number | null;
}): boolean {
  if (write.writtenAt + write.resolutionMs > write.expiresAt) return false;
  return write.revokedAt === null || write.writtenAt <= write.revokedAt;
}
