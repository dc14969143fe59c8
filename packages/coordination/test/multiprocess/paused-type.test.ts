import { waitFor } from "@sentinel/test-support";
import { killAllProcesses, waitForRegistered } from "@sentinel/test-support/processes";
import { afterEach, describe, expect, it } from "vitest";
import { taskInput } from "../../src/store/contract/harness.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { noTaskPending, readAllEvents } from "./invariants.js";
import { createTestCluster, spawnWorker } from "./worker-process.js";

afterEach(killAllProcesses);

describe("a paused task type across three worker processes", () => {
  it("is never claimed while paused (by the store's event history), its running tasks finish, and all of it runs after resume", async () => {
    const cluster = await createTestCluster();
    const store = openSqliteStore({ path: cluster.dbPath });
    try {
      const workers = ["pz-a", "pz-b", "pz-c"].map((id) =>
        spawnWorker({ id, env: { ...cluster.env, WORKER_MAX_TASKS: "4" } }),
      );
      await waitForRegistered(store, workers, 120_000);

      const slow = taskInput({ type: "sleep", params: { ms: 1500 }, timeoutMs: 30_000 });
      const early: string[] = [];
      for (let i = 0; i < 3; i++) early.push((await store.createTask(slow, "test")).id);
      await waitFor(async () => (await store.listTasks({ states: ["running"] })).items.length > 0, 30_000);
      await store.pauseTaskType("sleep", "operator:test");
      const runningAtPause = (await store.listTasks({ states: ["running"], types: ["sleep"] })).items.map((t) => t.id);
      expect(runningAtPause.length).toBeGreaterThan(0);

      const paused: string[] = [];
      const others: string[] = [];
      for (let i = 0; i < 20; i++) {
        paused.push((await store.createTask(taskInput({ type: "sleep", params: { ms: 10 } }), "test")).id);
        others.push((await store.createTask(taskInput({ type: "echo", params: { i } }), "test")).id);
      }
      // Other types keep flowing and the running ones finish, while the workers keep polling.
      await waitFor(async () => {
        const states = await Promise.all([...others, ...runningAtPause].map((id) => store.getTask(id)));
        return states.every((t) => t?.state === "succeeded");
      }, 60_000);
      const pollsWhilePaused = Date.now() + 1_000;
      await waitFor(() => Date.now() >= pollsWhilePaused, 5_000);
      const stillQueued = await Promise.all(paused.map((id) => store.getTask(id)));
      expect(stillQueued.map((t) => t?.state)).toEqual(paused.map(() => "queued"));

      expect(await store.resumeTaskType("sleep", "operator:test")).toBe(true);
      await waitFor(() => noTaskPending(store), { timeoutMs: 60_000, intervalMs: 100 });
      const done = await Promise.all([...early, ...paused].map((id) => store.getTask(id)));
      expect(done.filter((t) => t?.state !== "succeeded")).toEqual([]);

      // From the store's own history: no sleep task started between the pause and the resume.
      const events = await readAllEvents(store);
      const pausedAt = events.find((e) => e.kind === "queue.paused")?.id ?? Number.NaN;
      const resumedAt = events.find((e) => e.kind === "queue.resumed")?.id ?? Number.NaN;
      const sleepIds = new Set([...early, ...paused]);
      const sleepStarts = events.filter((e) => e.kind === "task.started" && sleepIds.has(e.taskId ?? ""));
      expect(sleepStarts.length).toBeGreaterThanOrEqual(sleepIds.size);
      expect(sleepStarts.filter((e) => e.id > pausedAt && e.id < resumedAt)).toEqual([]);
      expect(sleepStarts.filter((e) => e.id > resumedAt).length).toBeGreaterThanOrEqual(paused.length);
      const echoStartsWhilePaused = events.filter(
        (e) => e.kind === "task.started" && e.id > pausedAt && e.id < resumedAt && !sleepIds.has(e.taskId ?? ""),
      );
      expect(echoStartsWhilePaused.length).toBeGreaterThanOrEqual(others.length);

      for (const w of workers) w.child.kill("SIGTERM");
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0]);
    } finally {
      await store.close();
    }
  }, 150_000);
});
