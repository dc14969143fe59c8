import { restoreClock, skewDate, waitForStoreTime } from "@sentinel/test-support/clock";
import { tempStorePerTest } from "@sentinel/test-support/store";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LeaseLostError } from "../../src/errors.js";
import { HeartbeatMonitor } from "../../src/heartbeat/heartbeat-monitor.js";
import type { MonitorReport } from "../../src/heartbeat/monitor-report.js";
import { WorkerRegistry } from "../../src/registry/worker-registry.js";
import type { CoordinationStore } from "../../src/store/port.js";
import { createTask, registerWorker } from "./fixtures.js";

const STALE_MS = 150;
const t = tempStorePerTest("sentinel-services");
afterEach(restoreClock);

async function claim(
  store: CoordinationStore,
  workerId: string,
  count: number,
  overrides: Record<string, unknown> = {},
) {
  const tasks = [];
  for (let i = 0; i < count; i++) tasks.push(await createTask(store, overrides));
  return store.claimTasks({ workerId, taskIds: tasks.map((x) => x.id), metadata: { hostname: "h", pid: 1 } });
}

/** Wait until `workerId` has been silent longer than the stale threshold by the store's clock. */
async function untilSilent(store: CoordinationStore, workerId: string, ms = STALE_MS): Promise<void> {
  const w = await store.getWorker(workerId);
  await waitForStoreTime(store, w!.lastHeartbeatAt + ms);
}

describe("HeartbeatMonitor", () => {
  it("exactly once: 3 concurrent monitors × 4 rounds → one alert per dead worker, each task failed once", async () => {
    await registerWorker(t.store, "dead-1", { leaseMs: STALE_MS });
    await registerWorker(t.store, "dead-2", { leaseMs: STALE_MS });
    await registerWorker(t.store, "alive", { leaseMs: 60_000 });
    const claimed = [...(await claim(t.store, "dead-1", 3)), ...(await claim(t.store, "dead-2", 2))];
    await untilSilent(t.store, "dead-1");
    await untilSilent(t.store, "dead-2");
    await t.store.heartbeat("alive", { activeTasks: 0 });

    // Separate connections, as separate processes would have.
    const monitors = ["m1", "m2", "m3"].map(
      (id) => new HeartbeatMonitor(t.open(), { monitorId: id, staleThresholdMs: STALE_MS, offlineAfterMs: 60_000 }),
    );
    const reports: MonitorReport[] = [];
    for (let round = 0; round < 4; round++) reports.push(...(await Promise.all(monitors.map((m) => m.checkOnce()))));

    const events = await t.store.readEvents(0, 10_000);
    const alerts = events.filter((e) => e.kind === "alert.worker_failed");
    expect(alerts.map((e) => e.workerId).sort()).toEqual(["dead-1", "dead-2"]);
    for (const { task } of claimed) {
      expect(events.filter((e) => e.kind === "task.failed" && e.taskId === task.id)).toHaveLength(1);
      const after = await t.store.getTask(task.id);
      expect(after?.state).toBe("failed");
      expect(after?.lastError).toMatch(/worker dead-\d failed/);
      expect(after!.runAt).toBeLessThanOrEqual(await t.store.now());
    }
    expect(reports.flatMap((r) => r.markedStale).sort()).toEqual(["dead-1", "dead-2"]);
    expect(reports.flatMap((r) => r.recoveredTasks)).toHaveLength(claimed.length);
    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    // The monitors really raced: the losers saw the transition already taken.
    expect(reports.reduce((n, r) => n + r.lostRaces, 0)).toBeGreaterThan(0);
    expect((await t.store.getWorker("alive"))?.state).toBe("ACTIVE");
    // Recovered tasks are claimable again right away.
    const reclaimed = await t.store.claimTasks({
      workerId: "alive",
      taskIds: claimed.map((c) => c.task.id),
      metadata: { hostname: "h", pid: 1 },
    });
    expect(reclaimed).toHaveLength(claimed.length);
  });

  it("a STALE worker whose heartbeat resumes is ACTIVE again, and its old tokens are stale", async () => {
    await registerWorker(t.store, "w1", { leaseMs: STALE_MS });
    const [held] = await claim(t.store, "w1", 1);
    await untilSilent(t.store, "w1");
    const report = await new HeartbeatMonitor(t.store, { monitorId: "m", staleThresholdMs: STALE_MS }).checkOnce();
    expect(report.markedStale).toEqual(["w1"]);
    expect((await t.store.getWorker("w1"))?.state).toBe("STALE");

    const registry = new WorkerRegistry(t.store);
    expect((await registry.heartbeat("w1", 0)).state).toBe("ACTIVE");
    await expect(t.store.completeTask(held!.task.id, held!.lock.token)).rejects.toThrow();
    expect((await t.store.getTask(held!.task.id))?.state).toBe("failed");
  });

  it("STALE → OFFLINE → REMOVED after their thresholds; an OFFLINE worker's heartbeat is refused", async () => {
    await registerWorker(t.store, "w1", { leaseMs: STALE_MS });
    const monitor = new HeartbeatMonitor(t.store, {
      monitorId: "m",
      staleThresholdMs: STALE_MS,
      offlineAfterMs: 50,
      removeAfterMs: 50,
    });
    await untilSilent(t.store, "w1");
    expect((await monitor.checkOnce()).markedStale).toEqual(["w1"]);
    const stale = await t.store.getWorker("w1");
    await waitForStoreTime(t.store, stale!.stateChangedAt + 50);
    expect((await monitor.checkOnce()).markedOffline).toEqual(["w1"]);
    await expect(t.store.heartbeat("w1", { activeTasks: 0 })).rejects.toThrow(LeaseLostError);
    const offline = await t.store.getWorker("w1");
    await waitForStoreTime(t.store, offline!.stateChangedAt + 50);
    expect((await monitor.checkOnce()).removed).toEqual(["w1"]);
    expect((await t.store.getWorker("w1"))?.state).toBe("REMOVED");
  });

  it("leaves healthy workers alone", async () => {
    await registerWorker(t.store, "w1", { leaseMs: 60_000 });
    await claim(t.store, "w1", 2);
    const report = await new HeartbeatMonitor(t.store, { monitorId: "m", staleThresholdMs: 60_000 }).checkOnce();
    expect(report).toMatchObject({
      markedStale: [],
      recoveredTasks: [],
      timedOutTasks: [],
      errors: [],
      workersChecked: 1,
    });
  });

  it("fails a running task whose lock outran its timeout while the worker lives, once", async () => {
    await registerWorker(t.store, "w1", { leaseMs: 60_000 });
    const [held] = await claim(t.store, "w1", 1, { timeoutMs: 100 });
    await waitForStoreTime(t.store, held!.lock.expiresAt);
    await t.store.heartbeat("w1", { activeTasks: 1 });
    const monitors = [
      new HeartbeatMonitor(t.open(), { monitorId: "a" }),
      new HeartbeatMonitor(t.open(), { monitorId: "b" }),
    ];
    const reports = await Promise.all(monitors.map((m) => m.checkOnce()));
    expect(reports.flatMap((r) => r.timedOutTasks)).toEqual([
      { taskId: held!.task.id, workerId: "w1", state: "failed" },
    ]);
    const task = await t.store.getTask(held!.task.id);
    expect(task?.lastError).toBe("timed out after 100 ms on worker w1");
    expect((await t.store.getWorker("w1"))?.state).toBe("ACTIVE");
  });

  it("finishes a recovery another monitor left half done (worker STALE, tasks still running)", async () => {
    await registerWorker(t.store, "w1", { leaseMs: STALE_MS });
    const held = await claim(t.store, "w1", 2);
    await untilSilent(t.store, "w1");
    await t.store.transitionWorker("w1", "STALE", {
      expectedFrom: ["ACTIVE"],
      actor: "monitor:crashed",
      reason: "test",
    });
    const monitors = [
      new HeartbeatMonitor(t.open(), { monitorId: "a", staleThresholdMs: STALE_MS }),
      new HeartbeatMonitor(t.open(), { monitorId: "b", staleThresholdMs: STALE_MS }),
    ];
    const reports = await Promise.all(monitors.map((m) => m.checkOnce()));
    expect(reports.flatMap((r) => r.recoveredTasks.map((x) => x.taskId)).sort()).toEqual(
      held.map((h) => h.task.id).sort(),
    );
    for (const { task } of held) expect((await t.store.getTask(task.id))?.state).toBe("failed");
  });

  it("a monitor whose JS clock is skewed ±10 min judges only by the store clock", async () => {
    const LEASE_MS = 1000;
    await registerWorker(t.store, "w1", { leaseMs: LEASE_MS });
    await claim(t.store, "w1", 1);
    for (const skew of [10 * 60_000, -10 * 60_000]) {
      skewDate(skew);
      const report = await new HeartbeatMonitor(t.store, { monitorId: "skewed" }).checkOnce();
      expect(report).toMatchObject({ markedStale: [], recoveredTasks: [], timedOutTasks: [] });
    }
    restoreClock();
    await untilSilent(t.store, "w1", LEASE_MS);
    skewDate(-10 * 60_000);
    expect((await new HeartbeatMonitor(t.store, { monitorId: "skewed" }).checkOnce()).markedStale).toEqual(["w1"]);
  });

  it("start() runs a round per checkInterval on the local timer only", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    await registerWorker(t.store, "w1", { leaseMs: 60_000 });
    const reports: MonitorReport[] = [];
    const monitor = new HeartbeatMonitor(t.store, {
      monitorId: "m",
      checkIntervalMs: 1000,
      onReport: (r) => reports.push(r),
    });
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(reports).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(reports).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(reports).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(reports).toHaveLength(5);
    await monitor.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(reports).toHaveLength(5);
  });

  it("a throwing onReport does not stop the schedule", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let calls = 0;
    const monitor = new HeartbeatMonitor(t.store, {
      monitorId: "m",
      checkIntervalMs: 100,
      onReport: () => {
        calls += 1;
        throw new Error("metrics bug");
      },
    });
    monitor.start();
    await vi.advanceTimersByTimeAsync(250);
    await monitor.stop();
    expect(calls).toBe(3);
  });

  it("a task whose lock was force-released under a live worker is put back, not left running", async () => {
    await registerWorker(t.store, "w1", { leaseMs: 60_000 });
    const [claimed] = await claim(t.store, "w1", 1);
    await t.store.forceReleaseLock(claimed!.task.id, { actor: "operator:alice", reason: "test" });
    const report = await new HeartbeatMonitor(t.store, { monitorId: "m" }).checkOnce();
    expect(report.recoveredTasks).toEqual([{ taskId: claimed!.task.id, workerId: "w1", state: "failed" }]);
    const after = await t.store.getTask(claimed!.task.id);
    expect(after?.state).toBe("failed");
    expect(after?.lastError).toMatch(/lock released while running on worker w1/);
  });

  it("deletes heartbeat events past the retention from the store's log, and nothing else", async () => {
    await registerWorker(t.store, "w1", { leaseMs: 60_000 });
    for (let i = 0; i < 3; i++) await t.store.heartbeat("w1", { activeTasks: 0 });
    const old = (await t.store.readEvents(0, 1000)).filter((e) => e.kind === "worker.heartbeat");
    expect(old).toHaveLength(3);
    await waitForStoreTime(t.store, old.at(-1)!.at + 50);
    const fresh = await t.store.heartbeat("w1", { activeTasks: 0 });

    const report = await new HeartbeatMonitor(t.store, { monitorId: "m", heartbeatEventRetentionMs: 50 }).checkOnce();
    expect(report.prunedHeartbeatEvents).toBe(3);
    const left = await t.store.readEvents(0, 1000);
    expect(left.filter((e) => e.kind === "worker.heartbeat").map((e) => e.at)).toEqual([fresh.lastHeartbeatAt]);
    expect(left.some((e) => e.kind === "worker.registered")).toBe(true);
  });
});
