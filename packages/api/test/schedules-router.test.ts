import type { CoordinationStore } from "@sentinel/coordination";
import { waitForStoreTime } from "@sentinel/test-support/clock";
import { afterEach, describe, expect, it } from "vitest";
import { latestChangeId, readChangesAfter } from "../src/cache/change-log.js";
import { createCaller } from "../src/root.js";
import { createControlPlane } from "../src/server/index.js";
import { type Harness, loginWithRole, openHarness } from "./fixtures.js";

let h: Harness;
afterEach(async () => h?.close());

const SCHEDULE_METHODS = new Set([
  "createSchedule",
  "editSchedule",
  "deleteSchedule",
  "getSchedule",
  "listSchedules",
  "listScheduleRuns",
  "fireDueSlots",
]);

/** The same real store with its schedule methods taken away: a backend that has none. */
function withoutSchedules(store: CoordinationStore): CoordinationStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (typeof key === "string" && SCHEDULE_METHODS.has(key)) return undefined;
      const value = Reflect.get(target, key, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("schedules router", () => {
  it("creates, lists with next runs, shows what each slot created, pauses, resumes, edits and deletes — audited", async () => {
    h = openHarness({ startSyncer: false });
    await expect(
      h.operator.schedules.create({ name: "bad", timing: { cron: "not a cron" }, task: { type: "demo" } }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("timing.cron") });
    await expect(
      h.operator.schedules.create({ name: "Bad Name", timing: { every: "1s" }, task: { type: "demo" } }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("invalid name") });

    const before = latestChangeId(h.cp.cache.db);
    const created = await h.operator.schedules.create({
      name: "tick",
      timing: { every: "1s" },
      task: { type: "demo", params: { from: "router" }, priority: 3 },
      catchUp: "all",
      catchUpMax: 5,
    });
    expect(created).toMatchObject({ name: "tick", paused: false, createdBy: "operator:alice" });
    await h.cp.syncer.syncOnce();
    expect(readChangesAfter(h.cp.cache.db, before, 100).flatMap((c) => c.kinds)).toContain("schedules");

    const listed = await h.anonymous.schedules.list();
    expect(listed).toMatchObject({ supported: true, backend: "sqlite" });
    const [row] = listed.schedules;
    expect(row).toMatchObject({ name: "tick", timing: { every: "1s" }, catchUp: "all", lastRun: null });
    expect(row?.nextRuns).toHaveLength(3);
    expect(row?.nextRuns.map((at) => (at - created.createdAt) % 1000)).toEqual([0, 0, 0]);

    await waitForStoreTime(h.store, created.createdAt + 1000);
    const fired = await h.store.fireDueSlots("test");
    expect(fired).toHaveLength(1);
    await h.cp.syncer.syncOnce();
    const detail = await h.anonymous.schedules.get({ name: "tick" });
    expect(detail.runs).toEqual([
      { ...fired[0], task: { state: "queued", title: `tick @ ${new Date(fired[0]!.slotAt).toISOString()}` } },
    ]);
    expect((await h.anonymous.tasks.get({ taskId: fired[0]!.taskId })).task).toMatchObject({
      params: { from: "router" },
      priority: 3,
    });
    expect((await h.anonymous.schedules.list()).schedules[0]?.lastRun?.taskId).toBe(fired[0]!.taskId);

    expect(await h.operator.schedules.pause({ name: "tick" })).toMatchObject({ paused: true });
    expect((await h.anonymous.schedules.list()).schedules[0]).toMatchObject({ paused: true, nextRuns: [] });
    // An edit changes only what it names: still paused, still catching up to 5.
    const edited = await h.operator.schedules.edit({ name: "tick", task: { type: "demo", priority: 7 } });
    expect(edited).toMatchObject({ paused: true, catchUp: "all", catchUpMax: 5, task: { priority: 7 } });
    expect(await h.operator.schedules.resume({ name: "tick" })).toMatchObject({ paused: false });
    await expect(h.operator.schedules.edit({ name: "tick", timing: { every: "0s" } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("timing.every"),
    });

    expect(await h.operator.schedules.delete({ name: "tick" })).toEqual({ deleted: true });
    await expect(h.operator.schedules.delete({ name: "tick" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(h.anonymous.schedules.get({ name: "tick" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await h.anonymous.schedules.list()).schedules).toEqual([]);

    const audit = await h.store.listAudit({ limit: 20, action: "schedule." });
    expect(audit.map((a) => [a.action, a.target, a.result, a.actor])).toEqual([
      ["schedule.delete", "tick", "refused", "alice"],
      ["schedule.delete", "tick", "ok", "alice"],
      ["schedule.edit", "tick", "refused", "alice"],
      ["schedule.resume", "tick", "ok", "alice"],
      ["schedule.edit", "tick", "ok", "alice"],
      ["schedule.pause", "tick", "ok", "alice"],
      ["schedule.create", "tick", "ok", "alice"],
      // Refused by the store's rules (the cron expression); one refused by the input schema (the name) never ran.
      ["schedule.create", "bad", "refused", "alice"],
    ]);
    expect(audit.find((a) => a.action === "schedule.pause")?.before).toMatchObject({ name: "tick", paused: false });
  });

  it("a viewer reads schedules but cannot create one", async () => {
    h = openHarness();
    await h.operator.schedules.create({ name: "nightly", timing: { cron: "0 3 * * *" }, task: { type: "demo" } });
    const viewer = await loginWithRole(h, "viewer");
    expect((await viewer.caller.schedules.list()).schedules.map((s) => s.name)).toEqual(["nightly"]);
    await expect(
      viewer.caller.schedules.create({ name: "mine", timing: { every: "1m" }, task: { type: "demo" } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("on a backend without schedules lists supported: false and refuses the rest naming the backend", async () => {
    h = openHarness();
    const cp = createControlPlane({
      store: withoutSchedules(h.store),
      dataDir: `${h.dir}/bare`,
      env: { SENTINEL_OPERATOR_TOKEN: "alice:alice-secret-token-0123456789", SENTINEL_SESSION_SECRET: "s".repeat(40) },
      startSyncer: false,
    });
    try {
      const login = cp.auth.login("alice-secret-token-0123456789");
      if (!login.ok) throw new Error("login failed");
      const operator = createCaller(
        cp.createContext({ headers: new Headers({ cookie: login.setCookie.split(";")[0]! }) }),
      );
      expect(await operator.schedules.list()).toEqual({ supported: false, backend: "sqlite", schedules: [] });
      for (const call of [
        () => operator.schedules.get({ name: "x" }),
        () => operator.schedules.create({ name: "x", timing: { every: "1m" }, task: { type: "demo" } }),
        () => operator.schedules.pause({ name: "x" }),
      ])
        await expect(call()).rejects.toMatchObject({
          code: "BAD_REQUEST",
          message: expect.stringContaining("a store with repeating schedules"),
        });
    } finally {
      await cp.close();
    }
  });
});
