import { expect, it } from "vitest";
import { LeaseLostError, NotFoundError, StaleFencingTokenError } from "../../../errors.js";
import { type ContractContext, lockMeta, registration, rejectionOf, taskInput, waitForStoreTime } from "../harness.js";

export function lockCases(ctx: ContractContext): void {
  it("lets only one of two owners acquire; the loser is told who holds it", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    await store.registerWorker(registration("w-b"));
    const task = await store.createTask(taskInput(), "operator:test");
    const a = await store.acquireLock({ taskId: task.id, ownerId: "w-a", ttlMs: 60_000, metadata: lockMeta() });
    const b = await store.acquireLock({ taskId: task.id, ownerId: "w-b", ttlMs: 60_000, metadata: lockMeta() });
    expect(a.acquired).toBe(true);
    expect(b.acquired).toBe(false);
    if (!a.acquired || b.acquired) return;
    expect(b.holder).toMatchObject({ taskId: task.id, ownerId: "w-a", token: a.lock.token });
    expect(await store.getLock(task.id)).toMatchObject({ ownerId: "w-a", token: a.lock.token, metadata: lockMeta() });
    expect((await store.listLocks()).map((l) => l.taskId)).toEqual([task.id]);
    expect(a.lock.expiresAt - a.lock.acquiredAt).toBe(60_000);
  });

  it("grants exactly one of many concurrent acquisitions", async () => {
    const store = ctx.store();
    const owners = ["c-1", "c-2", "c-3", "c-4", "c-5"];
    for (const id of owners) await store.registerWorker(registration(id));
    const task = await store.createTask(taskInput(), "operator:test");
    const results = await Promise.all(
      owners.map((ownerId) => store.acquireLock({ taskId: task.id, ownerId, ttlMs: 60_000, metadata: lockMeta() })),
    );
    const winners = results.flatMap((r) => (r.acquired ? [r.lock] : []));
    expect(winners).toHaveLength(1);
    const winner = winners[0];
    for (const r of results)
      if (!r.acquired) expect(r.holder).toMatchObject({ ownerId: winner?.ownerId, token: winner?.token });
    expect((await store.getLock(task.id))?.ownerId).toBe(winner?.ownerId);
  });

  it("releases only for the current token; a repeat release is a no-op", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    await store.registerWorker(registration("w-b"));
    const task = await store.createTask(taskInput(), "operator:test");
    const a = await store.acquireLock({ taskId: task.id, ownerId: "w-a", ttlMs: 60_000, metadata: lockMeta() });
    if (!a.acquired) throw new Error("first acquisition must succeed");
    expect(await rejectionOf(store.releaseLock(task.id, a.lock.token + 1))).toBeInstanceOf(StaleFencingTokenError);
    expect((await store.getLock(task.id))?.ownerId).toBe("w-a");
    await store.releaseLock(task.id, a.lock.token);
    expect(await store.getLock(task.id)).toBeNull();
    await store.releaseLock(task.id, a.lock.token);
    const b = await store.acquireLock({ taskId: task.id, ownerId: "w-b", ttlMs: 60_000, metadata: lockMeta() });
    if (!b.acquired) throw new Error("released lock must be free");
    const stale = await rejectionOf(store.releaseLock(task.id, a.lock.token));
    expect(stale).toBeInstanceOf(StaleFencingTokenError);
    expect(stale).toMatchObject({ taskId: task.id, presented: a.lock.token });
    expect((await store.getLock(task.id))?.ownerId).toBe("w-b");
  });

  it("lets a lock die when its TTL runs out", async () => {
    const harness = ctx.harness();
    const store = harness.store;
    await store.registerWorker(registration("w-a"));
    await store.registerWorker(registration("w-b"));
    const task = await store.createTask(taskInput(), "operator:test");
    const a = await store.acquireLock({ taskId: task.id, ownerId: "w-a", ttlMs: ctx.shortMs(), metadata: lockMeta() });
    if (!a.acquired) throw new Error("first acquisition must succeed");
    expect(
      (await store.acquireLock({ taskId: task.id, ownerId: "w-b", ttlMs: 60_000, metadata: lockMeta() })).acquired,
    ).toBe(false);
    await waitForStoreTime(harness, a.lock.expiresAt);
    expect(await store.getLock(task.id)).toBeNull();
    expect(await store.listLocks()).toEqual([]);
    const b = await store.acquireLock({ taskId: task.id, ownerId: "w-b", ttlMs: 60_000, metadata: lockMeta() });
    expect(b.acquired).toBe(true);
    if (b.acquired) expect(b.lock.token).toBeGreaterThan(a.lock.token);
  });

  it("lets a lock die when its owner's lease expires, and refuses locks to a lapsed owner", async () => {
    const harness = ctx.harness();
    const store = harness.store;
    const owner = await store.registerWorker(
      registration("w-short", { leaseMs: ctx.shortMs(), heartbeatIntervalMs: 100 }),
    );
    await store.registerWorker(registration("w-b"));
    const [first, second] = [
      await store.createTask(taskInput(), "operator:test"),
      await store.createTask(taskInput(), "operator:test"),
    ];
    if (!first || !second) throw new Error("tasks must be created");
    const a = await store.acquireLock({ taskId: first.id, ownerId: "w-short", ttlMs: 60_000, metadata: lockMeta() });
    expect(a.acquired).toBe(true);
    await waitForStoreTime(harness, owner.lastHeartbeatAt + owner.leaseMs);
    expect(await store.getLock(first.id)).toBeNull();
    expect(
      (await store.acquireLock({ taskId: first.id, ownerId: "w-b", ttlMs: 60_000, metadata: lockMeta() })).acquired,
    ).toBe(true);
    expect(
      await rejectionOf(
        store.acquireLock({ taskId: second.id, ownerId: "w-short", ttlMs: 60_000, metadata: lockMeta() }),
      ),
    ).toBeInstanceOf(LeaseLostError);
    await store.heartbeat("w-short", { activeTasks: 0 });
    expect(
      (await store.acquireLock({ taskId: second.id, ownerId: "w-short", ttlMs: 60_000, metadata: lockMeta() }))
        .acquired,
    ).toBe(true);
  });

  it("keeps a lock live while heartbeats renew its owner's lease", async () => {
    const harness = ctx.harness();
    const store = harness.store;
    const owner = await store.registerWorker(
      registration("w-renew", { leaseMs: ctx.shortMs(), heartbeatIntervalMs: 50 }),
    );
    const task = await store.createTask(taskInput(), "operator:test");
    expect(
      (await store.acquireLock({ taskId: task.id, ownerId: "w-renew", ttlMs: 60_000, metadata: lockMeta() })).acquired,
    ).toBe(true);
    const until = owner.lastHeartbeatAt + 2 * ctx.shortMs();
    while ((await store.now()) < until) {
      await store.heartbeat("w-renew", { activeTasks: 1 });
      expect((await store.getLock(task.id))?.ownerId).toBe("w-renew");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });

  it("kills a lock as soon as its owner leaves the lease-holding states", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput(), "operator:test");
    expect(
      (await store.acquireLock({ taskId: task.id, ownerId: "w-a", ttlMs: 60_000, metadata: lockMeta() })).acquired,
    ).toBe(true);
    await store.transitionWorker("w-a", "DRAINING", { actor: "w-a", reason: "shutting down" });
    expect((await store.getLock(task.id))?.ownerId).toBe("w-a");
    await store.transitionWorker("w-a", "STALE", { actor: "monitor:test", reason: "silent" });
    expect(await store.getLock(task.id)).toBeNull();
  });

  it("refuses locks on missing tasks and to unregistered owners", async () => {
    const store = ctx.store();
    await store.registerWorker(registration("w-a"));
    const task = await store.createTask(taskInput(), "operator:test");
    expect(
      await rejectionOf(store.acquireLock({ taskId: "t_missing", ownerId: "w-a", ttlMs: 1000, metadata: lockMeta() })),
    ).toBeInstanceOf(NotFoundError);
    expect(
      await rejectionOf(store.acquireLock({ taskId: task.id, ownerId: "w-nobody", ttlMs: 1000, metadata: lockMeta() })),
    ).toBeInstanceOf(LeaseLostError);
  });
}
