import type { WorkerRegistration } from "@sentinel/coordination";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openTempStore } from "./temp-store.js";

const TEN_MINUTES = 10 * 60_000;

function registration(id: string): WorkerRegistration {
  return {
    id,
    hostname: "clock-test",
    pid: 1,
    version: "test",
    maxConcurrency: 2,
    supportedTaskTypes: ["demo"],
    cpuCores: 1,
    memoryMb: 64,
    labels: {},
    heartbeatIntervalMs: 100,
    leaseMs: 60_000,
    healthUrl: null,
  };
}

/** The real wall clock, which vi.setSystemTime does not touch (only Date is faked). */
function realNow(): number {
  return performance.timeOrigin + performance.now();
}

describe("sqlite store clock ignores the process clock", () => {
  let temp: ReturnType<typeof openTempStore>;
  beforeEach(() => {
    temp = openTempStore();
    vi.useFakeTimers({ toFake: ["Date"] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await temp.cleanup();
  });

  it("reports SQLite's time, not a faked Date", async () => {
    vi.setSystemTime(realNow() + TEN_MINUTES);
    expect(Math.abs((await temp.store.now()) - realNow())).toBeLessThan(1000);
    vi.setSystemTime(realNow() - TEN_MINUTES);
    expect(Math.abs((await temp.store.now()) - realNow())).toBeLessThan(1000);
  });

  it("does not let a process whose clock runs 10 minutes ahead steal a live lock", async () => {
    const { store } = temp;
    await store.registerWorker(registration("w-holder"));
    await store.registerWorker(registration("w-ahead"));
    const task = await store.createTask(
      {
        type: "demo",
        priority: 0,
        params: {},
        maxAttempts: 1,
        timeoutMs: 60_000,
        delayMs: 0,
        pinnedWorkerId: null,
        affinityKey: null,
      },
      "operator:test",
    );
    const held = await store.acquireLock({
      taskId: task.id,
      ownerId: "w-holder",
      ttlMs: 60_000,
      metadata: { hostname: "h", pid: 1, taskType: "demo" },
    });
    expect(held.acquired).toBe(true);
    vi.setSystemTime(realNow() + TEN_MINUTES);
    const stolen = await store.acquireLock({
      taskId: task.id,
      ownerId: "w-ahead",
      ttlMs: 60_000,
      metadata: { hostname: "h", pid: 2, taskType: "demo" },
    });
    expect(stolen.acquired).toBe(false);
    expect((await store.getLock(task.id))?.ownerId).toBe("w-holder");
    expect(await store.listClaimable({ types: ["demo"], workerId: "w-ahead", limit: 10 })).toEqual([]);
  });

  it("does not keep an expired lock alive for a process whose clock runs 10 minutes behind", async () => {
    const { store } = temp;
    await store.registerWorker(registration("w-behind"));
    await store.registerWorker(registration("w-next"));
    vi.setSystemTime(realNow() - TEN_MINUTES);
    const task = await store.createTask(
      {
        type: "demo",
        priority: 0,
        params: {},
        maxAttempts: 1,
        timeoutMs: 60_000,
        delayMs: 0,
        pinnedWorkerId: null,
        affinityKey: null,
      },
      "operator:test",
    );
    const held = await store.acquireLock({
      taskId: task.id,
      ownerId: "w-behind",
      ttlMs: 200,
      metadata: { hostname: "h", pid: 1, taskType: "demo" },
    });
    if (!held.acquired) throw new Error("first acquisition must succeed");
    expect(Math.abs(held.lock.acquiredAt - realNow())).toBeLessThan(1000);
    const deadline = realNow() + 5000;
    while ((await store.now()) < held.lock.expiresAt) {
      if (realNow() > deadline) throw new Error("store clock did not pass the lock's expiry");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await store.getLock(task.id)).toBeNull();
    const next = await store.acquireLock({
      taskId: task.id,
      ownerId: "w-next",
      ttlMs: 60_000,
      metadata: { hostname: "h", pid: 2, taskType: "demo" },
    });
    expect(next.acquired).toBe(true);
  });
});
