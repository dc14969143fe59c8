import type { Emulator } from "@sentinel/github-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";
import type { GithubStore } from "../../src/store/github/index.js";
import { openTestStore, startTestEmulator } from "./emulator-harness.js";

let emulator: Emulator | null = null;
let store: GithubStore | null = null;

afterEach(async () => {
  await store?.close();
  await emulator?.close();
});

describe("GitHub request budget", () => {
  it("counts requests by kind; a 304 is notModified and costs no primary budget", async () => {
    emulator = await startTestEmulator();
    store = await openTestStore(emulator);
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput(), "operator:test");
    await store.getTask(task.id);

    const before = store.budget();
    const emulatorBefore = emulator.stats().counters.notModified;
    // Nothing changed since the last read: every conditional GET is answered 304.
    await store.getTask(task.id);
    const after = store.budget();
    expect(after.byKind.notModified).toBeGreaterThan(before.byKind.notModified);
    expect(after.byKind.notModified - before.byKind.notModified).toBe(emulator.stats().counters.notModified - emulatorBefore);
    expect(after.byKind.reads).toBe(before.byKind.reads);
    expect(after.byKind.writes).toBe(before.byKind.writes);
    expect(after.primary.remaining).toBe(before.primary.remaining);
    expect(after.primary.limit).toBe(5000);

    const writesBefore = after.byKind.writes;
    await store.createTask(taskInput(), "operator:test");
    expect(store.budget().byKind.writes).toBe(writesBefore + 1);
    expect(store.budget().primary.remaining).toBeLessThan(after.primary.remaining ?? Infinity);
  });

  it("spends a handful of writes per task and exactly one per heartbeat", async () => {
    emulator = await startTestEmulator();
    store = await openTestStore(emulator);
    await store.registerWorker(registration("w-a"));
    await store.memorySet("swarm/warm", 1, "w-a");
    await store.appendEvent({ kind: "operator.action", taskId: null, workerId: null, actor: "operator:x", data: {} });

    const writes = (): number => store!.budget().byKind.writes;
    let mark = writes();
    await store.heartbeat("w-a", { activeTasks: 0 });
    expect(writes() - mark).toBe(1);

    mark = writes();
    const task = await store.createTask(taskInput(), "operator:test");
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    if (!claim) throw new Error("claim must succeed");
    await store.completeTask(task.id, claim.lock.token, { result: 1 });
    // create issue + claim comment + start PATCH + result PATCH + close/label the issue.
    expect(writes() - mark).toBe(5);

    mark = writes();
    await Promise.all(Array.from({ length: 10 }, (_, i) => store!.memorySet(`swarm/k${i}`, i, "w-a")));
    expect(writes() - mark).toBe(1);
  });
});
