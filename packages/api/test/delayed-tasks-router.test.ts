import { afterEach, describe, expect, it } from "vitest";
import { type Harness, openHarness } from "./fixtures.js";

let h: Harness;
afterEach(async () => h?.close());

describe("tasks router: scheduled and delayed tasks", () => {
  it("creates a task at an ISO time or after a delay, shows its runAt, and promotes it (operator, audited)", async () => {
    h = openHarness();
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 + 3600_000).toISOString();
    const scheduled = await h.operator.tasks.create({ type: "demo", runAt: at });
    expect(new Date(scheduled.runAt).toISOString()).toBe(at);
    const delayed = await h.operator.tasks.create({ type: "demo", delayMs: 240_000 });
    expect(delayed.runAt - delayed.createdAt).toBe(240_000);
    await expect(h.operator.tasks.create({ type: "demo", runAt: "tomorrow" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("runAt"),
    });

    await h.cp.syncer.syncOnce();
    const listed = await h.anonymous.tasks.list({});
    expect(listed.items.find((t) => t.id === scheduled.id)?.runAt).toBe(scheduled.runAt);

    await expect(h.anonymous.tasks.promote({ taskId: delayed.id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const promoted = await h.operator.tasks.promote({ taskId: delayed.id });
    expect(promoted.runAt).toBeLessThan(delayed.runAt);
    await h.cp.syncer.syncOnce();
    const detail = await h.anonymous.tasks.get({ taskId: delayed.id });
    expect(detail.task.runAt).toBe(promoted.runAt);
    expect(detail.events.map((e) => e.kind)).toContain("task.promoted");
    await expect(h.operator.tasks.promote({ taskId: delayed.id })).rejects.toMatchObject({ code: "CONFLICT" });

    const audit = await h.operator.audit.list({});
    expect(audit.items.map((e) => [e.action, e.target, e.result])).toEqual(
      expect.arrayContaining([
        ["task.promote", delayed.id, "ok"],
        ["task.promote", delayed.id, "refused"],
      ]),
    );
  });

  it("bulk promote: counts only delayed queued tasks of the filter, refuses a stale count, promotes exactly those", async () => {
    h = openHarness();
    const delayed = [];
    for (let i = 0; i < 3; i++) delayed.push(await h.operator.tasks.create({ type: "demo", delayMs: 600_000 }));
    const other = await h.operator.tasks.create({ type: "other", delayMs: 600_000 });
    const due = await h.operator.tasks.create({ type: "demo" });
    await h.cp.syncer.syncOnce();
    const filter = { types: ["demo"] };
    expect(await h.operator.tasks.bulk({ action: "promote", filter, dryRun: true })).toMatchObject({ matched: 3 });
    await expect(
      h.operator.tasks.bulk({ action: "promote", filter, dryRun: false, expectedCount: 2 }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("now matches 3") });
    const run = await h.operator.tasks.bulk({ action: "promote", filter, dryRun: false, expectedCount: 3 });
    expect(run).toMatchObject({ matched: 3, applied: 3, failures: [] });
    const now = await h.store.now();
    for (const task of delayed) expect((await h.store.getTask(task.id))?.runAt).toBeLessThanOrEqual(now);
    expect((await h.store.getTask(other.id))?.runAt).toBe(other.runAt);
    expect((await h.store.getTask(due.id))?.runAt).toBe(due.runAt);
    await h.cp.syncer.syncOnce();
    expect(await h.operator.tasks.bulk({ action: "promote", filter, dryRun: true })).toMatchObject({ matched: 0 });
    const audit = await h.store.listAudit({ limit: 5, action: "task.bulk_promote" });
    expect(audit.map((a) => a.result)).toEqual(["ok", "refused"]);
  });
});
