import { expect, it } from "vitest";
import { slotTaskTitle } from "../../../domain/schedule.js";
import { NotFoundError } from "../../../errors.js";
import type { CoordinationStore } from "../../port.js";
import { SCHEDULE_METHODS, type ScheduleMethods, supportsSchedules } from "../../schedule-port.js";
import { type ContractContext, expectValidationError, rejectionOf, waitForStoreTime } from "../harness.js";

type ScheduleStore = CoordinationStore & ScheduleMethods;

/**
 * Schedules are optional on the port (a backend without them leaves every method out, and
 * the CLI/API say so); a backend that has one has them all, and these cases hold it to them.
 */
function scheduleStoreOf(store: CoordinationStore): ScheduleStore | null {
  const present = SCHEDULE_METHODS.filter((name) => store[name] !== undefined).length;
  expect(present === 0 || present === SCHEDULE_METHODS.length, "schedule methods come all together or not at all").toBe(
    true,
  );
  return supportsSchedules(store) ? (store as ScheduleStore) : null;
}

export function scheduleCases(ctx: ContractContext): void {
  it("creates, lists, edits, pauses, resumes and deletes a schedule, refusing bad input by field", async () => {
    const harness = ctx.harness();
    const store = scheduleStoreOf(harness.store);
    if (!store) return;
    await expectValidationError(
      store.createSchedule({ name: "bad", timing: { cron: "every day" }, task: { type: "demo" } }, "operator:test"),
      "timing.cron",
    );
    await expectValidationError(
      store.createSchedule(
        { name: "bad", timing: { every: "1m", cron: "* * * * *" }, task: { type: "demo" } },
        "operator:test",
      ),
      "timing.cron",
    );
    const nightly = await store.createSchedule(
      { name: "nightly", timing: { cron: "0 3 * * *", timezone: "Europe/Berlin" }, task: { type: "demo" } },
      "operator:alice",
    );
    expect(nightly).toMatchObject({ name: "nightly", paused: false, catchUp: "latest", createdBy: "operator:alice" });
    await expectValidationError(
      store.createSchedule({ name: "nightly", timing: { every: "1m" }, task: { type: "demo" } }, "operator:test"),
      "name",
    );
    const edited = await store.editSchedule("nightly", { timing: { every: "5m" }, catchUp: "all" }, "operator:bob");
    expect(edited).toMatchObject({
      id: nightly.id,
      timing: { every: "5m" },
      catchUp: "all",
      updatedBy: "operator:bob",
    });
    expect((await store.editSchedule(nightly.id, { paused: true }, "operator:bob")).paused).toBe(true);
    expect((await store.getSchedule("nightly"))?.paused).toBe(true);
    // An edit changes only what it names: a paused schedule stays paused, its catch-up policy stays.
    const retemplated = await store.editSchedule("nightly", { task: { type: "demo", priority: 5 } }, "operator:bob");
    expect(retemplated).toMatchObject({ paused: true, catchUp: "all", task: { type: "demo", priority: 5 } });
    expect(await store.getSchedule("nightly")).toMatchObject({ paused: true, catchUp: "all", catchUpMax: 10 });
    // The dashboard's form sends the timing with every edit: the same timing keeps the horizon
    // (slots due and not yet fired still fire), a different one moves it to now.
    await store.editSchedule("nightly", { paused: false }, "operator:bob");
    const { horizon } = (await store.getSchedule("nightly")) ?? { horizon: Number.NaN };
    await waitForStoreTime(harness, horizon + 50);
    const sameTiming = await store.editSchedule(
      "nightly",
      { timing: { every: "5m" }, task: { type: "demo" } },
      "operator:bob",
    );
    expect(sameTiming.horizon).toBe(horizon);
    const newTiming = await store.editSchedule("nightly", { timing: { every: "10m" }, paused: true }, "operator:bob");
    expect(newTiming.horizon).toBeGreaterThan(horizon);
    expect((await store.listSchedules()).map((s) => s.name)).toEqual(["nightly"]);
    expect(await store.deleteSchedule("nightly", "operator:bob")).toBe(true);
    expect(await store.deleteSchedule("nightly", "operator:bob")).toBe(false);
    expect(await rejectionOf(store.editSchedule("nightly", { paused: false }, "operator:bob"))).toBeInstanceOf(
      NotFoundError,
    );
    const kinds = (await store.readEvents(0, 1000)).filter((e) => e.kind.startsWith("schedule.")).map((e) => e.kind);
    expect(kinds).toEqual([
      "schedule.created",
      ...Array.from({ length: 6 }, () => "schedule.updated"),
      "schedule.deleted",
    ]);
  });

  it("fires each slot exactly once when two processes race, and records slot → task", async () => {
    const harness = ctx.harness();
    const store = scheduleStoreOf(harness.store);
    if (!store) return;
    const peer = scheduleStoreOf(await harness.openPeer());
    if (!peer) throw new Error("the peer has no schedules");
    const every = await store.createSchedule(
      { name: "every-second", timing: { every: "1s" }, task: { type: "demo", params: { from: "schedule" } } },
      "operator:test",
    );
    const fired = [];
    for (let slot = 1; slot <= 3; slot++) {
      await waitForStoreTime(harness, every.createdAt + slot * 1000);
      const [a, b] = await Promise.all([store.fireDueSlots("w-a"), peer.fireDueSlots("w-b")]);
      fired.push(...a, ...b);
    }
    const runs = await store.listScheduleRuns(every.id, 100);
    // Equal as lists: a slot both processes fired would be in `fired` twice (the store's runs
    // cannot repeat a slot, it is their key), and would have created a second task (below).
    expect(runs.map((r) => r.slotAt).sort()).toEqual(fired.map((r) => r.slotAt).sort());
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (const run of runs) {
      expect((run.slotAt - every.createdAt) % 1000).toBe(0);
      const task = await store.getTask(run.taskId);
      expect(task).toMatchObject({
        type: "demo",
        params: { from: "schedule" },
        title: slotTaskTitle(every, run.slotAt),
      });
    }
    const created = (await store.readEvents(0, 1000)).filter((e) => e.kind === "task.created");
    expect(created).toHaveLength(runs.length);
    // Nothing fired is fired again. (A slot may have come due meanwhile on a slow machine: only later ones.)
    const last = Math.max(...runs.map((r) => r.slotAt));
    expect((await store.fireDueSlots("w-a")).filter((r) => r.slotAt <= last)).toEqual([]);
  });

  it("never fires a paused schedule, nor on resume the slots it missed while paused", async () => {
    const harness = ctx.harness();
    const store = scheduleStoreOf(harness.store);
    if (!store) return;
    const s = await store.createSchedule(
      { name: "paused", timing: { every: "1s" }, task: { type: "demo" }, catchUp: "all", catchUpMax: 50 },
      "operator:test",
    );
    await store.editSchedule(s.id, { paused: true }, "operator:test");
    await waitForStoreTime(harness, s.createdAt + 2500);
    expect(await store.fireDueSlots("w-a")).toEqual([]);
    const resumed = await store.editSchedule(s.id, { paused: false }, "operator:test");
    expect(resumed.horizon).toBeGreaterThanOrEqual(s.createdAt + 2500);
    // None of the slots missed while paused (a slot after the resume may be due on a slow machine).
    expect((await store.fireDueSlots("w-a")).filter((r) => r.slotAt <= resumed.horizon)).toEqual([]);
    await waitForStoreTime(harness, resumed.horizon + 1000);
    const runs = await store.fireDueSlots("w-a");
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.every((r) => r.slotAt > resumed.horizon)).toBe(true);
  });

  it("after an outage of several slots fires only what the catch-up policy allows", async () => {
    const harness = ctx.harness();
    const store = scheduleStoreOf(harness.store);
    if (!store) return;
    const task = { type: "demo" };
    const latest = await store.createSchedule({ name: "latest", timing: { every: "1s" }, task }, "operator:test");
    const all = await store.createSchedule(
      { name: "all", timing: { every: "1s" }, task, catchUp: "all", catchUpMax: 3 },
      "operator:test",
    );
    // Nobody fires for five slots (the fleet is down), then one scheduler comes back.
    const back = Math.max(latest.createdAt, all.createdAt) + 5200;
    await waitForStoreTime(harness, back);
    const fired = await store.fireDueSlots("w-a");
    const now = await store.now();
    const slotsOf = (id: string) => fired.filter((r) => r.scheduleId === id).map((r) => r.slotAt);
    const newest = (created: number) => created + Math.floor((now - created) / 1000) * 1000;
    expect(slotsOf(latest.id)).toHaveLength(1);
    expect(slotsOf(latest.id)[0]).toBeGreaterThanOrEqual(newest(latest.createdAt) - 1000);
    expect(slotsOf(all.id)).toHaveLength(3);
    expect(slotsOf(all.id)[2]).toBeGreaterThanOrEqual(newest(all.createdAt) - 1000);
    expect((await store.listScheduleRuns(latest.id, 100)).length).toBe(1);
    expect((await store.listScheduleRuns(all.id, 100)).length).toBe(3);
  });
}
