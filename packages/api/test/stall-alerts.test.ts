import { newTaskSchema } from "@sentinel/coordination";
import { waitForStoreTime } from "@sentinel/test-support/clock";
import { afterEach, describe, expect, it } from "vitest";
import { clusterHealth } from "../src/server/cluster-health.js";
import { type Harness, openHarness, registration } from "./fixtures.js";

let h: Harness;
afterEach(async () => h?.close());

/** Long enough that the "not yet" checks run before it on a loaded machine (at 300 ms they sometimes did not). */
const STALL_MS = 2000;

/** Creates the tasks and syncs the cache; returns the store time at which the last of them stalls. */
async function createTasks(inputs: Array<Record<string, unknown>>): Promise<number> {
  let createdAt = 0;
  for (const input of inputs) createdAt = (await h.store.createTask(newTaskSchema.parse(input), "test")).createdAt;
  await h.cp.syncer.syncOnce();
  return createdAt + STALL_MS;
}

/** Lets the store clock pass `at` and syncs the cache. */
async function waitPast(at: number): Promise<void> {
  await waitForStoreTime(h.store, at);
  await h.cp.syncer.syncOnce();
}

const stalledAlerts = async () =>
  (await h.anonymous.overview.get()).alerts.filter((a) => a.code === "tasks_stalled").map((a) => a.message);

describe("waiting tasks that no live worker can run", () => {
  it("raise a tasks_stalled alert only after SENTINEL_STALL_ALERT_MS, on the overview and /cluster/health", async () => {
    h = openHarness({ env: { SENTINEL_STALL_ALERT_MS: String(STALL_MS) } });
    await h.store.registerWorker(registration("w1", { leaseMs: 60_000 }));
    const stallsAt = await createTasks([{ type: "other" }, { type: "demo" }]);
    // At once: the existing "no live worker supports" alert; not yet a stall.
    const early = await h.anonymous.overview.get();
    expect(early.alerts.map((a) => a.code)).toContain("no_worker_for_type");
    expect(await stalledAlerts()).toEqual([]);
    expect(clusterHealth(h.cp)).toMatchObject({ status: "healthy", tasks_stalled: 0 });

    await waitPast(stallsAt);
    const later = await h.anonymous.overview.get();
    // The runnable demo task never counts; the other type is now reported once, as a stall.
    expect(later.alerts.filter((a) => a.subject === "other").map((a) => a.code)).toEqual(["tasks_stalled"]);
    expect(await stalledAlerts()).toEqual([
      expect.stringMatching(/^1 task\(s\) of type other waiting \d+ s: no live worker supports type other$/),
    ]);
    expect(clusterHealth(h.cp)).toMatchObject({ status: "degraded", tasks_stalled: 1 });
  });

  it("name every worker draining, and a pin to a worker that is not live", async () => {
    h = openHarness({ env: { SENTINEL_STALL_ALERT_MS: String(STALL_MS) } });
    await h.store.registerWorker(registration("w1", { leaseMs: 60_000 }));
    await h.store.requestDrain("w1", "operator:test");
    await waitPast(await createTasks([{ type: "demo" }, { type: "demo", pinnedWorkerId: "gone" }]));
    expect((await stalledAlerts()).sort()).toEqual([
      expect.stringMatching(
        /^1 task\(s\) of type demo pinned to gone waiting \d+ s: pinned to worker gone, which is not live$/,
      ),
      expect.stringMatching(/^1 task\(s\) of type demo waiting \d+ s: every live worker is draining$/),
    ]);
    expect(clusterHealth(h.cp).tasks_stalled).toBe(2);
  });

  it("refuse a stall alert time that is not a number of milliseconds, naming the variable", () => {
    expect(() => openHarness({ env: { SENTINEL_STALL_ALERT_MS: "soon" } })).toThrow(/SENTINEL_STALL_ALERT_MS/);
  });
});
