import { expect, it } from "vitest";
import type { StoreEvent } from "../../../domain/events.js";
import type { NewTask, Task } from "../../../domain/task.js";
import { MAX_DEPENDENCIES } from "../../../domain/task-dependencies.js";
import { DependenciesPendingError, IllegalTransitionError } from "../../../errors.js";
import type { CoordinationStore } from "../../port.js";
import {
  type ContractContext,
  claimMeta,
  expectValidationError,
  lockMeta,
  registration,
  rejectionOf,
  taskInput,
} from "../harness.js";

const DEADLINE_MS = 15_000;

/** Claim exactly `task` for `workerId` and complete it. */
async function runToSuccess(store: CoordinationStore, task: Task, workerId: string): Promise<void> {
  const [claim] = await store.claimTasks({ workerId, taskIds: [task.id], metadata: claimMeta });
  if (!claim) throw new Error(`task ${task.id} was not claimable`);
  await store.completeTask(task.id, claim.lock.token, { result: { from: task.id } });
}

/**
 * Poll the worker's view (listClaimable, as a worker's poll does — on GitHub that poll is
 * also what ends a doomed dependent) until `done` holds, or fail at the deadline.
 */
async function pollUntil(
  store: CoordinationStore,
  workerId: string,
  done: () => Promise<boolean>,
  what: string,
): Promise<void> {
  const deadline = performance.now() + DEADLINE_MS;
  for (;;) {
    await store.listClaimable({ types: ["demo", "other"], workerId, limit: 50 });
    if (await done()) return;
    if (performance.now() > deadline) throw new Error(`not within ${DEADLINE_MS} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function eventsOf(store: CoordinationStore, taskId: string): Promise<StoreEvent[]> {
  return (await store.readEvents(0, 10_000)).filter((event) => event.taskId === taskId);
}

export function dependencyCases(ctx: ContractContext): void {
  it("a dependent is not claimable, by any path, until every dependency succeeded", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const first = await store.createTask(taskInput(), "operator:test");
    const second = await store.createTask(taskInput({ type: "other" }), "operator:test");
    const dependent = await store.createTask(taskInput({ dependsOn: [first.id, second.id] }), "operator:test");
    expect(dependent).toMatchObject({ dependsOn: [first.id, second.id], onDependencyFailure: "cancel" });
    expect((await store.getTask(dependent.id))?.dependsOn).toEqual([first.id, second.id]);

    const listed = await store.listClaimable({ types: ["demo", "other"], workerId: "w-a", limit: 10 });
    expect(listed.map((t) => t.id).sort()).toEqual([first.id, second.id].sort());
    expect(await store.claimTasks({ workerId: "w-a", taskIds: [dependent.id], metadata: claimMeta })).toEqual([]);
    const lock = await store.acquireLock({ taskId: dependent.id, ownerId: "w-a", ttlMs: 60_000, metadata: lockMeta() });
    if (!lock.acquired) throw new Error("the dependent's lock was free");
    const refused = await rejectionOf(store.startTask(dependent.id, lock.lock.token, "w-a"));
    expect(refused).toBeInstanceOf(DependenciesPendingError);
    expect((refused as Error).message).toContain(first.id);
    await store.releaseLock(dependent.id, lock.lock.token);

    await runToSuccess(store, first, "w-a");
    expect(await store.claimTasks({ workerId: "w-a", taskIds: [dependent.id], metadata: claimMeta })).toEqual([]);
    await runToSuccess(store, second, "w-a");
    await pollUntil(
      store,
      "w-a",
      async () =>
        (await store.listClaimable({ types: ["demo"], workerId: "w-a", limit: 10 })).some((t) => t.id === dependent.id),
      "the dependent becomes claimable once both dependencies succeeded",
    );
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [dependent.id], metadata: claimMeta });
    expect(claim?.task).toMatchObject({ id: dependent.id, state: "running" });
  });

  it("a dead dependency cancels or kills its waiting dependents by their policy, down the chain, with the reason", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const root = await store.createTask(taskInput({ maxAttempts: 1 }), "operator:test");
    const cancelled = await store.createTask(taskInput({ dependsOn: [root.id] }), "operator:test");
    const failed = await store.createTask(
      taskInput({ dependsOn: [root.id], onDependencyFailure: "fail" }),
      "operator:test",
    );
    const grandchild = await store.createTask(taskInput({ dependsOn: [cancelled.id] }), "operator:test");
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [root.id], metadata: claimMeta });
    if (!claim) throw new Error("root was not claimable");
    await store.failTask(root.id, claim.lock.token, { message: "boom", retryable: false, retryDelayMs: 0 });

    const stateOf = async (task: Task) => (await store.getTask(task.id))?.state;
    await pollUntil(
      store,
      "w-a",
      async () =>
        (await stateOf(cancelled)) === "cancelled" &&
        (await stateOf(failed)) === "dead" &&
        (await stateOf(grandchild)) === "cancelled",
      "the dependents end by their policies",
    );
    expect((await store.getTask(failed.id))?.lastError).toBe(`dependency ${root.id} ended dead`);
    const cancelEvents = (await eventsOf(store, cancelled.id)).filter((e) => e.kind === "task.cancelled");
    expect(cancelEvents).toHaveLength(1);
    expect(cancelEvents[0]?.data).toMatchObject({ reason: `dependency ${root.id} ended dead`, dependency: root.id });
    const deadEvents = (await eventsOf(store, failed.id)).filter((e) => e.kind === "task.dead");
    expect(deadEvents).toHaveLength(1);
    expect(deadEvents[0]?.data).toMatchObject({ reason: `dependency ${root.id} ended dead` });
    expect((await eventsOf(store, grandchild.id)).find((e) => e.kind === "task.cancelled")?.data).toMatchObject({
      reason: `dependency ${cancelled.id} ended cancelled`,
    });
    // Nothing started any of them.
    for (const task of [cancelled, failed, grandchild])
      expect((await eventsOf(store, task.id)).some((e) => e.kind === "task.started")).toBe(false);

    const requeue = await rejectionOf(store.requeueTask(cancelled.id, { actor: "operator:test", reason: "again" }));
    expect(requeue).toBeInstanceOf(IllegalTransitionError);
    expect((requeue as Error).message).toContain(`dependency ${root.id} ended dead`);
  });

  it("cancelling a dependency cancels its waiting dependent", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const root = await store.createTask(taskInput(), "operator:test");
    const dependent = await store.createTask(taskInput({ dependsOn: [root.id] }), "operator:test");
    await store.cancelTask(root.id, { actor: "operator:test", reason: "not needed" });
    await pollUntil(
      store,
      "w-a",
      async () => (await store.getTask(dependent.id))?.state === "cancelled",
      "the dependent is cancelled",
    );
  });

  it("refuses bad dependencies, naming the field", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const bad = (overrides: Record<string, unknown>) =>
      store.createTask({ ...taskInput(), ...overrides } as NewTask, "operator:test");
    const real = await store.createTask(taskInput(), "operator:test");
    await expectValidationError(bad({ dependsOn: ["t_nosuchtask"] }), "dependsOn");
    await expectValidationError(bad({ dependsOn: [real.id, real.id] }), /dependsOn/);
    await expectValidationError(
      bad({ dependsOn: Array.from({ length: MAX_DEPENDENCIES + 1 }, (_, i) => `t_${i}`) }),
      /dependsOn/,
    );
    await expectValidationError(bad({ dependsOn: "t_x" }), /dependsOn/);
    await expectValidationError(bad({ dependsOn: [real.id], onDependencyFailure: "ignore" }), "onDependencyFailure");
    await store.cancelTask(real.id, { actor: "operator:test", reason: "gone" });
    const refused = await rejectionOf(bad({ dependsOn: [real.id] }));
    expect((refused as Error).message).toContain(`task ${real.id} already ended cancelled`);
    expect((await store.listTasks({})).items.map((t) => t.id)).toEqual([real.id]);
  });
}
