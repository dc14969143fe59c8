import { newTaskSchema, StaleFencingTokenError } from "@sentinel/coordination";
import { TRPCError } from "@trpc/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCaller } from "../src/root.js";
import { type Harness, openHarness, registration } from "./fixtures.js";

let h: Harness;
let taskId: string;
beforeEach(async () => {
  h = openHarness();
  await h.store.registerWorker(registration("w1"));
  taskId = (await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test")).id;
  await h.cp.syncer.syncOnce();
});
afterEach(async () => h.close());

type Caller = Harness["operator"];

/** Every mutation, with input that is valid (so only the session decides). */
const MUTATIONS: Array<[string, (c: Caller) => Promise<unknown>]> = [
  ["workers.drain", (c) => c.workers.drain({ workerId: "w1" })],
  ["workers.resume", (c) => c.workers.resume({ workerId: "w1" })],
  ["workers.remove", (c) => c.workers.remove({ workerId: "w1" })],
  ["locks.forceRelease", (c) => c.locks.forceRelease({ taskId })],
  ["tasks.create", (c) => c.tasks.create({ type: "demo" })],
  ["tasks.retry", (c) => c.tasks.retry({ taskId })],
  ["tasks.cancel", (c) => c.tasks.cancel({ taskId })],
  ["tasks.requeue", (c) => c.tasks.requeue({ taskId })],
  ["tasks.reassign", (c) => c.tasks.reassign({ taskId, workerId: "w1" })],
  ["tasks.bulk", (c) => c.tasks.bulk({ action: "cancel", filter: {}, dryRun: false })],
  ["tasks.edit", (c) => c.tasks.edit({ taskId, priority: 3 })],
  ["settings.setStrategy", (c) => c.settings.setStrategy({ strategy: "round_robin" })],
];

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    return error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`;
  }
}

describe("operator authentication", () => {
  it.each(MUTATIONS)("%s is refused without a session", async (_name, call) => {
    expect(await codeOf(call(h.anonymous))).toBe("UNAUTHORIZED");
    const forged = createCaller(
      h.cp.createContext({
        headers: new Headers({ cookie: `sentinel_session=${h.cookie.split("=")[1]!.slice(0, -2)}xx` }),
      }),
    );
    expect(await codeOf(call(forged))).toBe("UNAUTHORIZED");
  });

  it.each(MUTATIONS)(
    "%s with a session runs and lands in the store's audit with the actor and role",
    async (name, call) => {
      const code = await codeOf(call(h.operator));
      // Some actions are illegal in this state (e.g. remove a live worker); they must fail as CONFLICT, never 500, and still be audited.
      expect([null, "CONFLICT", "NOT_FOUND"]).toContain(code);
      const { items } = await h.operator.audit.list({ limit: 10 });
      const action =
        name === "tasks.bulk"
          ? "task.bulk_cancel"
          : name
              .replace("workers.", "worker.")
              .replace("tasks.", "task.")
              .replace("locks.forceRelease", "lock.force_release")
              .replace("settings.setStrategy", "settings.strategy");
      expect(items[0]).toMatchObject({
        actor: "alice",
        role: "admin",
        action,
        target: expect.any(String),
        result: code === null ? "ok" : "refused",
        reason: code === null ? null : expect.any(String),
      });
    },
  );

  it("accepts the operator token as a bearer token", async () => {
    const bearer = createCaller(
      h.cp.createContext({ headers: new Headers({ authorization: "Bearer alice-secret-token-0123456789" }) }),
    );
    await expect(bearer.tasks.create({ type: "demo" })).resolves.toMatchObject({ type: "demo", state: "queued" });
  });

  it("keeps reads public only while read-only viewing is allowed", async () => {
    await expect(h.anonymous.overview.get()).resolves.toBeDefined();
    const closed = openHarness({ env: { SENTINEL_READONLY_VIEW: "false" } });
    try {
      expect(await codeOf(closed.anonymous.tasks.list({}))).toBe("UNAUTHORIZED");
      expect(await codeOf(closed.anonymous.overview.get())).toBe("UNAUTHORIZED");
      await expect(closed.operator.tasks.list({})).resolves.toMatchObject({ items: [] });
      await expect(closed.anonymous.session.me()).resolves.toEqual({ operator: null, role: null, readOnlyView: false });
    } finally {
      await closed.close();
    }
  });
});

describe("operator actions", () => {
  it("drain then resume a worker through the store", async () => {
    await h.operator.workers.drain({ workerId: "w1" });
    expect((await h.store.getWorker("w1"))?.drainRequested).toBe(true);
    const listed = await h.anonymous.workers.list();
    expect(listed.items.find((w) => w.id === "w1")).toMatchObject({
      drainRequested: true,
      availableSlots: 4,
      leaseLive: true,
    });
  });

  it("reassign makes the old holder's fencing token stale and pins the task", async () => {
    await h.store.registerWorker(registration("w2"));
    const lock = await h.store.acquireLock({
      taskId,
      ownerId: "w1",
      ttlMs: 60_000,
      metadata: { hostname: "h", pid: 1, taskType: "demo" },
    });
    if (!lock.acquired) throw new Error("lock not acquired");
    await h.store.startTask(taskId, lock.lock.token, "w1");
    const task = await h.operator.tasks.reassign({ taskId, workerId: "w2" });
    expect(task).toMatchObject({ state: "queued", pinnedWorkerId: "w2" });
    await expect(h.store.completeTask(taskId, lock.lock.token)).rejects.toBeInstanceOf(StaleFencingTokenError);
    const detail = await h.anonymous.tasks.get({ taskId });
    expect(detail.events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["task.created", "task.started", "task.requeued", "task.pinned"]),
    );
    expect(detail.lockHistory.map((l) => l.token)).toContain(lock.lock.token);
  });

  it("refuses to reassign to a worker that cannot run the type, naming the field", async () => {
    await h.store.registerWorker(registration("w3", { supportedTaskTypes: ["other"] }));
    await expect(h.operator.tasks.reassign({ taskId, workerId: "w3" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("workerId"),
    });
    await expect(h.operator.tasks.reassign({ taskId, workerId: "ghost" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("bulk cancel: the dry run counts, the real run applies exactly those", async () => {
    for (let i = 0; i < 4; i++)
      await h.store.createTask(newTaskSchema.parse({ type: i % 2 ? "demo" : "other" }), "test");
    await h.cp.syncer.syncOnce();
    const dry = await h.operator.tasks.bulk({ action: "cancel", filter: { types: ["demo"] }, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, matched: 3, applied: 0 });
    expect((await h.store.listTasks({ states: ["cancelled"] })).items).toHaveLength(0);
    const run = await h.operator.tasks.bulk({ action: "cancel", filter: { types: ["demo"] }, dryRun: false });
    expect(run).toMatchObject({ dryRun: false, matched: 3, applied: 3, failures: [] });
    expect((await h.store.listTasks({ states: ["cancelled"] })).items).toHaveLength(3);
    const retry = await h.operator.tasks.bulk({
      action: "retry",
      filter: { states: ["cancelled", "queued"] },
      dryRun: true,
    });
    expect(retry.matched).toBe(3);
  });

  it("bulk cancel with the confirmed count: a set that changed since is refused, audited with the count", async () => {
    for (let i = 0; i < 2; i++) await h.store.createTask(newTaskSchema.parse({ type: "other" }), "test");
    await h.cp.syncer.syncOnce();
    const filter = { types: ["other"], states: ["queued" as const] };
    const dry = await h.operator.tasks.bulk({ action: "cancel", filter, dryRun: true });
    expect(dry.matched).toBe(2);
    await h.store.createTask(newTaskSchema.parse({ type: "other" }), "test");
    await h.cp.syncer.syncOnce();
    await expect(
      h.operator.tasks.bulk({ action: "cancel", filter, dryRun: false, expectedCount: dry.matched }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("now matches 3") });
    expect((await h.store.listTasks({ states: ["cancelled"], types: ["other"] })).items).toHaveLength(0);
    const run = await h.operator.tasks.bulk({ action: "cancel", filter, dryRun: false, expectedCount: 3 });
    expect(run).toMatchObject({ applied: 3 });
    const { items } = await h.operator.audit.list({ limit: 2 });
    expect(items[0]).toMatchObject({
      action: "task.bulk_cancel",
      result: "ok",
      before: { matched: 3, expectedCount: 3 },
      after: { applied: 3 },
    });
    expect(items[1]).toMatchObject({
      action: "task.bulk_cancel",
      result: "refused",
      before: { matched: 3, expectedCount: 2 },
    });
  });

  it("edits a queued task's priority, audited with before and after; refused once it is not queued", async () => {
    const queued = await h.store.createTask(newTaskSchema.parse({ type: "other", params: { a: 1 } }), "test");
    await h.cp.syncer.syncOnce();
    const edited = await h.operator.tasks.edit({ taskId: queued.id, priority: 42, params: { a: 2 } });
    expect(edited).toMatchObject({ priority: 42, params: { a: 2 }, state: "queued" });
    const { items } = await h.operator.audit.list({ limit: 1 });
    expect(items[0]).toMatchObject({
      action: "task.edit",
      before: { priority: 0, state: "queued" },
      after: { priority: 42, state: "queued" },
    });
    await h.store.cancelTask(queued.id, { actor: "test", reason: "done" });
    await expect(h.operator.tasks.edit({ taskId: queued.id, priority: 1 })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(h.operator.tasks.edit({ taskId: queued.id, priority: 1000 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("priority"),
    });
  });

  it("maps typed coordination errors to tRPC codes", async () => {
    await expect(h.operator.tasks.cancel({ taskId: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(h.operator.workers.remove({ workerId: "w1" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(h.operator.tasks.retry({ taskId })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(h.operator.locks.forceRelease({ taskId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("switches the strategy live through the store", async () => {
    await h.operator.settings.setStrategy({ strategy: "affinity" });
    await expect(h.anonymous.settings.get()).resolves.toMatchObject({ strategy: "affinity" });
  });
});

describe("malformed input", () => {
  const cases: Array<[string, (c: Caller) => Promise<unknown>, string]> = [
    ["task type", (c) => c.tasks.create({ type: "Bad Type!" }), "type"],
    ["priority", (c) => c.tasks.create({ type: "demo", priority: 1000 }), "priority"],
    ["state filter", (c) => c.tasks.list({ states: ["nonsense" as "queued"] }), "states.0"],
    ["cursor", (c) => c.tasks.list({ cursor: "not-a-cursor" }), "cursor"],
    ["limit", (c) => c.tasks.list({ limit: -1 }), "limit"],
    ["strategy", (c) => c.settings.setStrategy({ strategy: "fastest" as "adaptive" }), "strategy"],
    ["bulk dryRun", (c) => c.tasks.bulk({ action: "retry", filter: {} } as never), "dryRun"],
    ["worker id", (c) => c.workers.drain({ workerId: "" }), "workerId"],
    ["lastEventId", (c) => c.live({ lastEventId: "abc" }), "lastEventId"],
  ];
  it.each(cases)("%s → BAD_REQUEST naming the field", async (_name, call, field) => {
    const error = await call(h.operator).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toContain(field);
  });
});
