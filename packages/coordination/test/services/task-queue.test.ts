import { tempStorePerTest } from "@sentinel/test-support/store";
import { beforeEach, describe, expect, it } from "vitest";
import { readStrategy, writeStrategy } from "../../src/balancer/strategy-setting.js";
import { IllegalTransitionError, NotFoundError, StaleFencingTokenError, ValidationError } from "../../src/errors.js";
import { TaskQueue } from "../../src/queue/task-queue.js";
import { registerWorker } from "./fixtures.js";

const t = tempStorePerTest("sentinel-services");
let queue: TaskQueue;
beforeEach(() => {
  queue = new TaskQueue(t.store);
});

async function validationOf(input: unknown): Promise<ValidationError> {
  const error = await queue.create(input, "operator:alice").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe("TaskQueue.create validation", () => {
  it("applies defaults to a minimal task", async () => {
    const task = await queue.create({ type: "demo" }, "operator:alice");
    expect(task).toMatchObject({
      type: "demo",
      state: "queued",
      priority: 0,
      maxAttempts: 3,
      timeoutMs: 300_000,
      attempts: 0,
    });
  });

  it("names the exact field and the expected form", async () => {
    expect(await validationOf({ type: "Bad Type!" })).toMatchObject({
      field: "type",
      expected: expect.stringMatching(/lowercase letters/),
    });
    expect(await validationOf({ type: "demo", timeoutMs: 5 })).toMatchObject({
      field: "timeoutMs",
      received: 5,
      expected: expect.stringMatching(/>=\s?100/),
    });
    expect(await validationOf({ type: "demo", priority: "high" })).toMatchObject({
      field: "priority",
      expected: expect.stringMatching(/number/),
    });
    expect(await validationOf({ type: "demo", maxAttempts: 1.5 })).toMatchObject({ field: "maxAttempts" });
    expect(await validationOf({})).toMatchObject({ field: "type" });
    expect(await validationOf("not an object")).toMatchObject({
      field: "task",
      expected: expect.stringMatching(/object/),
    });
    const typo = await validationOf({ type: "demo", prioirty: 5 });
    expect(typo.field).toBe("prioirty");
    expect(typo.message).toMatch(/invalid prioirty: expected no such field/);
  });
});

describe("TaskQueue operator actions", () => {
  it("cancel, then retry back to queued with a fresh attempt budget", async () => {
    const task = await queue.create({ type: "demo" }, "operator:alice");
    await expect(queue.retry(task.id, "operator:alice")).rejects.toThrow(IllegalTransitionError);
    expect((await queue.cancel(task.id, "operator:alice")).state).toBe("cancelled");
    expect((await queue.retry(task.id, "operator:alice")).state).toBe("queued");
    await expect(queue.retry("missing", "operator:alice")).rejects.toThrow(NotFoundError);
  });

  it("reassign pins the task to a worker and makes the old holder's token stale", async () => {
    await registerWorker(t.store, "w1");
    await registerWorker(t.store, "w2");
    const task = await queue.create({ type: "demo" }, "operator:alice");
    const [claimed] = await t.store.claimTasks({
      workerId: "w1",
      taskIds: [task.id],
      metadata: { hostname: "h", pid: 1 },
    });
    const moved = await queue.reassign(task.id, "w2", "operator:alice");
    expect(moved).toMatchObject({ state: "queued", pinnedWorkerId: "w2" });
    await expect(t.store.completeTask(task.id, claimed!.lock.token)).rejects.toThrow(StaleFencingTokenError);
    expect(await t.store.listClaimable({ types: ["demo"], workerId: "w1", limit: 10 })).toEqual([]);
    expect((await t.store.listClaimable({ types: ["demo"], workerId: "w2", limit: 10 })).map((x) => x.id)).toEqual([
      task.id,
    ]);
    expect((await queue.reassign(task.id, null, "operator:alice")).pinnedWorkerId).toBeNull();
    await expect(queue.reassign(task.id, "nobody", "operator:alice")).rejects.toThrow(NotFoundError);
  });

  it("reassign refuses a worker that cannot run the type", async () => {
    await registerWorker(t.store, "builder", { supportedTaskTypes: ["build"] });
    const task = await queue.create({ type: "demo" }, "operator:alice");
    await expect(queue.reassign(task.id, "builder", "operator:alice")).rejects.toThrow(
      expect.objectContaining({ field: "workerId" }),
    );
  });
});

describe("live strategy setting", () => {
  it("defaults, validates and switches", async () => {
    expect(await readStrategy(t.store)).toBe("least_loaded");
    await expect(writeStrategy(t.store, "fastest", "operator:alice")).rejects.toThrow(
      expect.objectContaining({ field: "loadBalancer.strategy" }),
    );
    await writeStrategy(t.store, "affinity", "operator:alice");
    expect(await readStrategy(t.store)).toBe("affinity");
    await t.store.setSetting("loadBalancer.strategy", "garbage", "operator:bob");
    expect(await readStrategy(t.store, "round_robin")).toBe("round_robin");
  });
});
