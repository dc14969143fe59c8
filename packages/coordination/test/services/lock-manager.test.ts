import { restoreClock, skewDate, waitForStoreTime } from "@sentinel/test-support/clock";
import { tempStorePerTest } from "@sentinel/test-support/store";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Task } from "../../src/domain/task.js";
import { IllegalTransitionError, StaleFencingTokenError } from "../../src/errors.js";
import type { LockTransition } from "../../src/locks/lock-events.js";
import { LockManager } from "../../src/locks/lock-manager.js";
import { createTask, META, registerWorker } from "./fixtures.js";

const t = tempStorePerTest("sentinel-services");
let task: Task;
const opts = { ttlMs: 60_000, metadata: META };

beforeEach(async () => {
  await registerWorker(t.store, "w-a");
  await registerWorker(t.store, "w-b");
  task = await createTask(t.store);
});
afterEach(restoreClock);

function recordTransitions(manager: LockManager): LockTransition[] {
  const seen: LockTransition[] = [];
  manager.on("transition", (tr) => seen.push(tr));
  return seen;
}

describe("LockManager conflict policies", () => {
  it("acquires free locks walking NO_LOCK → ACQUIRING → ACQUIRED", async () => {
    const manager = new LockManager(t.store, { conflictPolicy: "skip" });
    const seen = recordTransitions(manager);
    const lock = await manager.acquire(task.id, "w-a", opts);
    expect(lock?.ownerId).toBe("w-a");
    expect(seen.map((s) => `${s.from}->${s.to}`)).toEqual(["NO_LOCK->ACQUIRING", "ACQUIRING->ACQUIRED"]);
    expect(seen[1]?.token).toBe(lock?.token);
  });

  it("skip: returns null at once and reports the holder", async () => {
    const holder = new LockManager(t.store);
    await holder.acquire(task.id, "w-a", opts);
    const sleep = vi.fn(async () => undefined);
    const manager = new LockManager(t.store, { conflictPolicy: "skip", sleep });
    const seen = recordTransitions(manager);
    expect(await manager.acquire(task.id, "w-b", opts)).toBeNull();
    expect(sleep).not.toHaveBeenCalled();
    expect(seen.map((s) => `${s.from}->${s.to}`)).toEqual(["NO_LOCK->CONFLICT", "CONFLICT->FAILED"]);
    expect(seen[0]?.holder?.ownerId).toBe("w-a");
  });

  it("retry: backs off with bounded full jitter and gives up after N retries", async () => {
    await new LockManager(t.store).acquire(task.id, "w-a", opts);
    const delays: number[] = [];
    const acquireSpy = vi.spyOn(t.store, "acquireLock");
    const manager = new LockManager(t.store, {
      conflictPolicy: "retry",
      retryAttempts: 4,
      retryDelayMs: 100,
      maxRetryDelayMs: 300,
      random: () => 0.9,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    expect(await manager.acquire(task.id, "w-b", opts)).toBeNull();
    expect(acquireSpy).toHaveBeenCalledTimes(5);
    expect(delays).toEqual([90, 180, 270, 270]);
  });

  it("retry: jitter stays under the exponential ceiling for any random draw", async () => {
    await new LockManager(t.store).acquire(task.id, "w-a", opts);
    const delays: number[] = [];
    let draw = 0;
    const manager = new LockManager(t.store, {
      retryAttempts: 6,
      retryDelayMs: 50,
      maxRetryDelayMs: 1000,
      random: () => [0, 0.3, 0.99, 0.5, 0.7, 0.999][draw++ % 6]!,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    await manager.acquire(task.id, "w-b", opts);
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(1000, 50 * 2 ** i));
    });
    expect(delays).toHaveLength(6);
  });

  it("retry: succeeds once the holder releases between attempts", async () => {
    const holder = await new LockManager(t.store).acquire(task.id, "w-a", opts);
    let sleeps = 0;
    const manager = new LockManager(t.store, {
      retryAttempts: 3,
      sleep: async () => {
        sleeps += 1;
        if (sleeps === 2) await t.store.releaseLock(holder!.taskId, holder!.token);
      },
    });
    const seen = recordTransitions(manager);
    const lock = await manager.acquire(task.id, "w-b", opts);
    expect(lock?.ownerId).toBe("w-b");
    expect(lock!.token).toBeGreaterThan(holder!.token);
    expect(seen.at(-1)).toMatchObject({ to: "ACQUIRED", attempt: 3 });
  });

  it("wait: polls until the holder releases", async () => {
    const holder = await new LockManager(t.store).acquire(task.id, "w-a", opts);
    const slept: number[] = [];
    const manager = new LockManager(t.store, {
      conflictPolicy: "wait",
      waitPollMs: 25,
      waitTimeoutMs: 1000,
      sleep: async (ms) => {
        slept.push(ms);
        if (slept.length === 3) await t.store.releaseLock(holder!.taskId, holder!.token);
      },
    });
    const lock = await manager.acquire(task.id, "w-b", opts);
    expect(lock?.ownerId).toBe("w-b");
    expect(slept).toEqual([25, 25, 25]);
  });

  it("wait: really waits for a real release (no injected sleep)", async () => {
    const holder = await new LockManager(t.store).acquire(task.id, "w-a", opts);
    const manager = new LockManager(t.store, { conflictPolicy: "wait", waitPollMs: 10, waitTimeoutMs: 5000 });
    const pending = manager.acquire(task.id, "w-b", opts);
    setTimeout(() => void t.store.releaseLock(holder!.taskId, holder!.token), 40);
    expect((await pending)?.ownerId).toBe("w-b");
  });

  it("wait: gives up after waitTimeoutMs of waiting", async () => {
    await new LockManager(t.store).acquire(task.id, "w-a", opts);
    const slept: number[] = [];
    const manager = new LockManager(t.store, {
      conflictPolicy: "wait",
      waitPollMs: 40,
      waitTimeoutMs: 100,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(await manager.acquire(task.id, "w-b", opts)).toBeNull();
    expect(slept).toEqual([40, 40, 20]);
  });

  it("per-call conflictPolicy overrides the default", async () => {
    await new LockManager(t.store).acquire(task.id, "w-a", opts);
    const sleep = vi.fn(async () => undefined);
    const manager = new LockManager(t.store, { conflictPolicy: "retry", sleep });
    expect(await manager.acquire(task.id, "w-b", { ...opts, conflictPolicy: "skip" })).toBeNull();
    expect(sleep).not.toHaveBeenCalled();
  });
});

describe("LockHandle", () => {
  it("walks ACQUIRED → EXECUTING → RELEASED → NO_LOCK and rejects illegal moves", async () => {
    const manager = new LockManager(t.store);
    const seen = recordTransitions(manager);
    const handle = (await manager.acquireHandle(task.id, "w-a", opts))!;
    expect(handle.state).toBe("ACQUIRED");
    handle.markExecuting();
    expect(() => handle.markExecuting()).toThrow(IllegalTransitionError);
    await handle.release();
    expect(handle.state).toBe("NO_LOCK");
    await expect(handle.release()).rejects.toThrow(IllegalTransitionError);
    expect(() => handle.markExecuting()).toThrow(IllegalTransitionError);
    expect(() => handle.markReleased()).toThrow(IllegalTransitionError);
    expect(seen.map((s) => s.to)).toEqual(["ACQUIRING", "ACQUIRED", "EXECUTING", "RELEASED", "NO_LOCK"]);
    expect(await t.store.getLock(task.id)).toBeNull();
  });

  it("release(lock) moves the tracked handle too", async () => {
    const manager = new LockManager(t.store);
    const handle = (await manager.acquireHandle(task.id, "w-a", opts))!;
    await manager.release(handle.lock);
    expect(handle.state).toBe("NO_LOCK");
  });

  it("a stale release still leaves the handle in NO_LOCK and surfaces the fencing error", async () => {
    const manager = new LockManager(t.store);
    const handle = (await manager.acquireHandle(task.id, "w-a", opts))!;
    await manager.forceRelease(task.id, "operator:alice", "test");
    expect(handle.state).toBe("NO_LOCK");
    const other = (await new LockManager(t.store).acquireHandle(task.id, "w-b", opts))!;
    const stale = new LockManager(t.store);
    await expect(stale.release(handle.lock)).rejects.toThrow(StaleFencingTokenError);
    expect(other.state).toBe("ACQUIRED");
  });

  it("adopt wraps a batch-claimed lock already executing", async () => {
    const manager = new LockManager(t.store);
    const [claimed] = await t.store.claimTasks({
      workerId: "w-a",
      taskIds: [task.id],
      metadata: { hostname: "h", pid: 1 },
    });
    const handle = manager.adopt(claimed!.lock, "EXECUTING");
    expect(handle.state).toBe("EXECUTING");
    await t.store.completeTask(task.id, claimed!.lock.token);
    handle.markReleased();
    expect(handle.state).toBe("NO_LOCK");
  });

  it("a throwing listener never breaks the caller and is reported", async () => {
    const manager = new LockManager(t.store);
    const errors: string[] = [];
    manager.on("transition", () => {
      throw new Error("listener bug");
    });
    manager.on("listenerError", ({ error }) => errors.push(error.message));
    const handle = await manager.acquireHandle(task.id, "w-a", opts);
    expect(handle?.state).toBe("ACQUIRED");
    expect(errors).toEqual(["listener bug", "listener bug"]);
  });

  it("unsubscribe stops delivery", async () => {
    const manager = new LockManager(t.store);
    const seen: LockTransition[] = [];
    const off = manager.on("transition", (tr) => seen.push(tr));
    off();
    await manager.acquire(task.id, "w-a", opts);
    expect(seen).toEqual([]);
  });
});

describe("cleanupStale", () => {
  it("reports running tasks whose lock outran its TTL", async () => {
    const short = await createTask(t.store, { timeoutMs: 100 });
    const [claimed] = await t.store.claimTasks({
      workerId: "w-a",
      taskIds: [short.id],
      metadata: { hostname: "h", pid: 1 },
    });
    expect(await new LockManager(t.store).cleanupStale()).toEqual([]);
    await waitForStoreTime(t.store, claimed!.lock.expiresAt);
    const expired = await new LockManager(t.store).cleanupStale();
    expect(expired).toEqual([
      expect.objectContaining({ taskId: short.id, ownerId: "w-a", token: claimed!.lock.token, reason: "ttl_expired" }),
    ]);
  });

  it("reports locks whose owner's lease is dead", async () => {
    await registerWorker(t.store, "w-short", { heartbeatIntervalMs: 10, leaseMs: 60 });
    const [claimed] = await t.store.claimTasks({
      workerId: "w-short",
      taskIds: [task.id],
      metadata: { hostname: "h", pid: 1 },
    });
    const worker = await t.store.getWorker("w-short");
    await waitForStoreTime(t.store, worker!.lastHeartbeatAt + worker!.leaseMs);
    const expired = await new LockManager(t.store).cleanupStale();
    expect(expired).toEqual([
      expect.objectContaining({ taskId: task.id, ownerId: "w-short", token: claimed!.lock.token, reason: "lock_gone" }),
    ]);
  });
});

describe("clock skew (the store's clock decides)", () => {
  for (const skewMs of [10 * 60_000, -10 * 60_000]) {
    it(`a worker whose JS clock is off by ${skewMs / 60_000} min neither steals a live lock nor keeps an expired one`, async () => {
      const short = await createTask(t.store, { timeoutMs: 150 });
      const holder = (await new LockManager(t.store).acquire(short.id, "w-a", { ttlMs: 150, metadata: META }))!;

      skewDate(skewMs);
      const skewed = new LockManager(t.store, { conflictPolicy: "skip" });
      expect(await skewed.acquire(short.id, "w-b", { ttlMs: 150, metadata: META })).toBeNull();
      expect((await t.store.getLock(short.id))?.ownerId).toBe("w-a");

      // The holder's own skewed clock does not keep its lock alive past the store's expiry.
      await waitForStoreTime(t.store, holder.expiresAt);
      expect(await t.store.getLock(short.id)).toBeNull();
      const taken = await skewed.acquire(short.id, "w-b", { ttlMs: 150, metadata: META });
      expect(taken?.ownerId).toBe("w-b");
      await expect(new LockManager(t.store).release(holder)).rejects.toThrow(StaleFencingTokenError);
      expect((await t.store.getLock(short.id))?.ownerId).toBe("w-b");
    });
  }
});
