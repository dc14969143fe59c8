import { expect, it } from "vitest";
import { IllegalTransitionError, LeaseLostError } from "../../../errors.js";
import { type ContractContext, claimMeta, registration, rejectionOf, taskInput } from "../harness.js";

export function heartbeatCases(ctx: ContractContext): void {
  it("moves ACTIVE ⇄ BUSY with reported load against capacity", async () => {
    const store = ctx.store();
    const registered = await store.registerWorker(registration("w-a", { maxConcurrency: 2 }));
    expect(registered).toMatchObject({ state: "ACTIVE", activeTasks: 0, drainRequested: false });
    expect(await store.heartbeat("w-a", { activeTasks: 1 })).toMatchObject({ state: "ACTIVE", activeTasks: 1 });
    expect(await store.heartbeat("w-a", { activeTasks: 2 })).toMatchObject({ state: "BUSY", activeTasks: 2 });
    expect((await store.heartbeat("w-a", { activeTasks: 2 })).state).toBe("BUSY");
    const back = await store.heartbeat("w-a", { activeTasks: 1 });
    expect(back.state).toBe("ACTIVE");
    expect(back.lastHeartbeatAt).toBeGreaterThanOrEqual(registered.lastHeartbeatAt);
    expect((await store.getWorker("w-a"))?.state).toBe("ACTIVE");
  });

  it("brings a STALE worker back ACTIVE on its heartbeat, or DRAINING if a drain is pending", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    await store.registerWorker(registration("w-d"));
    for (const id of ["w-a", "w-d"])
      await store.transitionWorker(id, "STALE", {
        expectedFrom: ["ACTIVE", "BUSY", "DRAINING"],
        actor: "monitor:test",
        reason: "silent",
      });
    await store.requestDrain("w-d", "operator:test");
    expect(await store.getWorker("w-d")).toMatchObject({ state: "STALE", drainRequested: true });
    expect((await store.heartbeat("w-a", { activeTasks: 0 })).state).toBe("ACTIVE");
    expect(await store.heartbeat("w-d", { activeTasks: 0 })).toMatchObject({ state: "DRAINING", drainRequested: true });
  });

  it("tells an OFFLINE, REMOVED or unknown worker that its lease is lost", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-off"));
    await store.transitionWorker("w-off", "STALE", { actor: "monitor:test", reason: "silent" });
    await store.transitionWorker("w-off", "OFFLINE", { actor: "monitor:test", reason: "silent longer" });
    expect(await rejectionOf(store.heartbeat("w-off", { activeTasks: 0 }))).toBeInstanceOf(LeaseLostError);
    await store.transitionWorker("w-off", "REMOVED", { actor: "monitor:test", reason: "retention" });
    expect(await rejectionOf(store.heartbeat("w-off", { activeTasks: 0 }))).toBeInstanceOf(LeaseLostError);
    expect(await rejectionOf(store.heartbeat("w-ghost", { activeTasks: 0 }))).toBeInstanceOf(LeaseLostError);
    expect((await store.getWorker("w-off"))?.state).toBe("REMOVED");
  });

  it("drains on request: ACTIVE/BUSY → DRAINING at once, stays draining under load, resumes on request", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a", { maxConcurrency: 1 }));
    await store.registerWorker(registration("w-b", { maxConcurrency: 1 }));
    await store.heartbeat("w-b", { activeTasks: 1 });
    expect(await store.requestDrain("w-a", "operator:alice")).toMatchObject({
      state: "DRAINING",
      drainRequested: true,
    });
    expect(await store.requestDrain("w-b", "operator:alice")).toMatchObject({
      state: "DRAINING",
      drainRequested: true,
    });
    expect((await store.requestDrain("w-a", "operator:alice")).state).toBe("DRAINING");
    expect((await store.heartbeat("w-a", { activeTasks: 1 })).state).toBe("DRAINING");
    expect((await store.heartbeat("w-a", { activeTasks: 0 })).state).toBe("DRAINING");
    const resumed = await store.transitionWorker("w-a", "ACTIVE", {
      expectedFrom: ["DRAINING"],
      actor: "operator:alice",
      reason: "resume",
    });
    expect(resumed).toMatchObject({ state: "ACTIVE", drainRequested: false });
    expect((await store.heartbeat("w-a", { activeTasks: 0 })).state).toBe("ACTIVE");
  });

  it("refuses to drain an OFFLINE or REMOVED worker", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    await store.transitionWorker("w-a", "STALE", { actor: "monitor:test", reason: "silent" });
    await store.transitionWorker("w-a", "OFFLINE", { actor: "monitor:test", reason: "silent longer" });
    expect(await rejectionOf(store.requestDrain("w-a", "operator:alice"))).toBeInstanceOf(IllegalTransitionError);
  });

  it("gives a draining worker no new work", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput(), "operator:test");
    await store.requestDrain("w-a", "operator:alice");
    expect(await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta })).toEqual([]);
    expect((await store.getTask(task.id))?.state).toBe("queued");
  });

  it("lists workers without REMOVED ones unless asked", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-live"));
    await store.registerWorker(registration("w-gone"));
    for (const to of ["STALE", "OFFLINE", "REMOVED"] as const)
      await store.transitionWorker("w-gone", to, { actor: "monitor:test", reason: "test" });
    expect((await store.listWorkers()).map((w) => w.id)).toEqual(["w-live"]);
    expect((await store.listWorkers({ includeRemoved: true })).map((w) => w.id).sort()).toEqual(["w-gone", "w-live"]);
  });
}
