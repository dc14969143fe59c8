import { expect, it } from "vitest";
import { TypePausedError } from "../../../errors.js";
import {
  type ContractContext,
  claimMeta,
  expectValidationError,
  lockMeta,
  registration,
  rejectionOf,
  taskInput,
} from "../harness.js";

export function typePauseCases(ctx: ContractContext): void {
  it("never claims a paused type, by listing, batch claim, complete-and-claim or two-step start", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const demo = await store.createTask(taskInput(), "operator:test");
    const other = await store.createTask(taskInput({ type: "other" }), "operator:test");
    const before = await store.now();
    const pause = await store.pauseTaskType("demo", "operator:alice");
    expect(pause).toMatchObject({ type: "demo", pausedBy: "operator:alice" });
    expect(pause.pausedAt).toBeGreaterThanOrEqual(before);
    expect(await store.listPausedTypes()).toEqual([pause]);

    const listed = await store.listClaimable({ types: ["demo", "other"], workerId: "w-a", limit: 10 });
    expect(listed.map((t) => t.id)).toEqual([other.id]);
    const claims = await store.claimTasks({ workerId: "w-a", taskIds: [demo.id, other.id], metadata: claimMeta });
    expect(claims.map((c) => c.task.id)).toEqual([other.id]);
    if (store.completeAndClaim) {
      const both = await store.completeAndClaim({
        completions: [],
        claim: { workerId: "w-a", taskIds: [demo.id], metadata: claimMeta },
      });
      expect(both.claimed).toEqual([]);
    }
    const lock = await store.acquireLock({ taskId: demo.id, ownerId: "w-a", ttlMs: 60_000, metadata: lockMeta() });
    if (!lock.acquired) throw new Error("the paused task's lock was free");
    const refused = await rejectionOf(store.startTask(demo.id, lock.lock.token, "w-a"));
    expect(refused).toBeInstanceOf(TypePausedError);
    expect((refused as Error).message).toContain("type demo paused by operator:alice");
    await store.releaseLock(demo.id, lock.lock.token);
    expect((await store.getTask(demo.id))?.state).toBe("queued");
  });

  it("pausing the whole queue stops every type; resume makes them claimable again", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const demo = await store.createTask(taskInput(), "operator:test");
    const other = await store.createTask(taskInput({ type: "other" }), "operator:test");
    await store.pauseTaskType("*", "operator:alice");
    await store.pauseTaskType("demo", "operator:bob");
    expect(await store.listClaimable({ types: ["demo", "other"], workerId: "w-a", limit: 10 })).toEqual([]);

    expect(await store.resumeTaskType("*", "operator:alice")).toBe(true);
    expect((await store.listPausedTypes()).map((p) => p.type)).toEqual(["demo"]);
    expect(
      (await store.listClaimable({ types: ["demo", "other"], workerId: "w-a", limit: 10 })).map((t) => t.id),
    ).toEqual([other.id]);

    expect(await store.resumeTaskType("demo", "operator:bob")).toBe(true);
    expect(await store.resumeTaskType("demo", "operator:bob")).toBe(false);
    expect(await store.listPausedTypes()).toEqual([]);
    const claims = await store.claimTasks({ workerId: "w-a", taskIds: [demo.id, other.id], metadata: claimMeta });
    expect(claims.map((c) => c.task.id).sort()).toEqual([demo.id, other.id].sort());
  });

  it("a pause leaves running tasks alone: they finish, and a second pause keeps the first one's who and when", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput(), "operator:test");
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    if (!claim) throw new Error("the task was claimable");
    const first = await store.pauseTaskType("demo", "operator:alice");
    expect(await store.pauseTaskType("demo", "operator:bob")).toEqual(first);
    expect((await store.getTask(task.id))?.state).toBe("running");
    expect(await store.getLock(task.id)).toMatchObject({ ownerId: "w-a", token: claim.lock.token });
    const done = await store.completeTask(task.id, claim.lock.token, { result: { ok: true } });
    expect(done.state).toBe("succeeded");
  });

  it("records who paused and resumed what as events", async () => {
    const store = ctx.store();
    const start = (await store.readEvents(0, 10_000)).at(-1)?.id ?? 0;
    await store.pauseTaskType("demo", "operator:alice");
    await store.pauseTaskType("demo", "operator:alice");
    await store.resumeTaskType("demo", "operator:carol");
    const events = (await store.readEvents(start, 10_000)).filter((e) => e.kind.startsWith("queue."));
    expect(events.map((e) => [e.kind, e.actor, e.data.type])).toEqual([
      ["queue.paused", "operator:alice", "demo"],
      ["queue.resumed", "operator:carol", "demo"],
    ]);
  });

  it("refuses a pause of something that is not a task type, naming the field", async () => {
    const store = ctx.store();
    await expectValidationError(store.pauseTaskType("Not A Type!", "operator:alice"), "type");
    await expectValidationError(store.resumeTaskType("demo", ""), "actor");
  });
}
