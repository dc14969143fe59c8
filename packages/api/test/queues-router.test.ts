import { newTaskSchema } from "@sentinel/coordination";
import { waitForStoreTime } from "@sentinel/test-support/clock";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, openHarness, registration } from "./fixtures.js";

let h: Harness;
afterEach(async () => h?.close());

describe("queues router (pause and resume a task type)", () => {
  it("lets an operator pause and resume a type, audited, and shows who paused it in the list and the stall reason", async () => {
    h = openHarness({ env: { SENTINEL_STALL_ALERT_MS: "100" } });
    await h.store.registerWorker(registration("w1", { leaseMs: 60_000 }));
    const task = await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    await h.cp.syncer.syncOnce();

    await expect(h.anonymous.queues.pause({ type: "demo" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.operator.queues.pause({ type: "Bad Type" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const pause = await h.operator.queues.pause({ type: "demo" });
    expect(pause).toMatchObject({ type: "demo", pausedBy: "operator:alice" });

    const listed = await h.anonymous.queues.list();
    expect(listed.all).toBeNull();
    expect(listed.types.find((row) => row.type === "demo")).toEqual({
      type: "demo",
      waiting: 1,
      running: 0,
      pause,
      limit: null,
      waitingForLimit: null,
    });
    expect(listed.types.map((row) => row.type)).toEqual(["demo"]);
    expect((await h.anonymous.tasks.get({ taskId: task.id })).heldBack).toMatch(
      /^type demo paused by operator:alice at \d{4}-/,
    );

    await waitForStoreTime(h.store, task.createdAt + 150);
    await h.cp.syncer.syncOnce();
    const stalled = (await h.anonymous.overview.get()).alerts.filter((a) => a.code === "tasks_stalled");
    expect(stalled.map((a) => a.message)).toEqual([
      expect.stringMatching(/: type demo paused by operator:alice at \d{4}-\d\d-\d\dT/),
    ]);

    expect(await h.operator.queues.resume({ type: "demo" })).toEqual({ resumed: true });
    expect((await h.anonymous.queues.list()).types.find((row) => row.type === "demo")?.pause).toBeNull();
    expect((await h.anonymous.tasks.get({ taskId: task.id })).heldBack).toBeNull();
    const audit = await h.operator.audit.list({});
    expect(audit.items.map((e) => [e.action, e.target, e.result])).toEqual(
      expect.arrayContaining([
        ["queue.pause", "demo", "ok"],
        ["queue.resume", "demo", "ok"],
      ]),
    );
  });

  it("pausing the whole queue marks every type with the queue's pause", async () => {
    h = openHarness();
    await h.store.registerWorker(registration("w1"));
    await h.store.createTask(newTaskSchema.parse({ type: "other" }), "test");
    const all = await h.operator.queues.pause({ type: "*" });
    const listed = await h.anonymous.queues.list();
    expect(listed.all).toEqual(all);
    expect(listed.types.map((row) => [row.type, row.pause?.type])).toEqual([
      ["demo", "*"],
      ["other", "*"],
    ]);
    expect(await h.operator.queues.resume({ type: "demo" })).toEqual({ resumed: false });
  });

  it("sets a per-type limit (audited) and shows the type waiting for it while it runs as many as allowed", async () => {
    h = openHarness();
    await h.store.registerWorker(registration("w1"));
    await expect(h.operator.queues.setLimit({ type: "demo", maxRunning: 0 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const limit = await h.operator.queues.setLimit({ type: "demo", maxRunning: 1 });
    expect(limit).toMatchObject({ type: "demo", maxRunning: 1, setBy: "operator:alice" });
    const ids = [];
    for (let i = 0; i < 2; i++) ids.push((await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test")).id);
    expect(
      await h.store.claimTasks({ workerId: "w1", taskIds: ids, metadata: { hostname: "h", pid: 1 } }),
    ).toHaveLength(1);
    await h.cp.syncer.syncOnce();
    expect((await h.anonymous.queues.list()).types).toEqual([
      {
        type: "demo",
        waiting: 1,
        running: 1,
        pause: null,
        limit,
        waitingForLimit: "waiting for limit: 1/1 demo tasks running",
      },
    ]);
    const held = await Promise.all(ids.map(async (taskId) => (await h.anonymous.tasks.get({ taskId })).heldBack));
    expect(held.sort()).toEqual(["waiting for limit: 1/1 demo tasks running", null].sort());
    await h.operator.queues.setLimit({ type: "demo", maxRunning: null });
    expect((await h.anonymous.queues.list()).types[0]).toMatchObject({ limit: null, waitingForLimit: null });
    const audit = await h.operator.audit.list({});
    expect(audit.items.filter((e) => e.action === "queue.limit").map((e) => e.result)).toEqual(["ok", "ok"]);
  });

  it("sets a starts-per-interval limit beside the concurrency limit and shows a type waiting for it", async () => {
    h = openHarness();
    await h.store.registerWorker(registration("w1"));
    await expect(
      h.operator.queues.setLimit({ type: "demo", starts: { maxStarts: 1, intervalMs: 10 } }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await h.operator.queues.setLimit({ type: "demo", maxRunning: 5 });
    const limit = await h.operator.queues.setLimit({ type: "demo", starts: { maxStarts: 1, intervalMs: 3_600_000 } });
    expect(limit).toMatchObject({ maxRunning: 5, maxStarts: 1, intervalMs: 3_600_000 });
    const ids = [];
    for (let i = 0; i < 2; i++) ids.push((await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test")).id);
    const [claimed] = await h.store.claimTasks({ workerId: "w1", taskIds: ids, metadata: { hostname: "h", pid: 1 } });
    if (!claimed) throw new Error("one start within the limit");
    await h.store.completeTask(claimed.task.id, claimed.lock.token);
    expect(await h.store.claimTasks({ workerId: "w1", taskIds: ids, metadata: { hostname: "h", pid: 1 } })).toEqual([]);
    await h.cp.syncer.syncOnce();
    const reason = "waiting for limit: 1/1 demo starts in the last 1h";
    expect((await h.anonymous.queues.list()).types[0]).toMatchObject({
      running: 0,
      waiting: 1,
      waitingForLimit: reason,
    });
    const held = await Promise.all(ids.map(async (taskId) => (await h.anonymous.tasks.get({ taskId })).heldBack));
    expect(held.sort()).toEqual([reason, null].sort());
  });
});
