import { expect, it } from "vitest";
import { LeaseLostError } from "../../../errors.js";
import {
  type ContractContext,
  claimMeta,
  lockMeta,
  registration,
  rejectionOf,
  taskInput,
  waitForStoreTime,
} from "../harness.js";

export function claimCases(ctx: ContractContext): void {
  it("claims a batch in one call, skipping locked, unclaimable, foreign-pinned, unsupported and missing tasks", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a", { supportedTaskTypes: ["demo"] }));
    await store.registerWorker(registration("w-b"));
    const free1 = await store.createTask(taskInput(), "operator:test");
    const free2 = await store.createTask(taskInput(), "operator:test");
    const locked = await store.createTask(taskInput(), "operator:test");
    const delayed = await store.createTask(taskInput({ delayMs: 600_000 }), "operator:test");
    const pinnedElsewhere = await store.createTask(taskInput({ pinnedWorkerId: "w-b" }), "operator:test");
    const pinnedHere = await store.createTask(taskInput({ pinnedWorkerId: "w-a" }), "operator:test");
    const unsupported = await store.createTask(taskInput({ type: "other" }), "operator:test");
    const cancelled = await store.createTask(taskInput(), "operator:test");
    await store.cancelTask(cancelled.id, { actor: "operator:test", reason: "x" });
    expect(
      (await store.acquireLock({ taskId: locked.id, ownerId: "w-b", ttlMs: 60_000, metadata: lockMeta() })).acquired,
    ).toBe(true);
    const ids = [
      free1.id,
      locked.id,
      delayed.id,
      pinnedElsewhere.id,
      "t_missing",
      unsupported.id,
      cancelled.id,
      pinnedHere.id,
      free2.id,
      free1.id,
    ];
    const claims = await store.claimTasks({ workerId: "w-a", taskIds: ids, metadata: claimMeta });
    expect(claims.map((c) => c.task.id).sort()).toEqual([free1.id, free2.id, pinnedHere.id].sort());
    for (const { task, lock } of claims) {
      expect(task).toMatchObject({ state: "running", workerId: "w-a", fencingToken: lock.token, attempts: 1 });
      expect(await store.getLock(task.id)).toMatchObject({ ownerId: "w-a", token: lock.token });
    }
    expect((await store.getLock(locked.id))?.ownerId).toBe("w-b");
    expect((await store.getTask(locked.id))?.state).toBe("queued");
  });

  it("lists claimable tasks best first: priority, then age; without locked, pinned-away or other types", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    await store.registerWorker(registration("w-b"));
    const low = await store.createTask(taskInput({ priority: -5 }), "operator:test");
    const oldMid = await store.createTask(taskInput({ priority: 0 }), "operator:test");
    await waitForStoreTime(ctx.harness(), oldMid.createdAt + 2);
    const newMid = await store.createTask(taskInput({ priority: 0 }), "operator:test");
    const high = await store.createTask(taskInput({ priority: 9 }), "operator:test");
    const locked = await store.createTask(taskInput({ priority: 50 }), "operator:test");
    await store.createTask(taskInput({ priority: 50, pinnedWorkerId: "w-b" }), "operator:test");
    await store.createTask(taskInput({ priority: 50, type: "other" }), "operator:test");
    await store.acquireLock({ taskId: locked.id, ownerId: "w-b", ttlMs: 60_000, metadata: lockMeta() });
    const listed = await store.listClaimable({ types: ["demo"], workerId: "w-a", limit: 10 });
    expect(listed.map((t) => t.id)).toEqual([high.id, oldMid.id, newMid.id, low.id]);
    expect((await store.listClaimable({ types: ["demo"], workerId: "w-a", limit: 2 })).map((t) => t.id)).toEqual([
      high.id,
      oldMid.id,
    ]);
    expect(await store.listClaimable({ types: [], workerId: "w-a", limit: 10 })).toEqual([]);
  });

  it("lists a recovered task (attempt put back, runAt now) before newer work of its priority", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const recovered = await store.createTask(taskInput(), "operator:test");
    // "Newer" means created later by the store clock: two tasks created in the same
    // millisecond are a tie that the order breaks by id, which says nothing about recovery.
    while ((await store.now()) <= recovered.createdAt) await new Promise((resolve) => setTimeout(resolve, 1));
    const newer = await store.createTask(taskInput(), "operator:test");
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [recovered.id], metadata: claimMeta });
    await store.failTask(recovered.id, claim?.lock.token as number, {
      message: "worker w-a failed",
      retryable: true,
      retryDelayMs: 0,
    });
    const listed = await store.listClaimable({ types: ["demo"], workerId: "w-a", limit: 10 });
    expect(listed.map((t) => t.id)).toEqual([recovered.id, newer.id]);
    expect(listed[0]?.runAt).toBeGreaterThanOrEqual(newer.runAt);
  });

  it("gives each task to exactly one of two workers claiming the same batch at once", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    await store.registerWorker(registration("w-b"));
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await store.createTask(taskInput(), "operator:test")).id);
    const [a, b] = await Promise.all([
      store.claimTasks({ workerId: "w-a", taskIds: ids, metadata: claimMeta }),
      store.claimTasks({ workerId: "w-b", taskIds: [...ids].reverse(), metadata: claimMeta }),
    ]);
    const claimed = [...a, ...b].map((c) => c.task.id);
    expect(claimed.sort()).toEqual([...ids].sort());
    expect(new Set(claimed).size).toBe(ids.length);
  });

  it("refuses a batch claim from a worker without a lease", async () => {
    const store = ctx.store();
    const task = await store.createTask(taskInput(), "operator:test");
    expect(
      await rejectionOf(store.claimTasks({ workerId: "w-nobody", taskIds: [task.id], metadata: claimMeta })),
    ).toBeInstanceOf(LeaseLostError);
  });
}
