import { FAST_THROTTLE, openPerTest } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { writeWithinLease } from "../../src/runtime/steps/write-within-lease.js";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";

const open = openPerTest();

/** How long every API request is answered 502/503: far past the client's own retries (1 retry, 5 ms base). */
const OUTAGE_MS = 1500;

describe("a task's completion while GitHub answers 5xx", () => {
  it("is retried within the lock's TTL until the API is back, and takes effect once", async () => {
    const { emulator: em, store: s } = await open({}, { throttle: { ...FAST_THROTTLE, retries: 1 } });
    await s.registerWorker(registration("w-a", { leaseMs: 60_000 }));
    const task = await s.createTask(taskInput({ timeoutMs: 60_000 }), "operator:test");
    const [claim] = await s.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    if (!claim) throw new Error("claim failed");

    em.setFaults({ errorRate: 1 });
    const outageStarted = performance.now();
    const restore = setTimeout(() => em.setFaults({ errorRate: 0 }), OUTAGE_MS);
    const retried: string[] = [];
    try {
      const done = await writeWithinLease(() => s.completeTask(task.id, claim.lock.token, { result: { ok: 1 } }), {
        deadlineMono: outageStarted + (claim.lock.expiresAt - claim.lock.acquiredAt),
        onRetry: (error) => retried.push(error.message),
      });
      expect(performance.now() - outageStarted).toBeGreaterThanOrEqual(OUTAGE_MS);
      expect(done).toMatchObject({ state: "succeeded", attempts: 1, result: { ok: 1 } });
    } finally {
      clearTimeout(restore);
      em.setFaults({ errorRate: 0 });
    }
    expect(retried.length).toBeGreaterThan(0);
    expect(em.stats().counters.serverErrors).toBeGreaterThan(0);
    expect(await s.getTask(task.id)).toMatchObject({ state: "succeeded", result: { ok: 1 } });
    const ends = (await s.readEvents(0, 1000)).filter((e) => e.taskId === task.id && e.kind === "task.succeeded");
    expect(ends).toHaveLength(1);
  }, 30_000);

  it("gives up at the deadline, throwing the store's last error", async () => {
    const { emulator: em, store: s } = await open({}, { throttle: { ...FAST_THROTTLE, retries: 0 } });
    await s.registerWorker(registration("w-a", { leaseMs: 60_000 }));
    const task = await s.createTask(taskInput(), "operator:test");
    const [claim] = await s.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    if (!claim) throw new Error("claim failed");
    em.setFaults({ errorRate: 1 });
    try {
      const started = performance.now();
      await expect(
        writeWithinLease(() => s.completeTask(task.id, claim.lock.token, {}), { deadlineMono: started + 500 }),
      ).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      em.setFaults({ errorRate: 0 });
    }
    expect(await s.getTask(task.id)).toMatchObject({ state: "running" });
  }, 30_000);
});
