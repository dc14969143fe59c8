import { waitFor } from "@sentinel/test-support";
import { killAllProcesses, waitForRegistered } from "@sentinel/test-support/processes";
import { afterEach, describe, expect, it } from "vitest";
import { taskInput } from "../../src/store/contract/harness.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { noTaskPending, readAllEvents } from "./invariants.js";
import { createTestCluster, spawnWorker } from "./worker-process.js";

afterEach(killAllProcesses);

const LIMIT = 3;
const TASKS = 60;
/** Events that end a running attempt. */
const ENDS = new Set(["task.succeeded", "task.failed", "task.dead", "task.cancelled", "task.requeued"]);

describe("a per-type concurrency limit across four worker processes", () => {
  it(`never has more than ${LIMIT} tasks of the type running at once (by the store's event history), 4 processes × 10 slots`, async () => {
    const cluster = await createTestCluster();
    const store = openSqliteStore({ path: cluster.dbPath });
    try {
      await store.setTaskTypeLimit("sleep", LIMIT, "operator:test");
      const workers = ["lim-a", "lim-b", "lim-c", "lim-d"].map((id) =>
        spawnWorker({ id, env: { ...cluster.env, WORKER_MAX_TASKS: "10" } }),
      );
      await waitForRegistered(store, workers, 120_000);
      const ids = new Set<string>();
      for (let i = 0; i < TASKS; i++)
        ids.add((await store.createTask(taskInput({ type: "sleep", params: { ms: 100 } }), "test")).id);
      await waitFor(() => noTaskPending(store), { timeoutMs: 90_000, intervalMs: 100 });

      let running = 0;
      let peak = 0;
      const startedBy = new Set<string>();
      for (const event of await readAllEvents(store)) {
        if (!ids.has(event.taskId ?? "")) continue;
        if (event.kind === "task.started") {
          running += 1;
          peak = Math.max(peak, running);
          if (event.workerId) startedBy.add(event.workerId);
        } else if (ENDS.has(event.kind)) running -= 1;
      }
      expect(running).toBe(0);
      expect(peak).toBe(LIMIT);
      expect(startedBy.size).toBeGreaterThan(1);
      const tasks = await Promise.all([...ids].map((id) => store.getTask(id)));
      expect(tasks.filter((t) => t?.state !== "succeeded")).toEqual([]);
      console.info(`[measure] ${TASKS} tasks limited to ${LIMIT} running on 4 processes × 10 slots: peak ${peak}`);

      for (const w of workers) w.child.kill("SIGTERM");
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0, 0]);
    } finally {
      await store.close();
    }
  }, 150_000);
});

const MAX_STARTS = 5;
const INTERVAL_MS = 2000;
const RATED_TASKS = 30;

/** The most starts any window of `intervalMs` holds: each start is the end of one window. */
export function peakStartsInWindow(startTimes: readonly number[], intervalMs: number): number {
  const at = [...startTimes].sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  for (let last = 0; last < at.length; last++) {
    while ((at[first] ?? 0) <= (at[last] ?? 0) - intervalMs) first += 1;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

describe("a per-type starts-per-interval limit across four worker processes", () => {
  it(`never starts more than ${MAX_STARTS} tasks of the type in any ${INTERVAL_MS} ms (by the store's event history), 4 processes × 10 slots`, async () => {
    const cluster = await createTestCluster();
    const store = openSqliteStore({ path: cluster.dbPath });
    try {
      await store.setTaskTypeLimit(
        "sleep",
        { starts: { maxStarts: MAX_STARTS, intervalMs: INTERVAL_MS } },
        "operator:test",
      );
      const workers = ["rate-a", "rate-b", "rate-c", "rate-d"].map((id) =>
        spawnWorker({ id, env: { ...cluster.env, WORKER_MAX_TASKS: "10" } }),
      );
      await waitForRegistered(store, workers, 120_000);
      const ids = new Set<string>();
      for (let i = 0; i < RATED_TASKS; i++)
        ids.add((await store.createTask(taskInput({ type: "sleep", params: { ms: 20 } }), "test")).id);
      await waitFor(() => noTaskPending(store), { timeoutMs: 90_000, intervalMs: 100 });

      const starts = (await readAllEvents(store)).filter((e) => e.kind === "task.started" && ids.has(e.taskId ?? ""));
      const peak = peakStartsInWindow(
        starts.map((e) => e.at),
        INTERVAL_MS,
      );
      expect(starts.length).toBeGreaterThanOrEqual(RATED_TASKS);
      expect(peak).toBe(MAX_STARTS);
      expect(new Set(starts.map((e) => e.workerId)).size).toBeGreaterThan(1);
      console.info(
        `[measure] ${RATED_TASKS} tasks limited to ${MAX_STARTS} starts per ${INTERVAL_MS} ms on 4 processes × 10 slots: peak ${peak} in a window`,
      );

      for (const w of workers) w.child.kill("SIGTERM");
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0, 0]);
    } finally {
      await store.close();
    }
  }, 150_000);
});
