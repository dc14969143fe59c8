import { expect, it } from "vitest";
import type { AcquireResult, Lock } from "../../../domain/lock.js";
import type { Task } from "../../../domain/task.js";
import { StaleFencingTokenError } from "../../../errors.js";
import type { CoordinationStore } from "../../port.js";
import {
  type ContractContext,
  claimMeta,
  lockMeta,
  registration,
  rejectionOf,
  taskInput,
  waitForStoreTime,
} from "../harness.js";

function held(result: AcquireResult): Lock {
  if (!result.acquired)
    throw new Error(`expected to acquire, but ${result.holder.ownerId} holds token ${result.holder.token}`);
  return result.lock;
}

async function acquire(store: CoordinationStore, taskId: string, ownerId: string, ttlMs = 60_000): Promise<Lock> {
  return held(await store.acquireLock({ taskId, ownerId, ttlMs, metadata: lockMeta() }));
}

/**
 * A fresh task whose lock w-old held for a short TTL (and, when `started`, started the task
 * under) and lost by the store's clock; w-new is registered to take it over.
 */
async function lapsedLock(ctx: ContractContext, opts: { started: boolean }): Promise<{ task: Task; old: Lock }> {
  const harness = ctx.harness();
  const store = harness.store;
  await store.registerWorker(registration("w-old"));
  await store.registerWorker(registration("w-new"));
  const task = await store.createTask(taskInput(), "operator:test");
  const old = await acquire(store, task.id, "w-old", ctx.shortMs());
  if (opts.started) await store.startTask(task.id, old.token, "w-old");
  await waitForStoreTime(harness, old.expiresAt);
  return { task, old };
}

export function fencingCases(ctx: ContractContext): void {
  it("issues strictly increasing tokens across acquire, release, expiry, force-release and requeue", async () => {
    const harness = ctx.harness();
    const store = harness.store;
    await store.registerWorker(registration("w-a"));
    await store.registerWorker(registration("w-b"));
    const task = await store.createTask(taskInput(), "operator:test");
    const tokens: number[] = [];
    const first = await acquire(store, task.id, "w-a");
    tokens.push(first.token);
    await store.releaseLock(task.id, first.token);
    const short = await acquire(store, task.id, "w-b", ctx.shortMs());
    tokens.push(short.token);
    await waitForStoreTime(harness, short.expiresAt);
    const afterExpiry = await acquire(store, task.id, "w-a");
    tokens.push(afterExpiry.token);
    const forced = await store.forceReleaseLock(task.id, { actor: "operator:test", reason: "contract" });
    expect(forced).toMatchObject({ ownerId: "w-a", token: afterExpiry.token });
    expect(await rejectionOf(store.releaseLock(task.id, afterExpiry.token))).toBeInstanceOf(StaleFencingTokenError);
    const afterForce = await acquire(store, task.id, "w-b");
    tokens.push(afterForce.token);
    await store.requeueTask(task.id, { actor: "operator:test", reason: "contract" });
    expect(await store.getLock(task.id)).toBeNull();
    expect(await rejectionOf(store.releaseLock(task.id, afterForce.token))).toBeInstanceOf(StaleFencingTokenError);
    tokens.push((await acquire(store, task.id, "w-a")).token);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1] ?? Infinity);
  });

  it("rejects every fenced write carrying a superseded token", async () => {
    const store = ctx.store();
    const { task, old } = await lapsedLock(ctx, { started: true });
    const current = await acquire(store, task.id, "w-new");
    expect(current.token).toBeGreaterThan(old.token);
    // Each rejection is observed as soon as its write is sent: a backend that answers them
    // in parallel (a connection pool) must not leave one unhandled while an earlier one is awaited.
    const rejections = [
      store.startTask(task.id, old.token, "w-old"),
      store.storeResult(task.id, old.token, { from: "old" }),
      store.completeTask(task.id, old.token, { result: { from: "old" } }),
      store.failTask(task.id, old.token, { message: "old", retryable: true, retryDelayMs: 0 }),
      store.releaseLock(task.id, old.token),
    ].map(rejectionOf);
    for (const rejection of rejections) {
      const error = await rejection;
      expect(error).toBeInstanceOf(StaleFencingTokenError);
      expect(error).toMatchObject({ taskId: task.id, presented: old.token });
    }
    const after = await store.getTask(task.id);
    expect(after).toMatchObject({ state: "running", result: null, fencingToken: old.token, attempts: 1 });
    expect(await store.getLock(task.id)).toMatchObject({ ownerId: "w-new", token: current.token });
  });

  it("rejects starting a task with a lock token that was superseded before the start", async () => {
    const store = ctx.store();
    const { task, old } = await lapsedLock(ctx, { started: false });
    expect(await rejectionOf(store.startTask(task.id, old.token, "w-old"))).toBeInstanceOf(StaleFencingTokenError);
    const current = await acquire(store, task.id, "w-new");
    expect(await rejectionOf(store.startTask(task.id, old.token, "w-old"))).toBeInstanceOf(StaleFencingTokenError);
    expect(await store.startTask(task.id, current.token, "w-new")).toMatchObject({
      state: "running",
      workerId: "w-new",
      fencingToken: current.token,
    });
  });

  it("hands a force-released running attempt to the recoverer: the old holder is fenced out, the task's current token fails it", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    await store.registerWorker(registration("w-b"));
    const task = await store.createTask(taskInput(), "operator:test");
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    if (!claim) throw new Error("claim must succeed");
    const released = await store.forceReleaseLock(task.id, { actor: "monitor:w-b", reason: "w-a stale" });
    expect(released).toMatchObject({ ownerId: "w-a", token: claim.lock.token });
    expect(await rejectionOf(store.completeTask(task.id, claim.lock.token))).toBeInstanceOf(StaleFencingTokenError);
    const handed = await store.getTask(task.id);
    expect(handed?.state).toBe("running");
    expect(handed?.fencingToken).toBeGreaterThan(claim.lock.token);
    const failed = await store.failTask(task.id, handed?.fencingToken ?? -1, {
      message: "worker w-a failed",
      retryable: true,
      retryDelayMs: 0,
    });
    expect(failed.state).toBe("failed");
    const [reclaim] = await store.claimTasks({ workerId: "w-b", taskIds: [task.id], metadata: claimMeta });
    expect(reclaim?.lock.token).toBeGreaterThan(handed?.fencingToken ?? Infinity);
    expect(reclaim?.task).toMatchObject({ state: "running", attempts: 2, workerId: "w-b" });
  });

  it("makes the running holder's token stale when its task is cancelled or requeued", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const cancelled = await store.createTask(taskInput(), "operator:test");
    const requeued = await store.createTask(taskInput(), "operator:test");
    const claims = await store.claimTasks({
      workerId: "w-a",
      taskIds: [cancelled.id, requeued.id],
      metadata: claimMeta,
    });
    expect(claims).toHaveLength(2);
    const [c, r] = claims;
    if (!c || !r) return;
    await store.cancelTask(cancelled.id, { actor: "operator:test", reason: "no longer needed" });
    await store.requeueTask(requeued.id, { actor: "operator:test", reason: "move it" });
    expect(await rejectionOf(store.completeTask(cancelled.id, c.lock.token))).toBeInstanceOf(StaleFencingTokenError);
    expect(await rejectionOf(store.storeResult(requeued.id, r.lock.token, 1))).toBeInstanceOf(StaleFencingTokenError);
    expect(
      await rejectionOf(store.failTask(requeued.id, r.lock.token, { message: "x", retryable: true, retryDelayMs: 0 })),
    ).toBeInstanceOf(StaleFencingTokenError);
    expect((await store.getTask(cancelled.id))?.state).toBe("cancelled");
    expect((await store.getTask(requeued.id))?.state).toBe("queued");
  });
}
