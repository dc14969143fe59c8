import { expect, it } from "vitest";
import type { WorkerMetrics } from "../../../domain/worker-metrics.js";
import { type ContractContext, expectValidationError, registration } from "../harness.js";

export function sampleMetrics(overrides: Partial<WorkerMetrics> = {}): WorkerMetrics {
  return {
    tasksSucceeded: 3,
    tasksFailed: 1,
    busyMs: 1_500,
    uptimeMs: 60_000,
    heartbeatIntervalMs: 1_000,
    leaseMs: 4_000,
    clockOffsetMs: -12,
    refused: { total: 2, byReason: { author: 2 } },
    budget: {
      primary: { limit: 5_000, remaining: 4_900, used: 100, resetAt: 1_900_000_000_000 },
      requests: { reads: 80, notModified: 15, writes: 20, failed: 0 },
      secondary: { writesLastMinute: 4, writesLastHour: 20, hits: 0 },
      lowBudget: false,
    },
    ...overrides,
  };
}

export function workerMetricsCases(ctx: ContractContext): void {
  it("keeps each worker's latest metrics from its heartbeat, stamped by the store's clock", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    await store.registerWorker(registration("w-b"));
    expect(await store.listWorkerMetrics()).toEqual([]);
    const before = await store.now();
    await store.heartbeat("w-a", { activeTasks: 0, metrics: sampleMetrics() });
    await store.heartbeat("w-b", { activeTasks: 1, metrics: sampleMetrics({ tasksSucceeded: 7, budget: null }) });
    const newest = sampleMetrics({ tasksSucceeded: 4, busyMs: 2_500, refused: null });
    await store.heartbeat("w-a", { activeTasks: 0, metrics: newest });
    // A heartbeat without metrics keeps the last ones published.
    await store.heartbeat("w-a", { activeTasks: 0 });
    const listed = await store.listWorkerMetrics();
    expect(listed.map((m) => m.workerId)).toEqual(["w-a", "w-b"]);
    expect(listed[0]?.metrics).toEqual(newest);
    expect(listed[1]?.metrics).toEqual(sampleMetrics({ tasksSucceeded: 7, budget: null }));
    for (const record of listed) expect(record.reportedAt).toBeGreaterThanOrEqual(before);
  });

  it("leaves out REMOVED workers", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-gone"));
    await store.heartbeat("w-gone", { activeTasks: 0, metrics: sampleMetrics() });
    await store.requestDrain("w-gone", "operator:test");
    await store.transitionWorker("w-gone", "REMOVED", { actor: "w-gone", reason: "drained" });
    expect(await store.listWorkerMetrics()).toEqual([]);
  });

  it("refuses malformed or oversized metrics naming the field, and keeps the lease unrenewed", async () => {
    const store = ctx.store();
    const registered = await store.registerWorker(registration("w-a"));
    await expectValidationError(
      store.heartbeat("w-a", { activeTasks: 0, metrics: sampleMetrics({ busyMs: -1 }) }),
      "metrics.busyMs",
    );
    const manyReasons = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`reason-${i}`, 1]));
    await expectValidationError(
      store.heartbeat("w-a", {
        activeTasks: 0,
        metrics: sampleMetrics({ refused: { total: 200, byReason: manyReasons } }),
      }),
      /^metrics\.refused/,
    );
    expect(await store.listWorkerMetrics()).toEqual([]);
    expect((await store.getWorker("w-a"))?.lastHeartbeatAt).toBe(registered.lastHeartbeatAt);
  });
}
