import { expect, it } from "vitest";
import { StaleFencingTokenError } from "../../../errors.js";
import {
  type ContractContext,
  claimMeta,
  expectValidationError,
  registration,
  rejectionOf,
  taskInput,
} from "../harness.js";

export function registrationCases(ctx: ContractContext): void {
  it("registers NEW → ACTIVE with the announced fields", async () => {
    const store = ctx.store();
    const reg = registration("w-a", {
      labels: { region: "eu" },
      supportedTaskTypes: ["demo"],
      healthUrl: "http://127.0.0.1:9100/health",
    });
    const record = await store.registerWorker(reg);
    expect(record).toMatchObject({ ...reg, state: "ACTIVE", activeTasks: 0, drainRequested: false });
    expect(record.registeredAt).toBe(record.lastHeartbeatAt);
    expect(await store.getWorker("w-a")).toEqual(record);
    const events = await store.readEvents(0, 100);
    expect(events.some((e) => e.kind === "worker.registered" && e.workerId === "w-a")).toBe(true);
  });

  it("lets the same process re-register a live id, and refuses another process", async () => {
    const store = ctx.store();
    const first = await store.registerWorker(registration("w-a", { maxConcurrency: 2 }));
    await store.heartbeat("w-a", { activeTasks: 2 });
    const again = await store.registerWorker(registration("w-a", { maxConcurrency: 3 }));
    expect(again).toMatchObject({ state: "BUSY", maxConcurrency: 3, registeredAt: first.registeredAt });
    await expectValidationError(store.registerWorker(registration("w-a", { pid: 9999 })), "id");
    await expectValidationError(store.registerWorker(registration("w-a", { hostname: "elsewhere" })), "id");
  });

  it("starts a fresh record when an OFFLINE id re-registers, recovering what the old incarnation held", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput(), "operator:test");
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    if (!claim) throw new Error("claim must succeed");
    await store.transitionWorker("w-a", "STALE", { actor: "monitor:test", reason: "silent" });
    await store.transitionWorker("w-a", "OFFLINE", { actor: "monitor:test", reason: "silent longer" });
    const fresh = await store.registerWorker(registration("w-a", { pid: 5151 }));
    expect(fresh).toMatchObject({ state: "ACTIVE", pid: 5151, activeTasks: 0, drainRequested: false });
    expect(await store.getLock(task.id)).toBeNull();
    expect(await rejectionOf(store.completeTask(task.id, claim.lock.token))).toBeInstanceOf(StaleFencingTokenError);
    expect((await store.getTask(task.id))?.state).not.toBe("running");
    const [reclaim] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    expect(reclaim?.lock.token).toBeGreaterThan(claim.lock.token);
  });

  it("starts a fresh record when a REMOVED id re-registers", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    for (const to of ["DRAINING", "REMOVED"] as const)
      await store.transitionWorker("w-a", to, { actor: "w-a", reason: "graceful" });
    expect((await store.registerWorker(registration("w-a"))).state).toBe("ACTIVE");
  });
}
