import { expect, it } from "vitest";
import { LIMITS } from "../../../domain/limits.js";
import type { NewTask } from "../../../domain/task.js";
import { NotFoundError } from "../../../errors.js";
import {
  type ContractContext,
  claimMeta,
  expectValidationError,
  lockMeta,
  registration,
  rejectionOf,
  taskInput,
} from "../harness.js";

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

export function validationCases(ctx: ContractContext): void {
  it("rejects malformed tasks, naming the field", async () => {
    const store = ctx.store();
    const bad = (overrides: Record<string, unknown>) =>
      store.createTask({ ...taskInput(), ...overrides } as NewTask, "operator:test");
    await expectValidationError(bad({ type: "Not A Type" }), "type");
    await expectValidationError(bad({ priority: 101 }), "priority");
    await expectValidationError(bad({ priority: 1.5 }), "priority");
    await expectValidationError(bad({ maxAttempts: 0 }), "maxAttempts");
    await expectValidationError(bad({ timeoutMs: 5 }), "timeoutMs");
    await expectValidationError(bad({ delayMs: -1 }), "delayMs");
    await expectValidationError(bad({ params: { big: 1n } }), "params");
    expect((await store.listTasks({})).items).toEqual([]);
  });

  it("refuses params, results and memory values nested past LIMITS.jsonDepth, naming the field", async () => {
    const store = ctx.store();
    // 30,000 levels overflow JSON.stringify, superjson and zod: the limit must be checked first.
    await expectValidationError(store.createTask(taskInput({ params: nested(30_000) }), "operator:test"), "params");
    await expectValidationError(
      store.createTask(taskInput({ params: nested(LIMITS.jsonDepth + 1) }), "operator:test"),
      "params",
    );
    await expectValidationError(store.memorySet("global/deep", nested(30_000), "operator:test"), "value");
    expect((await store.listTasks({})).items).toEqual([]);
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput({ params: nested(LIMITS.jsonDepth) }), "operator:test");
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    if (!claim) throw new Error("claim must succeed");
    await expectValidationError(store.completeTask(task.id, claim.lock.token, { result: nested(30_000) }), "result");
    expect((await store.getTask(task.id))?.state).toBe("running");
  });

  it("rejects malformed registrations and heartbeats, naming the field", async () => {
    const store = ctx.store();
    await expectValidationError(store.registerWorker(registration("bad id!")), "id");
    await expectValidationError(store.registerWorker(registration("w-a", { maxConcurrency: 0 })), "maxConcurrency");
    await expectValidationError(
      store.registerWorker(registration("w-a", { supportedTaskTypes: ["UPPER"] })),
      /^supportedTaskTypes/,
    );
    await expectValidationError(
      store.registerWorker(registration("w-a", { heartbeatIntervalMs: 5000, leaseMs: 1000 })),
      "leaseMs",
    );
    expect(await store.getWorker("w-a")).toBeNull();
    await store.registerWorker(registration("w-a"));
    await expectValidationError(store.heartbeat("w-a", { activeTasks: -1 }), "activeTasks");
    await expectValidationError(
      store.transitionWorker("w-a", "BOGUS" as "ACTIVE", { actor: "operator:test", reason: "x" }),
      "to",
    );
  });

  it("rejects malformed lock and task-transition inputs, naming the field", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput(), "operator:test");
    await expectValidationError(
      store.acquireLock({ taskId: task.id, ownerId: "w-a", ttlMs: 0, metadata: lockMeta() }),
      "ttlMs",
    );
    await expectValidationError(store.listClaimable({ types: ["demo"], workerId: "w-a", limit: 0 }), "limit");
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    if (!claim) throw new Error("claim must succeed");
    await expectValidationError(
      store.failTask(task.id, claim.lock.token, { message: "x", retryable: true, retryDelayMs: -1 }),
      "retryDelayMs",
    );
    await expectValidationError(store.completeTask(task.id, claim.lock.token, { result: { n: 1n } }), "result");
    expect((await store.getTask(task.id))?.state).toBe("running");
    expect(await rejectionOf(store.cancelTask("t_missing", { actor: "operator:test", reason: "x" }))).toBeInstanceOf(
      NotFoundError,
    );
  });
}
