import { newTaskSchema } from "@sentinel/coordination";
import { waitForStoreTime } from "@sentinel/test-support/clock";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, openHarness, registration } from "./fixtures.js";

let h: Harness;
afterEach(async () => h?.close());

const scrape = () => h.cp.metrics.metrics();

/** The value of one exported sample, e.g. `sentinel_queue_depth_by_type{type="demo"}`; null if absent. */
function sample(text: string, series: string): number | null {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

async function runAttempt(type: string, runForMs: number, outcome: "succeed" | "fail"): Promise<void> {
  const task = await h.store.createTask(newTaskSchema.parse({ type, maxAttempts: 1 }), "test");
  const [claimed] = await h.store.claimTasks({
    workerId: "w1",
    taskIds: [task.id],
    metadata: { hostname: "h", pid: 1 },
  });
  if (!claimed) throw new Error("claim failed");
  await waitForStoreTime(h.store, (claimed.task.startedAt ?? 0) + runForMs);
  if (outcome === "succeed") await h.store.completeTask(task.id, claimed.lock.token);
  else await h.store.failTask(task.id, claimed.lock.token, { message: "boom", retryable: false, retryDelayMs: 0 });
}

describe("per-type queue metrics", () => {
  it("export queue depth and the oldest due task's age per type, 0 once a type's queue empties", async () => {
    h = openHarness();
    const first = await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    await h.store.createTask(newTaskSchema.parse({ type: "demo" }), "test");
    await h.store.createTask(newTaskSchema.parse({ type: "later", delayMs: 600_000 }), "test");
    await waitForStoreTime(h.store, first.createdAt + 400);
    await h.cp.syncer.syncOnce();
    const text = await scrape();
    expect(sample(text, 'sentinel_queue_depth_by_type{type="demo"}')).toBe(2);
    expect(sample(text, 'sentinel_queue_depth_by_type{type="later"}')).toBe(1);
    expect(sample(text, 'sentinel_queue_oldest_age_seconds{type="demo"}')).toBeGreaterThanOrEqual(0.4);
    // Not due for ten minutes: it has not waited yet.
    expect(sample(text, 'sentinel_queue_oldest_age_seconds{type="later"}')).toBe(0);

    for (const task of (await h.store.listTasks({ types: ["demo"] })).items)
      await h.store.cancelTask(task.id, { actor: "test", reason: "done" });
    await h.cp.syncer.syncOnce();
    const after = await scrape();
    expect(sample(after, 'sentinel_queue_depth_by_type{type="demo"}')).toBe(0);
    expect(sample(after, 'sentinel_queue_oldest_age_seconds{type="demo"}')).toBe(0);
  });

  it("export a run-time histogram per type and outcome, each finished attempt observed once", async () => {
    h = openHarness();
    await h.store.registerWorker(registration("w1", { supportedTaskTypes: ["demo", "slow"], leaseMs: 60_000 }));
    await runAttempt("slow", 300, "succeed");
    await runAttempt("demo", 0, "fail");
    await h.cp.syncer.syncOnce();
    const text = await scrape();
    expect(sample(text, 'sentinel_task_run_seconds_count{type="slow",outcome="succeeded"}')).toBe(1);
    // It ran at least 300 ms by the store clock: above the 0.25 s bucket, within 30 s.
    expect(sample(text, 'sentinel_task_run_seconds_bucket{le="0.25",type="slow",outcome="succeeded"}')).toBe(0);
    expect(sample(text, 'sentinel_task_run_seconds_bucket{le="30",type="slow",outcome="succeeded"}')).toBe(1);
    expect(sample(text, 'sentinel_task_run_seconds_count{type="demo",outcome="failed"}')).toBe(1);

    await runAttempt("slow", 0, "succeed");
    await h.cp.syncer.syncOnce();
    const again = await scrape();
    expect(sample(again, 'sentinel_task_run_seconds_count{type="slow",outcome="succeeded"}')).toBe(2);
    expect(sample(again, 'sentinel_task_run_seconds_count{type="demo",outcome="failed"}')).toBe(1);
  });
});

describe("alert state metrics", () => {
  it("export every rule with 0, and 1 while its condition holds", async () => {
    h = openHarness();
    await h.store.registerWorker(registration("w1", { leaseMs: 60_000 }));
    await h.cp.syncer.syncOnce();
    const quiet = await scrape();
    expect(sample(quiet, 'sentinel_alert_firing{rule="no_worker_for_type"}')).toBe(0);
    expect(sample(quiet, 'sentinel_alert_firing{rule="stale_workers"}')).toBe(0);
    await h.store.createTask(newTaskSchema.parse({ type: "unsupported" }), "test");
    await h.cp.syncer.syncOnce();
    const firing = await scrape();
    expect(sample(firing, 'sentinel_alert_firing{rule="no_worker_for_type"}')).toBe(1);
    expect(sample(firing, 'sentinel_alert_firing{rule="stale_workers"}')).toBe(0);
  });
});

describe("queue_age and workers_offline alert rules", () => {
  it("queue_age fires for a type whose oldest due task waited past SENTINEL_ALERT_QUEUE_AGE_MS, and only for it", async () => {
    h = openHarness({ env: { SENTINEL_ALERT_QUEUE_AGE_MS: "1000" } });
    await h.store.registerWorker(registration("w1", { leaseMs: 60_000, supportedTaskTypes: ["old", "new"] }));
    const old = await h.store.createTask(newTaskSchema.parse({ type: "old" }), "test");
    await h.cp.syncer.syncOnce();
    const alertsOf = async () => (await h.anonymous.overview.get()).alerts.filter((a) => a.code === "queue_age");
    expect(await alertsOf()).toEqual([]);
    await waitForStoreTime(h.store, old.createdAt + 1100);
    await h.store.createTask(newTaskSchema.parse({ type: "new" }), "test");
    await h.cp.syncer.syncOnce();
    expect((await alertsOf()).map((a) => a.subject)).toEqual(["old"]);
    expect(sample(await scrape(), 'sentinel_alert_firing{rule="queue_age"}')).toBe(1);
  });

  it("workers_offline fires while a worker is OFFLINE and clears when it registers again", async () => {
    h = openHarness();
    await h.store.registerWorker(registration("w1", { leaseMs: 60_000 }));
    await h.store.registerWorker(registration("w2", { leaseMs: 60_000 }));
    await h.store.transitionWorker("w2", "STALE", { actor: "test", reason: "test" });
    await h.store.transitionWorker("w2", "OFFLINE", { actor: "test", reason: "test" });
    await h.cp.syncer.syncOnce();
    const offline = async () => (await h.anonymous.overview.get()).alerts.filter((a) => a.code === "workers_offline");
    expect((await offline()).map((a) => a.message)).toEqual(["1 offline worker(s): w2"]);
    expect(sample(await scrape(), 'sentinel_alert_firing{rule="workers_offline"}')).toBe(1);
    await h.store.registerWorker(registration("w2", { leaseMs: 60_000 }));
    await h.cp.syncer.syncOnce();
    expect(await offline()).toEqual([]);
    expect(sample(await scrape(), 'sentinel_alert_firing{rule="workers_offline"}')).toBe(0);
  });
});
