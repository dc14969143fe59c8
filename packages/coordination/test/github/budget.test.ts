import { openPerTest } from "@sentinel/test-support/emulator";
import { describe, expect, it } from "vitest";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";

const open = openPerTest();

describe("GitHub request budget", () => {
  it("counts requests by kind; a 304 is notModified and costs no primary budget", async () => {
    const { emulator, store } = await open();
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput(), "operator:test");
    await store.getTask(task.id);

    const before = store.budget();
    const emulatorBefore = emulator.stats().counters.notModified;
    // Nothing changed since the last read: every conditional GET is answered 304.
    await store.getTask(task.id);
    const after = store.budget();
    expect(after.byKind.notModified).toBeGreaterThan(before.byKind.notModified);
    expect(after.byKind.notModified - before.byKind.notModified).toBe(
      emulator.stats().counters.notModified - emulatorBefore,
    );
    expect(after.byKind.reads).toBe(before.byKind.reads);
    expect(after.byKind.writes).toBe(before.byKind.writes);
    expect(after.primary.remaining).toBe(before.primary.remaining);
    expect(after.primary.limit).toBe(5000);

    const writesBefore = after.byKind.writes;
    await store.createTask(taskInput(), "operator:test");
    expect(store.budget().byKind.writes).toBe(writesBefore + 1);
    expect(store.budget().primary.remaining).toBeLessThan(after.primary.remaining ?? Infinity);
  });

  it("spends one producer write and three worker writes per task, one per failed attempt's end, one per heartbeat", async () => {
    const { emulator, store } = await open();
    await store.registerWorker(registration("w-a"));
    await store.memorySet("swarm/warm", 1, "w-a");
    await store.appendEvent({ kind: "operator.action", taskId: null, workerId: null, actor: "operator:x", data: {} });

    const writes = (): number => store.budget().byKind.writes;
    // The emulator's own count of accepted writes, independent of the store's meter.
    const emulatorWrites = (): number => {
      const byMethod = emulator.stats().byMethod;
      return (byMethod.POST ?? 0) + (byMethod.PATCH ?? 0) + (byMethod.DELETE ?? 0) + (byMethod.PUT ?? 0);
    };
    let mark = writes();
    let emulatorMark = emulatorWrites();
    await store.heartbeat("w-a", { activeTasks: 0 });
    expect(writes() - mark).toBe(1);

    mark = writes();
    const task = await store.createTask(taskInput(), "operator:test");
    // The producer's write: the task's issue.
    expect(writes() - mark).toBe(1);
    mark = writes();
    emulatorMark = emulatorWrites();
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    if (!claim) throw new Error("claim must succeed");
    expect(claim.task).toMatchObject({ state: "running", attempts: 1, fencingToken: claim.lock.token });
    // The winning claim is the start: one write so far.
    expect(writes() - mark).toBe(1);
    await store.completeTask(task.id, claim.lock.token, { result: 1 });
    // The worker's writes: claim comment + its PATCH into the outcome + close/label the issue.
    expect(writes() - mark).toBe(3);
    expect(emulatorWrites() - emulatorMark).toBe(3);

    const retried = await store.createTask(taskInput(), "operator:test");
    mark = writes();
    const [first] = await store.claimTasks({ workerId: "w-a", taskIds: [retried.id], metadata: claimMeta });
    if (!first) throw new Error("claim must succeed");
    await store.failTask(retried.id, first.lock.token, { message: "again", retryable: true, retryDelayMs: 0 });
    // A retried attempt leaves the issue open: claim + its PATCH.
    expect(writes() - mark).toBe(2);

    mark = writes();
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.memorySet(`swarm/k${i}`, i, "w-a")));
    expect(writes() - mark).toBe(1);
  });
});
