import { newTaskSchema } from "@sentinel/coordination";
import { waitForStoreTime } from "@sentinel/test-support/clock";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, openHarness, registration } from "./fixtures.js";

let h: Harness;
afterEach(async () => h?.close());

describe("queues router (pause and resume a task type)", () => {
  it("lets an operator pause and resume a type, audited, and shows who paused it in the list and the stall reason", async () => {
    h = openHarness({ env: { SENTINEL_STALL_ALERT_MS: "100" } });
    await h.store.registerWorker(registration("w1", { leaseMs: 60_000 }));
    const task = await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    await h.cp.syncer.syncOnce();

    await expect(h.anonymous.queues.pause({ type: "demo" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(h.operator.queues.pause({ type: "Bad Type" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const pause = await h.operator.queues.pause({ type: "demo" });
    expect(pause).toMatchObject({ type: "demo", pausedBy: "operator:alice" });

    const listed = await h.anonymous.queues.list();
    expect(listed.all).toBeNull();
    expect(listed.types.find((row) => row.type === "demo")).toEqual({ type: "demo", waiting: 1, pause });
    expect(listed.types.map((row) => row.type)).toEqual(["demo"]);

    await waitForStoreTime(h.store, task.createdAt + 150);
    await h.cp.syncer.syncOnce();
    const stalled = (await h.anonymous.overview.get()).alerts.filter((a) => a.code === "tasks_stalled");
    expect(stalled.map((a) => a.message)).toEqual([
      expect.stringMatching(/: type demo paused by operator:alice at \d{4}-\d\d-\d\dT/),
    ]);

    expect(await h.operator.queues.resume({ type: "demo" })).toEqual({ resumed: true });
    expect((await h.anonymous.queues.list()).types.find((row) => row.type === "demo")?.pause).toBeNull();
    const audit = await h.operator.audit.list({});
    expect(audit.items.map((e) => [e.action, e.target, e.result])).toEqual(
      expect.arrayContaining([
        ["queue.pause", "demo", "ok"],
        ["queue.resume", "demo", "ok"],
      ]),
    );
  });

  it("pausing the whole queue marks every type with the queue's pause", async () => {
    h = openHarness();
    await h.store.registerWorker(registration("w1"));
    await h.store.createTask(newTaskSchema.parse({ type: "other" }), "test");
    const all = await h.operator.queues.pause({ type: "*" });
    const listed = await h.anonymous.queues.list();
    expect(listed.all).toEqual(all);
    expect(listed.types.map((row) => [row.type, row.pause?.type])).toEqual([
      ["demo", "*"],
      ["other", "*"],
    ]);
    expect(await h.operator.queues.resume({ type: "demo" })).toEqual({ resumed: false });
  });
});
