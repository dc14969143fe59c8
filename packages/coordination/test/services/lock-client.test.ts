import { restoreClock, skewDate, waitForStoreTime } from "@sentinel/test-support/clock";
import { tempStorePerTest } from "@sentinel/test-support/store";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Task } from "../../src/domain/task.js";
import { IllegalTransitionError, StaleFencingTokenError } from "../../src/errors.js";
import { findExpiredLocks } from "../../src/locks/expired-locks.js";
import { LockClient } from "../../src/locks/lock-client.js";
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

/** The lock itself, acquired by `ownerId` with the default policy. */
async function lockFor(ownerId: string, taskId = task.id, ttlMs = opts.ttlMs) {
  return (await new LockClient(t.store).acquire(taskId, ownerId, { ttlMs, metadata: META }))?.lock;
}

/** A client under `wait` whose sleeps are recorded (and may act, e.g. release the holder) instead of slept. */
function waitingClient(waitPollMs: number, waitTimeoutMs: number, onSleep: (slept: number[]) => Promise<void> | void) {
  const slept: number[] = [];
  const client = new LockClient(t.store, {
    conflictPolicy: "wait",
    waitPollMs,
    waitTimeoutMs,
    sleep: async (ms) => {
      slept.push(ms);
      await onSleep(slept);
    },
  });
  return { client, slept };
}

describe("LockClient conflict policies", () => {
  it("acquires a free lock at once, as a handle in ACQUIRED holding the store's lock", async () => {
    const client = new LockClient(t.store, { conflictPolicy: "skip" });
    const handle = await client.acquire(task.id, "w-a", opts);
    expect(handle?.lock.ownerId).toBe("w-a");
    expect(handle?.state).toBe("ACQUIRED");
    expect((await t.store.getLock(task.id))?.token).toBe(handle?.lock.token);
  });

  it("skip: returns null at once, leaving the holder's lock alone", async () => {
    await lockFor("w-a");
    const sleep = vi.fn(async () => undefined);
    const acquireSpy = vi.spyOn(t.store, "acquireLock");
    const client = new LockClient(t.store, { conflictPolicy: "skip", sleep });
    expect(await client.acquire(task.id, "w-b", opts)).toBeNull();
    expect(sleep).not.toHaveBeenCalled();
    expect(acquireSpy).toHaveBeenCalledTimes(1);
    expect((await t.store.getLock(task.id))?.ownerId).toBe("w-a");
  });

  it("retry: backs off with bounded full jitter and gives up after N retries", async () => {
    await lockFor("w-a");
    const delays: number[] = [];
    const acquireSpy = vi.spyOn(t.store, "acquireLock");
    const client = new LockClient(t.store, {
      conflictPolicy: "retry",
      retryAttempts: 4,
      retryDelayMs: 100,
      maxRetryDelayMs: 300,
      random: () => 0.9,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    expect(await client.acquire(task.id, "w-b", opts)).toBeNull();
    expect(acquireSpy).toHaveBeenCalledTimes(5);
    expect(delays).toEqual([90, 180, 270, 270]);
  });

  it("retry: jitter stays under the exponential ceiling for any random draw", async () => {
    await lockFor("w-a");
    const delays: number[] = [];
    let draw = 0;
    const client = new LockClient(t.store, {
      retryAttempts: 6,
      retryDelayMs: 50,
      maxRetryDelayMs: 1000,
      random: () => [0, 0.3, 0.99, 0.5, 0.7, 0.999][draw++ % 6]!,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    await client.acquire(task.id, "w-b", opts);
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(1000, 50 * 2 ** i));
    });
    expect(delays).toHaveLength(6);
  });

  it("retry: succeeds once the holder releases between attempts", async () => {
    const holder = await lockFor("w-a");
    let sleeps = 0;
    const acquireSpy = vi.spyOn(t.store, "acquireLock");
    const client = new LockClient(t.store, {
      retryAttempts: 3,
      sleep: async () => {
        sleeps += 1;
        if (sleeps === 2) await t.store.releaseLock(holder!.taskId, holder!.token);
      },
    });
    const lock = (await client.acquire(task.id, "w-b", opts))?.lock;
    expect(lock?.ownerId).toBe("w-b");
    expect(lock!.token).toBeGreaterThan(holder!.token);
    expect(acquireSpy).toHaveBeenCalledTimes(3);
  });

  it("wait: polls until the holder releases", async () => {
    const holder = await lockFor("w-a");
    const { client, slept } = waitingClient(25, 1000, async (sleeps) => {
      if (sleeps.length === 3) await t.store.releaseLock(holder!.taskId, holder!.token);
    });
    const handle = await client.acquire(task.id, "w-b", opts);
    expect(handle?.lock.ownerId).toBe("w-b");
    expect(slept).toEqual([25, 25, 25]);
  });

  it("wait: really waits for a real release (no injected sleep)", async () => {
    const holder = await lockFor("w-a");
    const client = new LockClient(t.store, { conflictPolicy: "wait", waitPollMs: 10, waitTimeoutMs: 5000 });
    const pending = client.acquire(task.id, "w-b", opts);
    setTimeout(() => void t.store.releaseLock(holder!.taskId, holder!.token), 40);
    expect((await pending)?.lock.ownerId).toBe("w-b");
  });

  it("wait: gives up after waitTimeoutMs of waiting", async () => {
    await lockFor("w-a");
    const { client, slept } = waitingClient(40, 100, () => undefined);
    expect(await client.acquire(task.id, "w-b", opts)).toBeNull();
    expect(slept).toEqual([40, 40, 20]);
  });

  it("per-call conflictPolicy overrides the default", async () => {
    await lockFor("w-a");
    const sleep = vi.fn(async () => undefined);
    const client = new LockClient(t.store, { conflictPolicy: "retry", sleep });
    expect(await client.acquire(task.id, "w-b", { ...opts, conflictPolicy: "skip" })).toBeNull();
    expect(sleep).not.toHaveBeenCalled();
  });
});

describe("LockHandle", () => {
  it("walks ACQUIRED → EXECUTING → RELEASED → NO_LOCK and rejects illegal moves", async () => {
    const handle = (await new LockClient(t.store).acquire(task.id, "w-a", opts))!;
    expect(handle.state).toBe("ACQUIRED");
    handle.markExecuting();
    expect(handle.state).toBe("EXECUTING");
    expect(() => handle.markExecuting()).toThrow(IllegalTransitionError);
    await handle.release();
    expect(handle.state).toBe("NO_LOCK");
    await expect(handle.release()).rejects.toThrow(IllegalTransitionError);
    expect(() => handle.markExecuting()).toThrow(IllegalTransitionError);
    expect(() => handle.markReleased()).toThrow(IllegalTransitionError);
    expect(await t.store.getLock(task.id)).toBeNull();
  });

  it("a stale release still leaves the handle in NO_LOCK and surfaces the fencing error", async () => {
    const handle = (await new LockClient(t.store).acquire(task.id, "w-a", opts))!;
    await t.store.forceReleaseLock(task.id, { actor: "operator:alice", reason: "test" });
    const other = (await new LockClient(t.store).acquire(task.id, "w-b", opts))!;
    await expect(handle.release()).rejects.toThrow(StaleFencingTokenError);
    expect(handle.state).toBe("NO_LOCK");
    expect(other.state).toBe("ACQUIRED");
    expect((await t.store.getLock(task.id))?.ownerId).toBe("w-b");
  });

  it("adopt wraps a batch-claimed lock, which the store's completion releases", async () => {
    const [claimed] = await t.store.claimTasks({
      workerId: "w-a",
      taskIds: [task.id],
      metadata: { hostname: "h", pid: 1 },
    });
    const handle = new LockClient(t.store).adopt(claimed!.lock);
    expect(handle.state).toBe("ACQUIRED");
    handle.markExecuting();
    await t.store.completeTask(task.id, claimed!.lock.token);
    handle.markReleased();
    expect(handle.state).toBe("NO_LOCK");
  });
});

describe("findExpiredLocks", () => {
  it("reports running tasks whose lock outran its TTL", async () => {
    const short = await createTask(t.store, { timeoutMs: 100 });
    const [claimed] = await t.store.claimTasks({
      workerId: "w-a",
      taskIds: [short.id],
      metadata: { hostname: "h", pid: 1 },
    });
    expect(await findExpiredLocks(t.store)).toEqual([]);
    await waitForStoreTime(t.store, claimed!.lock.expiresAt);
    const expired = await findExpiredLocks(t.store);
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
    const expired = await findExpiredLocks(t.store);
    expect(expired).toEqual([
      expect.objectContaining({ taskId: task.id, ownerId: "w-short", token: claimed!.lock.token, reason: "lock_gone" }),
    ]);
  });
});

describe("clock skew (the store's clock decides)", () => {
  for (const skewMs of [10 * 60_000, -10 * 60_000]) {
    it(`a worker whose JS clock is off by ${skewMs / 60_000} min neither steals a live lock nor keeps an expired one`, async () => {
      const short = await createTask(t.store, { timeoutMs: 150 });
      const holder = (await new LockClient(t.store).acquire(short.id, "w-a", { ttlMs: 150, metadata: META }))!;
      const held = holder.lock;

      skewDate(skewMs);
      const skewed = new LockClient(t.store, { conflictPolicy: "skip" });
      expect(await skewed.acquire(short.id, "w-b", { ttlMs: 150, metadata: META })).toBeNull();
      expect((await t.store.getLock(short.id))?.ownerId).toBe("w-a");

      // The holder's own skewed clock does not keep its lock alive past the store's expiry.
      await waitForStoreTime(t.store, held.expiresAt);
      expect(await t.store.getLock(short.id)).toBeNull();
      const taken = await skewed.acquire(short.id, "w-b", { ttlMs: 150, metadata: META });
      expect(taken?.lock.ownerId).toBe("w-b");
      await expect(holder.release()).rejects.toThrow(StaleFencingTokenError);
      expect((await t.store.getLock(short.id))?.ownerId).toBe("w-b");
    });
  }
});
