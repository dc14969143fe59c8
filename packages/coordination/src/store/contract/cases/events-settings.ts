import { expect, it } from "vitest";
import type { EventKind } from "../../../domain/events.js";
import {
  type ContractContext,
  claimMeta,
  expectValidationError,
  registration,
  taskInput,
  waitForStoreTime,
} from "../harness.js";

export function eventAndSettingCases(ctx: ContractContext): void {
  it("appends events with strictly increasing ids and reads them forward from an id", async () => {
    const store = ctx.store();
    const appended = [];
    for (let i = 0; i < 5; i++) {
      appended.push(
        await store.appendEvent({
          kind: "operator.action",
          taskId: null,
          workerId: null,
          actor: "operator:alice",
          data: { i },
        }),
      );
    }
    for (let i = 1; i < appended.length; i++) expect(appended[i]?.id).toBeGreaterThan(appended[i - 1]?.id ?? Infinity);
    const second = appended[1];
    if (!second) throw new Error("five events appended");
    const after = await store.readEvents(second.id, 100);
    expect(after.map((e) => e.data.i)).toEqual([2, 3, 4]);
    expect(after[0]).toMatchObject({ kind: "operator.action", actor: "operator:alice", taskId: null, workerId: null });
    expect(typeof after[0]?.at).toBe("number");
    expect((await store.readEvents(second.id, 2)).map((e) => e.data.i)).toEqual([2, 3]);
    expect(await store.readEvents(appended[4]?.id ?? 0, 10)).toEqual([]);
  });

  it("prunes only the named kinds older than `before`, oldest first and at most `limit` (where a backend can)", async () => {
    const store = ctx.store();
    if (!store.pruneEvents) return expect(store.pruneEvents).toBeUndefined();
    await store.registerWorker(registration("w-a"));
    const early = [];
    for (let i = 0; i < 3; i++)
      early.push(
        await store.appendEvent({ kind: "worker.heartbeat", taskId: null, workerId: "w-a", actor: "w-a", data: { i } }),
      );
    const operator = await store.appendEvent({
      kind: "operator.action",
      taskId: null,
      workerId: null,
      actor: "operator:alice",
      data: {},
    });
    await waitForStoreTime(ctx.harness(), operator.at + 1);
    const cutoff = await store.now();
    await waitForStoreTime(ctx.harness(), cutoff + 1);
    const late = await store.appendEvent({
      kind: "worker.heartbeat",
      taskId: null,
      workerId: "w-a",
      actor: "w-a",
      data: { i: 3 },
    });

    expect(await store.pruneEvents({ kinds: ["worker.heartbeat"], before: cutoff, limit: 2 })).toBe(2);
    expect(await store.pruneEvents({ kinds: ["worker.heartbeat"], before: cutoff, limit: 10 })).toBe(1);
    expect(await store.pruneEvents({ kinds: ["worker.heartbeat"], before: cutoff, limit: 10 })).toBe(0);
    const left = await store.readEvents(0, 10_000);
    const ids = left.map((e) => e.id);
    for (const gone of early) expect(ids).not.toContain(gone.id);
    expect(ids).toContain(operator.id);
    expect(ids).toContain(late.id);
    expect(left.some((e) => e.kind === "worker.registered")).toBe(true);
    await expectValidationError(store.pruneEvents({ kinds: [], before: cutoff, limit: 10 }), "kinds");
  });

  it("records each transition as an event, in order", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput(), "operator:test");
    const [claim] = await store.claimTasks({ workerId: "w-a", taskIds: [task.id], metadata: claimMeta });
    if (!claim) throw new Error("claim must succeed");
    await store.storeResult(task.id, claim.lock.token, { ok: true });
    await store.completeTask(task.id, claim.lock.token);
    const events = (await store.readEvents(0, 1000)).filter((e) => e.taskId === task.id);
    const kinds = events.map((e) => e.kind);
    const order: EventKind[] = [
      "task.created",
      "lock.acquired",
      "task.started",
      "task.result_stored",
      "task.succeeded",
    ];
    const positions = order.map((kind) => kinds.indexOf(kind));
    expect(
      positions.every((p) => p >= 0),
      `kinds: ${kinds.join(", ")}`,
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (let i = 1; i < events.length; i++) expect(events[i]?.id).toBeGreaterThan(events[i - 1]?.id ?? Infinity);
  });

  it("round-trips settings and records each change", async () => {
    const store = ctx.store();
    expect(await store.getSetting("loadBalancer.strategy")).toBeNull();
    await store.setSetting("loadBalancer.strategy", "least_loaded", "operator:alice");
    expect(await store.getSetting("loadBalancer.strategy")).toBe("least_loaded");
    await store.setSetting("loadBalancer.strategy", "affinity", "operator:bob");
    expect(await store.getSetting("loadBalancer.strategy")).toBe("affinity");
    const changes = (await store.readEvents(0, 100)).filter((e) => e.kind === "settings.changed");
    expect(changes.map((e) => e.actor)).toEqual(["operator:alice", "operator:bob"]);
  });

  it("rejects malformed events and reads, naming the field", async () => {
    const store = ctx.store();
    await expectValidationError(
      store.appendEvent({
        kind: "nope" as "operator.action",
        taskId: null,
        workerId: null,
        actor: "operator:alice",
        data: {},
      }),
      "kind",
    );
    await expectValidationError(
      store.appendEvent({ kind: "operator.action", taskId: null, workerId: null, actor: "", data: {} }),
      "actor",
    );
    await expectValidationError(store.readEvents(-1, 10), "afterId");
    await expectValidationError(store.readEvents(0, 0), "limit");
    await expectValidationError(store.setSetting("", "x", "operator:alice"), "key");
  });
}
