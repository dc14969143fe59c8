import { realNow, restoreClock, skewDate, waitForStoreTime } from "@sentinel/test-support/clock";
import { openTempStore, type TempStore } from "@sentinel/test-support/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lockMeta, registration, taskInput } from "../../src/store/contract/harness.js";

const TEN_MINUTES = 10 * 60_000;

describe("sqlite store clock ignores the process clock", () => {
  let temp: TempStore;
  beforeEach(() => {
    temp = openTempStore();
  });
  afterEach(async () => {
    restoreClock();
    await temp.cleanup();
  });

  const register = (id: string) =>
    temp.store.registerWorker(
      registration(id, { supportedTaskTypes: ["demo"], heartbeatIntervalMs: 100, leaseMs: 60_000 }),
    );
  const acquire = (taskId: string, ownerId: string, ttlMs: number) =>
    temp.store.acquireLock({ taskId, ownerId, ttlMs, metadata: lockMeta() });

  it("reports SQLite's time, not a faked Date", async () => {
    skewDate(TEN_MINUTES);
    expect(Math.abs((await temp.store.now()) - realNow())).toBeLessThan(1000);
    skewDate(-TEN_MINUTES);
    expect(Math.abs((await temp.store.now()) - realNow())).toBeLessThan(1000);
  });

  it("does not let a process whose clock runs 10 minutes ahead steal a live lock", async () => {
    const { store } = temp;
    await register("w-holder");
    await register("w-ahead");
    const task = await store.createTask(taskInput({ maxAttempts: 1, timeoutMs: 60_000 }), "operator:test");
    const held = await acquire(task.id, "w-holder", 60_000);
    expect(held.acquired).toBe(true);
    skewDate(TEN_MINUTES);
    const stolen = await acquire(task.id, "w-ahead", 60_000);
    expect(stolen.acquired).toBe(false);
    expect((await store.getLock(task.id))?.ownerId).toBe("w-holder");
    expect(await store.listClaimable({ types: ["demo"], workerId: "w-ahead", limit: 10 })).toEqual([]);
  });

  it("does not keep an expired lock alive for a process whose clock runs 10 minutes behind", async () => {
    const { store } = temp;
    await register("w-behind");
    await register("w-next");
    skewDate(-TEN_MINUTES);
    const task = await store.createTask(taskInput({ maxAttempts: 1, timeoutMs: 60_000 }), "operator:test");
    const held = await acquire(task.id, "w-behind", 200);
    if (!held.acquired) throw new Error("first acquisition must succeed");
    expect(Math.abs(held.lock.acquiredAt - realNow())).toBeLessThan(1000);
    // The lease must really lapse by the store's clock: real time passes, the skewed Date is ignored.
    await waitForStoreTime(store, held.lock.expiresAt);
    expect(await store.getLock(task.id)).toBeNull();
    const next = await acquire(task.id, "w-next", 60_000);
    expect(next.acquired).toBe(true);
  });
});
