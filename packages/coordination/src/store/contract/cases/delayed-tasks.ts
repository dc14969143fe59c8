import { expect, it } from "vitest";
import { MAX_DELAY_MS } from "../../../domain/task-delay.js";
import { IllegalTransitionError, TaskNotDueError } from "../../../errors.js";
import {
  type ContractContext,
  claimMeta,
  expectValidationError,
  LONG_MS,
  lockMeta,
  registration,
  rejectionOf,
  taskInput,
  waitForStoreTime,
} from "../harness.js";

/** Scheduled tasks (runAt), delays and promote (domain/task-delay.ts). */
export function delayedTaskCases(ctx: ContractContext): void {
  it("creates a task to run at a given store-clock time and claims it by no path before then", async () => {
    const harness = ctx.harness();
    const store = harness.store;
    await store.registerWorker(registration("w-a"));
    const at = (await store.now()) + ctx.shortMs() * 2;
    const task = await store.createTask(taskInput({ runAt: at }), "operator:test");
    expect(task).toMatchObject({ state: "queued", runAt: at });
    expect((await store.getTask(task.id))?.runAt).toBe(at);
    expect(await store.listClaimable({ types: ["demo"], workerId: "w-a", limit: 10 })).toEqual([]);
    expect(await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta })).toEqual([]);
    const lock = await store.acquireLock({ taskId: task.id, ownerId: "w-a", ttlMs: 60_000, metadata: lockMeta() });
    if (!lock.acquired) throw new Error("the delayed task's lock was taken");
    expect(await rejectionOf(store.startTask(task.id, lock.lock.token, "w-a"))).toBeInstanceOf(TaskNotDueError);
    await store.releaseLock(task.id, lock.lock.token);

    await waitForStoreTime(harness, at);
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    expect(claim?.task).toMatchObject({ id: task.id, state: "running", attempts: 1 });
    expect(claim?.task.startedAt).toBeGreaterThanOrEqual(at);
  });

  it("runs a task whose runAt has passed at once, and refuses one more than 366 days ahead naming runAt", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const now = await store.now();
    const past = await store.createTask(taskInput({ runAt: now - 60_000 }), "operator:test");
    expect(past.runAt).toBeGreaterThanOrEqual(now);
    expect(await store.claimTasks({ workerId: "w-a", taskIds: [past.id], metadata: claimMeta })).toHaveLength(1);
    await expectValidationError(
      store.createTask(taskInput({ runAt: now + MAX_DELAY_MS + 3600_000 }), "operator:test"),
      "runAt",
    );
    await expectValidationError(store.createTask(taskInput({ delayMs: MAX_DELAY_MS + 1 }), "operator:test"), "delayMs");
  });

  it("promotes a delayed task to now: claimable at once, recorded with who did it", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput({ delayMs: LONG_MS }), "operator:test");
    const before = await store.now();
    const promoted = await store.promoteTask(task.id, { actor: "operator:alice", reason: "needed now" });
    expect(promoted.state).toBe("queued");
    expect(promoted.runAt).toBeGreaterThanOrEqual(before);
    expect(promoted.runAt).toBeLessThan(task.runAt);
    expect((await store.getTask(task.id))?.runAt).toBe(promoted.runAt);
    const events = await store.readEvents(0, 1000);
    const event = events.find((e) => e.kind === "task.promoted" && e.taskId === task.id);
    expect(event).toMatchObject({ actor: "operator:alice", data: { runAt: task.runAt, reason: "needed now" } });
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    expect(claim?.task).toMatchObject({ id: task.id, state: "running" });
  });

  it("refuses to promote a task that is not delayed (due, running, finished)", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const due = await store.createTask(taskInput(), "operator:test");
    const running = await store.createTask(taskInput(), "operator:test");
    await store.claimTasks({ workerId: "w-a", taskIds: [running.id], metadata: claimMeta });
    const cancelled = await store.createTask(taskInput({ delayMs: LONG_MS }), "operator:test");
    await store.cancelTask(cancelled.id, { actor: "operator:test", reason: "x" });
    for (const id of [due.id, running.id, cancelled.id]) {
      const refused = await rejectionOf(store.promoteTask(id, { actor: "operator:test", reason: "x" }));
      expect(refused).toBeInstanceOf(IllegalTransitionError);
    }
    expect((await store.getTask(running.id))?.state).toBe("running");
    expect((await store.getTask(cancelled.id))?.state).toBe("cancelled");
  });

  it("shows a promote to another process's view of the store", async () => {
    const harness = ctx.harness();
    const peer = await harness.openPeer();
    const task = await harness.store.createTask(taskInput({ delayMs: LONG_MS }), "operator:test");
    await harness.store.promoteTask(task.id, { actor: "operator:test", reason: "x" });
    const deadline = performance.now() + 10_000;
    for (;;) {
      const seen = await peer.getTask(task.id);
      if (seen && seen.runAt < task.runAt) break;
      if (performance.now() > deadline) throw new Error("the peer never saw the promote");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
}
