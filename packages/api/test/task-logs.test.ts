import { newTaskSchema } from "@sentinel/coordination";
import { waitFor } from "@sentinel/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { latestChangeId, readChangesAfter } from "../src/cache/change-log.js";
import { taskTimeline } from "../src/cache/task-event-rows.js";
import { getCachedTask } from "../src/cache/task-queries.js";
import { type Harness, openHarness, registration } from "./fixtures.js";

let h: Harness;
afterEach(async () => h?.close());

async function runningTask() {
  await h.store.registerWorker(registration("w1"));
  const task = await h.store.createTask(newTaskSchema.parse({ type: "demo", title: "logs" }), "test");
  const [claim] = await h.store.claimTasks({ workerId: "w1", taskIds: [task.id], metadata: { hostname: "h", pid: 1 } });
  if (!claim) throw new Error("claim must succeed");
  return claim;
}

describe("task progress and logs in the control plane", () => {
  it("the syncer caches each log write, announces it as a tasks change, and keeps it out of the timeline", async () => {
    h = openHarness({ startSyncer: true });
    const { task, lock } = await runningTask();
    await waitFor(() => getCachedTask(h.cp.cache.db, task.id)?.state === "running", {
      timeoutMs: 2_000,
      what: "running in cache",
    });
    const before = latestChangeId(h.cp.cache.db);
    await h.store.appendTaskLog(task.id, lock.token, {
      lines: [{ level: "info", message: "step one" }],
      progress: { fraction: 0.4, message: "copying" },
    });
    const cached = await waitFor(
      async () => {
        const page = await h.anonymous.tasks.list({ limit: 10 });
        return page.progress[task.id] ?? null;
      },
      { timeoutMs: 2_000, what: "progress in the tasks list" },
    );
    expect(cached).toEqual({ fraction: 0.4, message: "copying" });
    const log = await h.anonymous.tasks.log({ taskId: task.id });
    expect(log.lines.map((line) => line.message)).toEqual(["step one"]);
    expect(log.progress).toMatchObject({ fraction: 0.4, message: "copying", attempt: 1 });
    const kinds = readChangesAfter(h.cp.cache.db, before, 100).flatMap((change) => change.kinds);
    expect(kinds).toContain("tasks");
    expect(taskTimeline(h.cp.cache.db, task.id).map((event) => event.kind)).not.toContain("task.log");

    await h.store.appendTaskLog(task.id, lock.token, { lines: [{ level: "error", message: "step two failed" }] });
    await waitFor(async () => (await h.anonymous.tasks.log({ taskId: task.id })).lines.length === 2, {
      timeoutMs: 2_000,
      what: "second line cached",
    });
    // Finished tasks carry no bar in the list; their log stays.
    await h.store.completeTask(task.id, lock.token);
    await waitFor(() => getCachedTask(h.cp.cache.db, task.id)?.state === "succeeded", {
      timeoutMs: 2_000,
      what: "succeeded in cache",
    });
    expect((await h.anonymous.tasks.list({ limit: 10 })).progress).toEqual({});
    expect((await h.anonymous.tasks.log({ taskId: task.id })).lines).toHaveLength(2);
  });

  it("reads a log the cache does not hold from the store (a rebuilt cache), and refuses unknown tasks", async () => {
    h = openHarness();
    const { task, lock } = await runningTask();
    await h.store.appendTaskLog(task.id, lock.token, { lines: [{ level: "warn", message: "kept in the store" }] });
    const log = await h.anonymous.tasks.log({ taskId: task.id });
    expect(log.lines.map((line) => [line.level, line.message])).toEqual([["warn", "kept in the store"]]);
    await expect(h.anonymous.tasks.log({ taskId: "t_missing" })).rejects.toThrow(/not found/);
  });
});
