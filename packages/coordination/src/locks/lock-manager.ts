import type { Logger } from "pino";
import type { Lock, LockMetadata } from "../domain/lock.js";
import { coerceError, ValidationError } from "../errors.js";
import type { CoordinationStore } from "../store/port.js";
import { fullJitterDelayMs } from "./backoff.js";
import { type ExpiredLock, findExpiredLocks } from "./expired-locks.js";
import type { LockListener, LockManagerEvents, LockTransition } from "./lock-events.js";
import { LockHandle, type LockHandleHost } from "./lock-handle.js";
import { assertLockTransition, type LockState } from "./lock-state.js";

/** What to do when the task's lock is held by someone else (seed: "Lock Conflict Resolution"). */
export type ConflictPolicy = "skip" | "wait" | "retry";

export interface LockManagerOptions {
  /** Default policy for `acquire`; `retry` matches the seed's LOCK_RETRY_ATTEMPTS. */
  conflictPolicy?: ConflictPolicy;
  /** Retries after the first attempt under `retry` (LOCK_RETRY_ATTEMPTS, default 3). */
  retryAttempts?: number;
  /** Backoff base (LOCK_RETRY_DELAY_MS, default 1000). */
  retryDelayMs?: number;
  /** Backoff cap (default 30 s). */
  maxRetryDelayMs?: number;
  /** Under `wait`: give up after sleeping this long in total (default 60 s). */
  waitTimeoutMs?: number;
  /** Under `wait`: how often to look again (default retryDelayMs). */
  waitPollMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  logger?: Pick<Logger, "warn">;
}

export interface AcquireOptions {
  ttlMs: number;
  metadata: LockMetadata;
  /** Overrides the manager's conflictPolicy for this call. */
  conflictPolicy?: ConflictPolicy;
}

type ResolvedOptions = Required<Omit<LockManagerOptions, "logger">> & Pick<LockManagerOptions, "logger">;

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function nonNegativeInt(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new ValidationError(field, "a non-negative integer", value);
  return value;
}

/**
 * Per-task locks as a policy over the store: the store decides who holds a lock (by its own
 * clock, with fencing); this class decides what a loser does (skip, wait, retry with
 * backoff) and exposes the seed's lock state machine through handles and `transition` events.
 */
export class LockManager implements LockHandleHost {
  private readonly opts: ResolvedOptions;
  private readonly listeners: { [K in keyof LockManagerEvents]: Set<LockListener<K>> } = {
    transition: new Set(),
    listenerError: new Set(),
  };
  /** Handles this process holds, by `taskId#token`, so `release(lock)` can move them too. */
  private readonly held = new Map<string, LockHandle>();

  constructor(
    private readonly store: CoordinationStore,
    opts: LockManagerOptions = {},
  ) {
    const retryDelayMs = nonNegativeInt("retryDelayMs", opts.retryDelayMs ?? 1000);
    this.opts = {
      conflictPolicy: opts.conflictPolicy ?? "retry",
      retryAttempts: nonNegativeInt("retryAttempts", opts.retryAttempts ?? 3),
      retryDelayMs,
      maxRetryDelayMs: nonNegativeInt("maxRetryDelayMs", opts.maxRetryDelayMs ?? 30_000),
      waitTimeoutMs: nonNegativeInt("waitTimeoutMs", opts.waitTimeoutMs ?? 60_000),
      waitPollMs: Math.max(1, nonNegativeInt("waitPollMs", opts.waitPollMs ?? retryDelayMs)),
      random: opts.random ?? Math.random,
      sleep: opts.sleep ?? defaultSleep,
      logger: opts.logger,
    };
    if (!["skip", "wait", "retry"].includes(this.opts.conflictPolicy)) {
      throw new ValidationError("conflictPolicy", "one of skip, wait, retry", this.opts.conflictPolicy);
    }
  }

  on<K extends keyof LockManagerEvents>(event: K, listener: LockListener<K>): () => void {
    const set = this.listeners[event] as Set<LockListener<K>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** The lock, or null when the conflict policy gave up (skipped, retries exhausted, wait timed out). */
  async acquire(taskId: string, ownerId: string, opts: AcquireOptions): Promise<Lock | null> {
    return (await this.acquireHandle(taskId, ownerId, opts))?.lock ?? null;
  }

  async acquireHandle(taskId: string, ownerId: string, opts: AcquireOptions): Promise<LockHandle | null> {
    const policy = opts.conflictPolicy ?? this.opts.conflictPolicy;
    const request = { taskId, ownerId, ttlMs: opts.ttlMs, metadata: opts.metadata };
    const track = { taskId, ownerId, attempt: 1, state: "NO_LOCK" as LockState };

    const first = await this.store.acquireLock(request);
    if (first.acquired) return this.granted(track, "ACQUIRING", first.lock);
    this.step(track, "CONFLICT", null, first.holder);

    for (let retry = 1; ; retry++) {
      const delay = this.nextDelay(policy, retry);
      if (delay === null) {
        this.step(track, "FAILED", null);
        return null;
      }
      await this.opts.sleep(delay);
      track.attempt += 1;
      this.step(track, "ACQUIRING", null);
      const next = await this.store.acquireLock(request);
      if (next.acquired) return this.granted(track, null, next.lock);
      this.step(track, "CONFLICT", null, next.holder);
    }
  }

  /**
   * Wrap a lock obtained elsewhere (the store's batch `claimTasks` acquires and starts in one
   * transaction) so it walks the same state machine.
   */
  adopt(lock: Lock, state: "ACQUIRED" | "EXECUTING" = "ACQUIRED"): LockHandle {
    const track = { taskId: lock.taskId, ownerId: lock.ownerId, attempt: 1, state: "NO_LOCK" as LockState };
    const handle = this.granted(track, "ACQUIRING", lock);
    if (state === "EXECUTING") handle.markExecuting();
    return handle;
  }

  /** Owner release. Accepts the handle or the bare lock (a tracked handle is moved along). */
  async release(lock: Lock | LockHandle): Promise<void> {
    if (lock instanceof LockHandle) return lock.release();
    const handle = this.held.get(heldKey(lock));
    if (handle) return handle.release();
    await this.store.releaseLock(lock.taskId, lock.token);
  }

  /** Operator / monitor release regardless of owner; the returned lock is the one that was live. */
  async forceRelease(taskId: string, actor: string, reason: string): Promise<Lock | null> {
    const released = await this.store.forceReleaseLock(taskId, { actor, reason });
    for (const handle of [...this.held.values()]) {
      if (handle.lock.taskId === taskId && handle.state !== "NO_LOCK") handle.markReleased();
    }
    return released;
  }

  /**
   * Running tasks whose lock the store no longer honours (TTL run out, or owner's lease
   * dead), for `debug:locks` and the dashboard. Read-only on purpose: the store already
   * treats these locks as dead and records `lock.expired` exactly once when it displaces or
   * revokes one, and recovering the task is the HeartbeatMonitor's conditional job. A
   * revoke from here could race a new holder of the same lock.
   */
  async cleanupStale(): Promise<ExpiredLock[]> {
    return findExpiredLocks(this.store);
  }

  recordTransition(handle: LockHandle, from: LockState, to: LockState): void {
    if (to === "NO_LOCK") this.held.delete(heldKey(handle.lock));
    this.emit("transition", {
      taskId: handle.lock.taskId,
      ownerId: handle.lock.ownerId,
      from,
      to,
      token: handle.lock.token,
      attempt: handle.attempts,
    });
  }

  async releaseInStore(lock: Lock): Promise<void> {
    await this.store.releaseLock(lock.taskId, lock.token);
  }

  private nextDelay(policy: ConflictPolicy, retry: number): number | null {
    if (policy === "skip") return null;
    if (policy === "retry") {
      if (retry > this.opts.retryAttempts) return null;
      return fullJitterDelayMs(retry, this.opts.retryDelayMs, this.opts.maxRetryDelayMs, this.opts.random);
    }
    const slept = (retry - 1) * this.opts.waitPollMs;
    const left = this.opts.waitTimeoutMs - slept;
    return left <= 0 ? null : Math.min(this.opts.waitPollMs, left);
  }

  private granted(track: Track, via: "ACQUIRING" | null, lock: Lock): LockHandle {
    if (via) this.step(track, via, null);
    this.step(track, "ACQUIRED", lock.token);
    const handle = new LockHandle(lock, this, "ACQUIRED", track.attempt);
    this.held.set(heldKey(lock), handle);
    return handle;
  }

  private step(track: Track, to: LockState, token: number | null, holder?: Lock): void {
    assertLockTransition(track.taskId, track.state, to);
    const transition: LockTransition = {
      taskId: track.taskId,
      ownerId: track.ownerId,
      from: track.state,
      to,
      token,
      attempt: track.attempt,
    };
    if (holder) transition.holder = { ownerId: holder.ownerId, token: holder.token, expiresAt: holder.expiresAt };
    track.state = to;
    this.emit("transition", transition);
  }

  private emit<K extends keyof LockManagerEvents>(event: K, payload: LockManagerEvents[K]): void {
    for (const listener of this.listeners[event] as Set<LockListener<K>>) {
      try {
        listener(payload);
      } catch (thrown) {
        const error = coerceError(thrown);
        this.opts.logger?.warn({ err: error, event }, "lock listener threw");
        if (event !== "listenerError") this.emit("listenerError", { event, error });
      }
    }
  }
}

interface Track {
  taskId: string;
  ownerId: string;
  attempt: number;
  state: LockState;
}

function heldKey(lock: Pick<Lock, "taskId" | "token">): string {
  return `${lock.taskId}#${lock.token}`;
}
