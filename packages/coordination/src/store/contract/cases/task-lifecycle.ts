import { expect, it } from "vitest";
import type { Lock } from "../../../domain/lock.js";
import type { Task } from "../../../domain/task.js";
import { IllegalTransitionError, StaleFencingTokenError } from "../../../errors.js";
import type { CoordinationStore } from "../../port.js";
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

async function claimOne(
  store: CoordinationStore,
  workerId: string,
  taskId: string,
): Promise<{ task: Task; lock: Lock }> {
  const [claim] = await store.claimTasks({ workerId, taskIds: [taskId], metadata: claimMeta });
  if (!claim) throw new Error(`${workerId} could not claim ${taskId}`);
  return claim;
}

export function taskLifecycleCases(ctx: ContractContext): void {
  it("creates a queued task with the given fields", async () => {
    const store = ctx.store();
    const before = await store.now();
    const fields = {
      type: "other",
      priority: 7,
      params: { n: 1, s: "x" },
      maxAttempts: 5,
      timeoutMs: 1234,
      affinityKey: "k",
      title: "hello",
    };
    const task = await store.createTask(taskInput(fields), "operator:test");
    expect(task).toMatchObject(fields);
    expect(task).toMatchObject({
      state: "queued",
      attempts: 0,
      workerId: null,
      pinnedWorkerId: null,
      result: null,
      lastError: null,
      startedAt: null,
      finishedAt: null,
    });
    expect(task.createdAt).toBeGreaterThanOrEqual(before);
    expect(task.runAt).toBeGreaterThanOrEqual(task.createdAt);
    expect(await store.getTask(task.id)).toEqual(task);
    expect(await store.getTask("t_missing")).toBeNull();
  });

  it("runs queued → running → succeeded, keeping the stored result and releasing the lock", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput(), "operator:test");
    const { task: running, lock } = await claimOne(store, "w-a", task.id);
    expect(running).toMatchObject({ state: "running", attempts: 1, workerId: "w-a", fencingToken: lock.token });
    expect(running.startedAt).not.toBeNull();
    expect(lock).toMatchObject({ ownerId: "w-a", metadata: { ...claimMeta, taskType: "demo" } });
    expect(lock.expiresAt - lock.acquiredAt).toBe(task.timeoutMs);
    expect((await store.storeResult(task.id, lock.token, { partial: true })).result).toEqual({ partial: true });
    const done = await store.completeTask(task.id, lock.token);
    expect(done).toMatchObject({ state: "succeeded", result: { partial: true } });
    expect(done.finishedAt).not.toBeNull();
    expect(await store.getLock(task.id)).toBeNull();
    expect(await rejectionOf(store.completeTask(task.id, lock.token))).toBeInstanceOf(IllegalTransitionError);
  });

  it("retries a retryable failure and goes dead after maxAttempts", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput({ maxAttempts: 2 }), "operator:test");
    const first = await claimOne(store, "w-a", task.id);
    const failed = await store.failTask(task.id, first.lock.token, {
      message: "boom 1",
      retryable: true,
      retryDelayMs: 0,
    });
    expect(failed).toMatchObject({ state: "failed", attempts: 1, lastError: "boom 1" });
    expect(await store.getLock(task.id)).toBeNull();
    expect((await store.listClaimable({ types: ["demo"], workerId: "w-a", limit: 10 })).map((t) => t.id)).toEqual([
      task.id,
    ]);
    const second = await claimOne(store, "w-a", task.id);
    expect(second.task.attempts).toBe(2);
    const dead = await store.failTask(task.id, second.lock.token, {
      message: "boom 2",
      retryable: true,
      retryDelayMs: 0,
    });
    expect(dead).toMatchObject({ state: "dead", attempts: 2, lastError: "boom 2" });
    expect(dead.finishedAt).not.toBeNull();
    expect(await store.listClaimable({ types: ["demo"], workerId: "w-a", limit: 10 })).toEqual([]);
  });

  it("goes dead at once on a non-retryable failure", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput({ maxAttempts: 5 }), "operator:test");
    const { lock } = await claimOne(store, "w-a", task.id);
    expect(
      await store.failTask(task.id, lock.token, { message: "bad params", retryable: false, retryDelayMs: 0 }),
    ).toMatchObject({ state: "dead", attempts: 1 });
  });

  it("holds a retry back until its runAt on the store clock", async () => {
    const harness = ctx.harness();
    const store = harness.store;
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput(), "operator:test");
    const { lock } = await claimOne(store, "w-a", task.id);
    const failed = await store.failTask(task.id, lock.token, {
      message: "later",
      retryable: true,
      retryDelayMs: ctx.shortMs(),
    });
    expect(failed.runAt).toBeGreaterThanOrEqual(failed.updatedAt + ctx.shortMs());
    expect(await store.listClaimable({ types: ["demo"], workerId: "w-a", limit: 10 })).toEqual([]);
    expect(await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta })).toEqual([]);
    await waitForStoreTime(harness, failed.runAt);
    expect((await claimOne(store, "w-a", task.id)).task.attempts).toBe(2);
  });

  it("delays the first attempt by delayMs", async () => {
    const harness = ctx.harness();
    const store = harness.store;
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput({ delayMs: ctx.shortMs() }), "operator:test");
    expect(task.runAt).toBeGreaterThanOrEqual(task.createdAt + ctx.shortMs());
    expect(await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta })).toEqual([]);
    await waitForStoreTime(harness, task.runAt);
    expect((await claimOne(store, "w-a", task.id)).task.state).toBe("running");
  });

  it("cancels from every non-terminal state and never from a terminal one", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const queued = await store.createTask(taskInput(), "operator:test");
    const running = await store.createTask(taskInput(), "operator:test");
    const failed = await store.createTask(taskInput(), "operator:test");
    const succeeded = await store.createTask(taskInput(), "operator:test");
    const dead = await store.createTask(taskInput({ maxAttempts: 1 }), "operator:test");
    const runningClaim = await claimOne(store, "w-a", running.id);
    const failedClaim = await claimOne(store, "w-a", failed.id);
    await store.failTask(failed.id, failedClaim.lock.token, { message: "x", retryable: true, retryDelayMs: 60_000 });
    await store.completeTask(succeeded.id, (await claimOne(store, "w-a", succeeded.id)).lock.token);
    await store.failTask(dead.id, (await claimOne(store, "w-a", dead.id)).lock.token, {
      message: "x",
      retryable: true,
      retryDelayMs: 0,
    });
    for (const task of [queued, running, failed]) {
      const cancelled = await store.cancelTask(task.id, { actor: "operator:test", reason: "not needed" });
      expect(cancelled.state).toBe("cancelled");
      expect(cancelled.finishedAt).not.toBeNull();
    }
    expect(await store.getLock(running.id)).toBeNull();
    for (const task of [succeeded, dead, queued]) {
      const error = await rejectionOf(store.cancelTask(task.id, { actor: "operator:test", reason: "again" }));
      expect(error).toBeInstanceOf(IllegalTransitionError);
      expect(error).toMatchObject({ entity: "task", id: task.id, to: "cancelled" });
    }
    expect(await rejectionOf(store.completeTask(running.id, runningClaim.lock.token))).toBeInstanceOf(
      StaleFencingTokenError,
    );
  });

  it("requeues dead and cancelled tasks, optionally resetting attempts, but never a succeeded one", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const dead = await store.createTask(taskInput({ maxAttempts: 1 }), "operator:test");
    await store.failTask(dead.id, (await claimOne(store, "w-a", dead.id)).lock.token, {
      message: "x",
      retryable: false,
      retryDelayMs: 0,
    });
    const requeued = await store.requeueTask(dead.id, { actor: "operator:test", reason: "retry", resetAttempts: true });
    expect(requeued).toMatchObject({ state: "queued", attempts: 0, finishedAt: null });
    const cancelled = await store.createTask(taskInput(), "operator:test");
    await store.cancelTask(cancelled.id, { actor: "operator:test", reason: "x" });
    expect((await store.requeueTask(cancelled.id, { actor: "operator:test", reason: "back" })).state).toBe("queued");
    const succeeded = await store.createTask(taskInput(), "operator:test");
    await store.completeTask(succeeded.id, (await claimOne(store, "w-a", succeeded.id)).lock.token);
    expect(await rejectionOf(store.requeueTask(succeeded.id, { actor: "operator:test", reason: "x" }))).toBeInstanceOf(
      IllegalTransitionError,
    );
    expect(
      (await store.listClaimable({ types: ["demo"], workerId: "w-a", limit: 10 })).map((t) => t.id).sort(),
    ).toEqual([dead.id, cancelled.id].sort());
  });

  it("requeues with a pin: only the pinned worker may claim or start it, until the pin is cleared", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    await store.registerWorker(registration("w-b"));
    const task = await store.createTask(taskInput(), "operator:test");
    const first = await claimOne(store, "w-a", task.id);
    const pinned = await store.requeueTask(task.id, {
      actor: "operator:alice",
      reason: "reassign",
      pinnedWorkerId: "w-b",
    });
    expect(pinned).toMatchObject({ state: "queued", pinnedWorkerId: "w-b" });
    expect(await rejectionOf(store.completeTask(task.id, first.lock.token))).toBeInstanceOf(StaleFencingTokenError);
    expect(await store.listClaimable({ types: ["demo"], workerId: "w-a", limit: 10 })).toEqual([]);
    expect(await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta })).toEqual([]);
    const lockA = await store.acquireLock({ taskId: task.id, ownerId: "w-a", ttlMs: 60_000, metadata: lockMeta() });
    if (!lockA.acquired) throw new Error("the lock itself is free");
    await expectValidationError(store.startTask(task.id, lockA.lock.token, "w-a"), "workerId");
    await store.releaseLock(task.id, lockA.lock.token);
    expect((await store.listClaimable({ types: ["demo"], workerId: "w-b", limit: 10 })).map((t) => t.id)).toEqual([
      task.id,
    ]);
    const reassigned = await claimOne(store, "w-b", task.id);
    expect(reassigned.task).toMatchObject({ workerId: "w-b", attempts: 2 });
    await store.requeueTask(task.id, { actor: "operator:alice", reason: "any worker", pinnedWorkerId: null });
    expect((await store.listClaimable({ types: ["demo"], workerId: "w-a", limit: 10 })).map((t) => t.id)).toEqual([
      task.id,
    ]);
  });
}
