import { newTaskSchema } from "@sentinel/coordination";
import { waitFor } from "@sentinel/test-support";
import { waitForStoreTime } from "@sentinel/test-support/clock";
import { afterEach, describe, expect, it } from "vitest";
import { listCachedLocks } from "../src/cache/lock-queries.js";
import { readSyncNumber, writeSyncValue } from "../src/cache/sync-state.js";
import { taskTimeline } from "../src/cache/task-event-rows.js";
import { getCachedTask } from "../src/cache/task-queries.js";
import { getCachedWorker, heartbeatsBetween } from "../src/cache/worker-queries.js";
import { recordHeartbeat } from "../src/cache/worker-rows.js";
import { ChangeSet } from "../src/sync/change-set.js";
import { refreshWorkers } from "../src/sync/refresh-workers.js";
import { type Harness, openHarness, registration } from "./fixtures.js";

let h: Harness;
afterEach(async () => h?.close());

describe("syncer", () => {
  it("shows task, worker, heartbeat, lock and state changes in the cache within a deadline", async () => {
    h = openHarness({ startSyncer: true });
    const db = h.cp.cache.db;
    const task = await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    await waitFor(() => getCachedTask(db, task.id), { timeoutMs: 1_500, what: "task in cache" });

    await h.store.registerWorker(registration("w1"));
    await waitFor(() => getCachedWorker(db, "w1")?.state === "ACTIVE", { timeoutMs: 1_500, what: "worker ACTIVE" });

    await h.store.heartbeat("w1", { activeTasks: 1 });
    const worker = await h.store.getWorker("w1");
    await waitFor(() => getCachedWorker(db, "w1")?.lastHeartbeatAt === worker!.lastHeartbeatAt, {
      timeoutMs: 1_500,
      what: "heartbeat",
    });

    const acquired = await h.store.acquireLock({
      taskId: task.id,
      ownerId: "w1",
      ttlMs: 60_000,
      metadata: { hostname: "h", pid: 1, taskType: "demo" },
    });
    if (!acquired.acquired) throw new Error("lock not acquired");
    await waitFor(() => listCachedLocks(db).find((l) => l.taskId === task.id && l.token === acquired.lock.token), {
      timeoutMs: 1_500,
      what: "lock",
    });

    await h.store.startTask(task.id, acquired.lock.token, "w1");
    await waitFor(() => getCachedTask(db, task.id)?.state === "running", { timeoutMs: 1_500, what: "running" });
    await h.store.completeTask(task.id, acquired.lock.token, { result: { ok: true } });
    await waitFor(() => getCachedTask(db, task.id)?.state === "succeeded", { timeoutMs: 1_500, what: "succeeded" });
    await waitFor(() => listCachedLocks(db).length === 0, { timeoutMs: 1_500, what: "lock released" });
  });

  it("starts a pass when the store hints at a commit, not at its next poll", async () => {
    // A minute between polls and between alert passes (which sync too): only the store's hint
    // (a write to the SQLite WAL) can bring the task in time.
    h = openHarness({
      startSyncer: true,
      sync: { pollIntervalMs: 60_000, workersRefreshMs: 60_000 },
      alerts: { intervalMs: 60_000 },
    });
    const db = h.cp.cache.db;
    await waitFor(() => h.cp.syncer.status().lastSyncAt !== null, { timeoutMs: 1_500, what: "first pass" });
    for (const type of ["first", "second"]) {
      const task = await h.store.createTask(newTaskSchema.parse({ type }), "test");
      await waitFor(() => getCachedTask(db, task.id), { timeoutMs: 1_500, what: `${type} task in cache` });
    }
  });

  it("records every observed heartbeat for the timeline", async () => {
    h = openHarness();
    await h.store.registerWorker(registration("w1"));
    const seen = new Set<number>();
    for (let i = 0; i < 4; i++) {
      await waitForStoreTime(h.store, await h.store.now()); // each beat at its own store instant
      seen.add((await h.store.heartbeat("w1", { activeTasks: i })).lastHeartbeatAt);
    }
    await h.cp.syncer.syncOnce();
    const points = heartbeatsBetween(h.cp.cache.db, "w1", 0, Number.MAX_SAFE_INTEGER, 100);
    for (const at of seen) expect(points.map((p) => p.at)).toContain(at);
    expect(points.find((p) => p.at === [...seen].at(-1))?.activeTasks).toBe(3);

    const timeline = await h.anonymous.workers.timeline({ workerId: "w1", windowMs: 3_600_000 });
    expect(timeline.heartbeatIntervalMs).toBe(1_000);
    expect(timeline.staleThresholdMs).toBe(30_000);
    expect(timeline.heartbeats.length).toBeGreaterThanOrEqual(seen.size);
    expect(timeline.events.map((e) => e.kind)).toContain("worker.state_changed");
  });

  it("knows each beat was the newest until the next one (event log), or as far as registry reads saw it", async () => {
    h = openHarness();
    const db = h.cp.cache.db;
    await h.store.registerWorker(registration("w1"));
    const first = (await h.store.heartbeat("w1", { activeTasks: 0 })).lastHeartbeatAt;
    await waitForStoreTime(h.store, first);
    const second = (await h.store.heartbeat("w1", { activeTasks: 0 })).lastHeartbeatAt;
    await h.cp.syncer.syncOnce();
    const seenUntil = (at: number) =>
      heartbeatsBetween(db, "w1", 0, Number.MAX_SAFE_INTEGER, 100).find((p) => p.at === at)?.seenUntil;
    expect(seenUntil(first)).toBe(second);

    // A registry poll that still shows `second` as the newest beat pushes its instant forward.
    await waitForStoreTime(h.store, second);
    const before = await h.store.now();
    await refreshWorkers(h.store, h.cp.cache, new ChangeSet());
    expect(seenUntil(second)).toBeGreaterThanOrEqual(before);
    expect(seenUntil(second)).toBeGreaterThan(second);
  });

  it("drops observed heartbeats older than the retention on reconcile, keeping the recent ones", async () => {
    h = openHarness({ sync: { heartbeatRetentionMs: 60_000 } });
    const db = h.cp.cache.db;
    await h.store.registerWorker(registration("w1"));
    const now = await h.store.now();
    for (const at of [now - 3_600_000, now - 120_000])
      recordHeartbeat(db, { workerId: "w1", at, activeTasks: 0, state: "ACTIVE" });
    recordHeartbeat(db, { workerId: "gone", at: now - 3_600_000, activeTasks: 0, state: "REMOVED" });
    const recent = (await h.store.heartbeat("w1", { activeTasks: 0 })).lastHeartbeatAt;
    await h.cp.syncer.reconcileNow();
    expect(heartbeatsBetween(db, "w1", 0, Number.MAX_SAFE_INTEGER, 100).map((p) => p.at)).not.toContain(now - 120_000);
    expect(heartbeatsBetween(db, "w1", 0, Number.MAX_SAFE_INTEGER, 100).map((p) => p.at)).toContain(recent);
    expect(heartbeatsBetween(db, "gone", 0, Number.MAX_SAFE_INTEGER, 100)).toEqual([]);
  });

  it("repairs a missed event on reconcile", async () => {
    // No periodic worker refresh in between: on a loaded machine the second syncOnce came
    // more than 100 ms after the first and cached w1 itself, so reconcile had no worker change to report.
    h = openHarness({ sync: { workersRefreshMs: 3_600_000 } });
    const db = h.cp.cache.db;
    await h.cp.syncer.syncOnce();
    const task = await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    await h.store.registerWorker(registration("w1"));
    const lock = await h.store.acquireLock({
      taskId: task.id,
      ownerId: "w1",
      ttlMs: 60_000,
      metadata: { hostname: "h", pid: 1, taskType: "demo" },
    });
    expect(lock.acquired).toBe(true);
    // Lose those events, as an undelivered webhook would.
    const [latest] = await h.store.readEvents(0, 10_000).then((events) => events.slice(-1));
    writeSyncValue(db, "last_event_id", latest!.id);

    await h.cp.syncer.syncOnce();
    expect(getCachedTask(db, task.id)).toBeNull();
    expect(listCachedLocks(db)).toHaveLength(0);

    const change = await h.cp.syncer.reconcileNow();
    expect(getCachedTask(db, task.id)?.state).toBe("queued");
    expect(getCachedWorker(db, "w1")?.state).toBe("ACTIVE");
    expect(listCachedLocks(db).map((l) => l.taskId)).toEqual([task.id]);
    expect(change?.kinds).toEqual(expect.arrayContaining(["tasks", "locks", "workers"]));
  });

  it("announces changes with increasing change ids and applies each event once", async () => {
    h = openHarness();
    const seen: number[] = [];
    h.cp.syncer.onChange((c) => seen.push(c.changeId));
    await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    const first = await h.cp.syncer.syncOnce();
    await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    const second = await h.cp.syncer.syncOnce();
    expect(first && second && second.changeId > first.changeId).toBe(true);
    expect(seen).toEqual([first!.changeId, second!.changeId]);
    expect(await h.cp.syncer.syncOnce()).toBeNull();
    expect(readSyncNumber(h.cp.cache.db, "last_event_id")).toBe((await h.store.readEvents(0, 1000)).at(-1)!.id);
  });

  it("drops a task the store's retention purged, with its timeline", async () => {
    h = openHarness({ startSyncer: true });
    const db = h.cp.cache.db;
    await h.store.registerWorker(registration("w1"));
    const task = await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    const [claimed] = await h.store.claimTasks({
      workerId: "w1",
      taskIds: [task.id],
      metadata: { hostname: "h", pid: 1 },
    });
    if (!claimed) throw new Error("not claimed");
    await h.store.completeTask(task.id, claimed.lock.token, { result: { ok: true } });
    await waitFor(() => getCachedTask(db, task.id)?.state === "succeeded", { timeoutMs: 1_500, what: "succeeded" });
    expect(taskTimeline(db, task.id).length).toBeGreaterThan(0);

    const purged = await h.store.purgeFinishedTasks({ finishedBefore: null, keepNewest: 0, limit: 10 }, () => {});
    expect(purged).toBe(1);
    await waitFor(() => getCachedTask(db, task.id) === null, { timeoutMs: 1_500, what: "purged task gone" });
    expect(taskTimeline(db, task.id)).toEqual([]);
  });
});
