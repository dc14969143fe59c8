import { waitFor } from "@sentinel/test-support";
import { killAllProcesses } from "@sentinel/test-support/processes";
import { afterEach, describe, expect, it } from "vitest";
import type { NewTask } from "../../src/domain/task.js";
import { taskInput } from "../../src/store/contract/harness.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { checkInvariants, noTaskPending } from "./invariants.js";
import { createTestCluster, spawnWorker } from "./worker-process.js";

afterEach(killAllProcesses);

const TASKS = 1000;

function recordTask(i: number): NewTask {
  return taskInput({ type: "record", priority: i % 5, params: { i }, timeoutMs: 30_000 });
}

describe("four worker processes over one SQLite file", () => {
  it(`process ${TASKS} tasks: none lost, none completed twice, every completion under the current token`, async () => {
    const cluster = await createTestCluster();
    const store = openSqliteStore({ path: cluster.dbPath });
    try {
      const workers = ["mp-a", "mp-b", "mp-c", "mp-d"].map((id) =>
        spawnWorker({ id, env: { ...cluster.env, WORKER_MAX_TASKS: "8" } }),
      );
      await waitFor(
        async () => (await store.listWorkers()).filter((w) => w.state === "ACTIVE" || w.state === "BUSY").length === 4,
        30_000,
      );

      const started = Date.now();
      const ids: string[] = [];
      for (let i = 0; i < TASKS; i++) ids.push((await store.createTask(recordTask(i), "test")).id);
      await waitFor(() => noTaskPending(store), { timeoutMs: 90_000, intervalMs: 200 });
      const elapsedMs = Date.now() - started;

      const report = await checkInvariants(store, ids, cluster.recordPath);
      expect(report.tasks.filter((t) => t.state !== "succeeded")).toEqual([]);
      // Every success was executed under its token, by the worker the store says did it.
      const executed = new Set(report.executions.map((x) => `${x.taskId}#${x.token}#${x.workerId}`));
      expect(report.tasks.filter((t) => !executed.has(`${t.id}#${t.fencingToken}#${t.workerId}`))).toEqual([]);
      expect(report.executions.length).toBeGreaterThanOrEqual(TASKS);
      // Assignment by agreement spreads the work: every process did a share.
      for (const w of workers) expect(report.successesByWorker[w.id] ?? 0).toBeGreaterThan(TASKS / 20);
      console.info(
        `[measure] ${TASKS} command tasks on 4 worker processes: ${elapsedMs} ms (${Math.round((TASKS / elapsedMs) * 1000)} tasks/s); executions ${report.executions.length}; per worker ${JSON.stringify(report.successesByWorker)}; warnings ${workers.reduce((n, w) => n + w.lines.filter((l) => l.level === "warn" || l.level === "error").length, 0)}`,
      );

      for (const w of workers) w.child.kill("SIGTERM");
      const codes = await Promise.all(workers.map((w) => w.exited));
      expect(codes).toEqual([0, 0, 0, 0]);
      const states = (await store.listWorkers({ includeRemoved: true })).map((w) => w.state);
      expect(states).toEqual(["REMOVED", "REMOVED", "REMOVED", "REMOVED"]);
    } finally {
      await store.close();
    }
  }, 150_000);
});
