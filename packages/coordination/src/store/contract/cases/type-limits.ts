import { expect, it } from "vitest";
import { TypeLimitReachedError } from "../../../errors.js";
import {
  type ContractContext,
  claimMeta,
  expectValidationError,
  lockMeta,
  registration,
  rejectionOf,
  taskInput,
  waitForStoreTime,
} from "../harness.js";

export function typeLimitCases(ctx: ContractContext): void {
  it("claims no more running tasks of a limited type than its limit, across workers (where a backend enforces limits)", async () => {
    const store = ctx.store();
    if (!store.setTaskTypeLimit || !store.listTaskTypeLimits) return expect(store.listTaskTypeLimits).toBeUndefined();
    await store.registerWorker(registration("w-a"));
    await store.registerWorker(registration("w-b"));
    const limit = await store.setTaskTypeLimit("demo", 2, "operator:alice");
    expect(limit).toMatchObject({ type: "demo", maxRunning: 2, setBy: "operator:alice" });
    expect(await store.listTaskTypeLimits()).toEqual([limit]);
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await store.createTask(taskInput(), "operator:test")).id);
    const other = await store.createTask(taskInput({ type: "other" }), "operator:test");

    const first = await store.claimTasks({ workerId: "w-a", taskIds: [ids[0] ?? "", other.id], metadata: claimMeta });
    expect(first).toHaveLength(2);
    const second = await store.claimTasks({ workerId: "w-b", taskIds: ids, metadata: claimMeta });
    expect(second).toHaveLength(1);
    expect((await store.listClaimable({ types: ["demo"], workerId: "w-b", limit: 10 })).length).toBe(0);
    const waiting = ids.find((id) => ![...first, ...second].some((c) => c.task.id === id)) ?? "";
    const lock = await store.acquireLock({ taskId: waiting, ownerId: "w-b", ttlMs: 60_000, metadata: lockMeta() });
    if (!lock.acquired) throw new Error("the waiting task's lock was free");
    const refused = await rejectionOf(store.startTask(waiting, lock.lock.token, "w-b"));
    expect(refused).toBeInstanceOf(TypeLimitReachedError);
    expect((refused as Error).message).toContain("waiting for limit: 2/2 demo tasks running");
    await store.releaseLock(waiting, lock.lock.token);

    // One ends: exactly one more may start.
    const done = second[0];
    if (!done) throw new Error("w-b claimed one");
    await store.completeTask(done.task.id, done.lock.token);
    expect(await store.claimTasks({ workerId: "w-b", taskIds: ids, metadata: claimMeta })).toHaveLength(1);
    expect((await store.listTasks({ states: ["running"], types: ["demo"] })).items).toHaveLength(2);

    // Cleared: the rest start.
    expect(await store.setTaskTypeLimit("demo", null, "operator:alice")).toBeNull();
    expect(await store.listTaskTypeLimits()).toEqual([]);
    expect(await store.claimTasks({ workerId: "w-b", taskIds: ids, metadata: claimMeta })).toHaveLength(1);
    const events = (await store.readEvents(0, 10_000)).filter((e) => e.kind === "queue.limit_set");
    expect(events.map((e) => [e.actor, e.data.type, e.data.maxRunning])).toEqual([
      ["operator:alice", "demo", 2],
      ["operator:alice", "demo", null],
    ]);
  });

  it("complete-and-claim frees the slot its completion ends, in the same call", async () => {
    const store = ctx.store();
    if (!store.setTaskTypeLimit) return expect(store.listTaskTypeLimits).toBeUndefined();
    if (!store.completeAndClaim) return expect(store.backend).toBe("github");
    await store.registerWorker(registration("w-a"));
    await store.setTaskTypeLimit("demo", 1, "operator:alice");
    const a = await store.createTask(taskInput(), "operator:test");
    const b = await store.createTask(taskInput(), "operator:test");
    const [held] = await store.claimTasks({ workerId: "w-a", taskIds: [a.id, b.id], metadata: claimMeta });
    if (!held) throw new Error("one claim under the limit");
    const next = await store.completeAndClaim({
      completions: [{ taskId: held.task.id, token: held.lock.token }],
      claim: { workerId: "w-a", taskIds: [a.id, b.id], metadata: claimMeta },
    });
    expect(next.claimed.map((c) => c.task.id)).toEqual([held.task.id === a.id ? b.id : a.id]);
  });

  it("starts no more tasks of a type per interval than its starts limit, then more once the window moves on", async () => {
    const store = ctx.store();
    if (!store.setTaskTypeLimit) return expect(store.listTaskTypeLimits).toBeUndefined();
    await store.registerWorker(registration("w-a"));
    await store.registerWorker(registration("w-b"));
    const limit = await store.setTaskTypeLimit(
      "demo",
      { starts: { maxStarts: 2, intervalMs: 1000 } },
      "operator:alice",
    );
    expect(limit).toMatchObject({ type: "demo", maxRunning: null, maxStarts: 2, intervalMs: 1000 });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await store.createTask(taskInput(), "operator:test")).id);
    const first = await store.claimTasks({ workerId: "w-a", taskIds: ids, metadata: claimMeta });
    expect(first).toHaveLength(2);
    // Ending them frees no starts: the window counts starts, not running tasks.
    for (const c of first) await store.completeTask(c.task.id, c.lock.token);
    expect(await store.claimTasks({ workerId: "w-b", taskIds: ids, metadata: claimMeta })).toHaveLength(0);
    expect(await store.listClaimable({ types: ["demo"], workerId: "w-b", limit: 10 })).toEqual([]);
    const waiting = ids.find((id) => !first.some((c) => c.task.id === id)) ?? "";
    const lock = await store.acquireLock({ taskId: waiting, ownerId: "w-b", ttlMs: 60_000, metadata: lockMeta() });
    if (!lock.acquired) throw new Error("the waiting task's lock was free");
    const refused = await rejectionOf(store.startTask(waiting, lock.lock.token, "w-b"));
    expect(refused).toBeInstanceOf(TypeLimitReachedError);
    expect((refused as Error).message).toContain("waiting for limit: 2/2 demo starts in the last 1s");
    await store.releaseLock(waiting, lock.lock.token);

    await waitForStoreTime(ctx.harness(), (await store.now()) + 1100);
    expect(await store.claimTasks({ workerId: "w-b", taskIds: ids, metadata: claimMeta })).toHaveLength(2);
    // Setting the concurrency limit keeps the starts limit; null clears both.
    expect(await store.setTaskTypeLimit("demo", 5, "operator:alice")).toMatchObject({ maxRunning: 5, maxStarts: 2 });
    expect(await store.setTaskTypeLimit("demo", null, "operator:alice")).toBeNull();
    const events = (await store.readEvents(0, 10_000)).filter((e) => e.kind === "queue.limit_set");
    expect(events.map((e) => [e.data.maxRunning, e.data.maxStarts, e.data.intervalMs])).toEqual([
      [null, 2, 1000],
      [5, 2, 1000],
      [null, null, null],
    ]);
  });

  it("counts a task's own earlier start: its retry waits for the window too, and changing another field keeps the window", async () => {
    const store = ctx.store();
    if (!store.setTaskTypeLimit) return expect(store.listTaskTypeLimits).toBeUndefined();
    await store.registerWorker(registration("w-a"));
    await store.setTaskTypeLimit("demo", { starts: { maxStarts: 1, intervalMs: 600_000 } }, "operator:alice");
    const task = await store.createTask(taskInput({ maxAttempts: 3 }), "operator:test");
    const [first] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    if (!first) throw new Error("the first start is within the limit");
    await store.failTask(task.id, first.lock.token, { message: "flaky", retryable: true, retryDelayMs: 0 });
    expect(await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta })).toEqual([]);
    await store.setTaskTypeLimit("demo", 5, "operator:alice");
    expect(await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta })).toEqual([]);
    expect((await store.getTask(task.id))?.state).toBe("failed");
  });

  it("refuses a limit that is not a positive integer, naming the field", async () => {
    const store = ctx.store();
    if (!store.setTaskTypeLimit) return expect(store.listTaskTypeLimits).toBeUndefined();
    await expectValidationError(store.setTaskTypeLimit("demo", 0, "operator:alice"), "maxRunning");
    await expectValidationError(store.setTaskTypeLimit("Bad Type", 3, "operator:alice"), "type");
    await expectValidationError(
      store.setTaskTypeLimit("demo", { starts: { maxStarts: 3, intervalMs: 5 } }, "operator:alice"),
      "starts.intervalMs",
    );
  });
}
