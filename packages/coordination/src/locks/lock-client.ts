import { CONFLICT_POLICIES } from "../config/schema.js";
import type { Lock, LockMetadata } from "../domain/lock.js";
import { ValidationError } from "../errors.js";
import type { CoordinationStore } from "../store/port.js";
import { fullJitterDelayMs } from "./backoff.js";
import { LockHandle } from "./lock-handle.js";

/** What a would-be holder does when the task's lock is held by someone else: give up at once, poll, or retry with backoff. */
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

export interface LockClientOptions {
  /** Default policy for `acquire`. */
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
}

export interface AcquireOptions {
  ttlMs: number;
  metadata: LockMetadata;
  /** Overrides the client's conflictPolicy for this call. */
  conflictPolicy?: ConflictPolicy;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function nonNegativeInt(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new ValidationError(field, "a non-negative integer", value);
  return value;
}

/**
 * A worker's side of task locks, and nothing more. The lock itself — who holds it, whether
 * it is live (TTL and the holder's lease), its fencing tokens — is decided by the rules in
 * domain/lock.ts and domain/fencing.ts, applied atomically by each store adapter
 * (`acquireLock`, `claimTasks`, `releaseLock`). This client adds what the store cannot know:
 * what a loser does (skip, wait, or retry with full-jitter backoff: the acquisition half of
 * the lock state machine in lock-state.ts), and a handle per held lock that walks the
 * holding half (ACQUIRED → EXECUTING → RELEASED → NO_LOCK).
 */
export class LockClient {
  private readonly opts: Required<LockClientOptions>;

  constructor(
    private readonly store: CoordinationStore,
    opts: LockClientOptions = {},
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
    };
    if (!CONFLICT_POLICIES.includes(this.opts.conflictPolicy)) {
      throw new ValidationError("conflictPolicy", `one of ${CONFLICT_POLICIES.join(", ")}`, this.opts.conflictPolicy);
    }
  }

  /** A handle on the lock, or null when the conflict policy gave up (skipped, retries exhausted, wait timed out). */
  async acquire(taskId: string, ownerId: string, opts: AcquireOptions): Promise<LockHandle | null> {
    const policy = opts.conflictPolicy ?? this.opts.conflictPolicy;
    const request = { taskId, ownerId, ttlMs: opts.ttlMs, metadata: opts.metadata };
    for (let retry = 0; ; retry++) {
      if (retry > 0) {
        const delay = this.nextDelay(policy, retry);
        if (delay === null) return null;
        await this.opts.sleep(delay);
      }
      const result = await this.store.acquireLock(request);
      if (result.acquired) return new LockHandle(result.lock, this.store);
    }
  }

  /** A handle on a lock the store granted elsewhere (the batch `claimTasks` acquires and starts in one step). */
  adopt(lock: Lock): LockHandle {
    return new LockHandle(lock, this.store);
  }

  /** Sleep before retry number `retry` (1-based), or null to give up. */
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
}
