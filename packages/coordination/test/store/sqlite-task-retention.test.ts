import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { waitForStoreTime } from "@sentinel/test-support/clock";
import { tempStorePerTest } from "@sentinel/test-support/store";
import { describe, expect, it } from "vitest";
import type { Task } from "../../src/domain/task.js";
import { type ArchivedTask, PURGE_BATCH } from "../../src/domain/task-retention.js";
import { HeartbeatMonitor } from "../../src/heartbeat/heartbeat-monitor.js";
import { fileTaskArchive } from "../../src/retention/task-archive.js";
import { workerTaskRetention } from "../../src/retention/worker-retention.js";
import { claimMeta, registration, taskInput } from "../../src/store/contract/harness.js";
import type { SqliteStore } from "../../src/store/sqlite/store.js";

const t = tempStorePerTest("sentinel-retention");

/** Create, claim and finish one task (with a log line), returning it as finished. */
async function finishedTask(store: SqliteStore, outcome: "succeeded" | "cancelled" = "succeeded"): Promise<Task> {
  const task = await store.createTask(taskInput(), "operator:test");
  if (outcome === "cancelled") return store.cancelTask(task.id, { actor: "operator:test", reason: "test" });
  const [claimed] = await store.claimTasks({ workerId: "w1", taskIds: [task.id], metadata: claimMeta });
  if (!claimed) throw new Error("not claimed");
  await store.appendTaskLog(task.id, claimed.lock.token, { lines: [{ level: "info", message: "working" }] });
  return store.completeTask(task.id, claimed.lock.token, { result: { ok: true } });
}

/** A store-clock instant after every task finished so far. */
async function afterNow(store: SqliteStore): Promise<number> {
  const now = await store.now();
  await waitForStoreTime(store, now + 1);
  return now + 1;
}

function collect(): { sink: (batch: readonly ArchivedTask[]) => void; archived: ArchivedTask[] } {
  const archived: ArchivedTask[] = [];
  return { sink: (batch) => archived.push(...batch), archived };
}

describe("finished-task retention on SQLite", () => {
  it("archives, then deletes, finished tasks older than the bound with their events and log; keeps the rest", async () => {
    const store = t.store;
    await store.registerWorker(registration("w1"));
    const old = [await finishedTask(store), await finishedTask(store, "cancelled")];
    const before = await afterNow(store);
    const recent = await finishedTask(store);
    const queued = await store.createTask(taskInput(), "operator:test");

    const { sink, archived } = collect();
    const purged = await store.purgeFinishedTasks({ finishedBefore: before, keepNewest: null, limit: 100 }, sink);

    expect(purged).toBe(2);
    expect(archived.map((a) => a.task.id).sort()).toEqual(old.map((task) => task.id).sort());
    const succeeded = archived.find((a) => a.task.id === old[0]?.id);
    expect(succeeded?.task.state).toBe("succeeded");
    expect(succeeded?.events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(["task.created", "task.started", "task.succeeded"]),
    );
    expect(succeeded?.log?.lines.map((l) => l.message)).toEqual(["working"]);
    for (const task of old) expect(await store.getTask(task.id)).toBeNull();
    expect(await store.getTask(recent.id)).not.toBeNull();
    expect(await store.getTask(queued.id)).not.toBeNull();

    const events = await store.readEvents(0, 10_000);
    const gone = new Set(old.map((task) => task.id));
    expect(events.filter((e) => e.taskId !== null && gone.has(e.taskId))).toEqual([]);
    const record = events.filter((e) => e.kind === "tasks.purged");
    expect(record).toHaveLength(1);
    expect([...((record[0]?.data.taskIds ?? []) as string[])].sort()).toEqual([...gone].sort());

    // Nothing left to purge: a second pass deletes nothing and records nothing.
    expect(await store.purgeFinishedTasks({ finishedBefore: before, keepNewest: null, limit: 100 }, sink)).toBe(0);
    expect((await store.readEvents(0, 10_000)).filter((e) => e.kind === "tasks.purged")).toHaveLength(1);
  });

  it("deletes nothing when the archive fails", async () => {
    const store = t.store;
    await store.registerWorker(registration("w1"));
    const task = await finishedTask(store);
    const before = await afterNow(store);
    const failing = () => {
      throw new Error("disk full");
    };
    await expect(
      store.purgeFinishedTasks({ finishedBefore: before, keepNewest: null, limit: 100 }, failing),
    ).rejects.toThrow(/disk full/);
    expect((await store.getTask(task.id))?.state).toBe("succeeded");
    expect((await store.readEvents(0, 10_000)).some((e) => e.taskId === task.id)).toBe(true);
  });

  it("keeps the newest finished tasks up to the count bound", async () => {
    const store = t.store;
    await store.registerWorker(registration("w1"));
    const tasks: Task[] = [];
    for (let i = 0; i < 4; i++) {
      tasks.push(await finishedTask(store));
      await afterNow(store); // each finishes at its own store instant
    }
    const { sink, archived } = collect();
    expect(await store.purgeFinishedTasks({ finishedBefore: null, keepNewest: 2, limit: 100 }, sink)).toBe(2);
    expect(archived.map((a) => a.task.id)).toEqual([tasks[0]?.id, tasks[1]?.id]);
    expect((await store.listTasks({ states: ["succeeded"] })).items.map((x) => x.id).sort()).toEqual(
      [tasks[2]?.id, tasks[3]?.id].sort(),
    );
  });

  it("keeps a finished dependency while a task waiting on it is unfinished, and purges it once that one ends", async () => {
    const store = t.store;
    await store.registerWorker(registration("w1"));
    const dependency = await finishedTask(store);
    const dependent = await store.createTask(
      taskInput({ dependsOn: [dependency.id], runAt: Date.now() + 3_600_000 }),
      "operator:test",
    );
    const before = await afterNow(store);
    const { sink } = collect();
    expect(await store.purgeFinishedTasks({ finishedBefore: before, keepNewest: null, limit: 100 }, sink)).toBe(0);
    expect(await store.getTask(dependency.id)).not.toBeNull();

    await store.cancelTask(dependent.id, { actor: "operator:test", reason: "test" });
    const later = await afterNow(store);
    expect(await store.purgeFinishedTasks({ finishedBefore: later, keepNewest: null, limit: 100 }, sink)).toBe(2);
    expect(await store.getTask(dependency.id)).toBeNull();
  });

  it("runs from the heartbeat monitor, writing each purged task as a JSON line in the archive before it goes", async () => {
    const store = t.store;
    await store.registerWorker(registration("w1"));
    const task = await finishedTask(store);
    const finishedAt = task.finishedAt ?? 0;
    await waitForStoreTime(store, finishedAt + 50);
    const archiveDir = `${t.path}.archive`;
    const monitor = new HeartbeatMonitor(store, {
      monitorId: "m",
      taskRetention: { finishedForMs: 50, keepNewest: null, archive: fileTaskArchive(archiveDir) },
    });
    const report = await monitor.checkOnce();

    expect(report.purgedTasks).toBe(1);
    expect(report.errors).toEqual([]);
    expect(await store.getTask(task.id)).toBeNull();
    const files = readdirSync(archiveDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^tasks-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const lines = readFileSync(join(archiveDir, files[0] ?? ""), "utf8")
      .trim()
      .split("\n");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? "") as ArchivedTask;
    expect(line.task).toMatchObject({ id: task.id, state: "succeeded", result: { ok: true } });
    expect(line.events.some((e) => e.kind === "task.succeeded")).toBe(true);
  });
});

describe("the monitor's retention round", () => {
  it("purges batch after batch within one round, and counts them all", async () => {
    const store = t.store;
    await store.registerWorker(registration("w1", { maxConcurrency: 100 }));
    const total = PURGE_BATCH + 50;
    for (let done = 0; done < total; done += 50) {
      const ids: string[] = [];
      for (let i = 0; i < 50; i++) ids.push((await store.createTask(taskInput(), "operator:test")).id);
      const claimed = await store.claimTasks({ workerId: "w1", taskIds: ids, metadata: claimMeta });
      await store.completeTasks(claimed.map((c) => ({ taskId: c.task.id, token: c.lock.token })));
    }
    const { sink, archived } = collect();
    const monitor = new HeartbeatMonitor(store, {
      monitorId: "m",
      taskRetention: { finishedForMs: null, keepNewest: 0, archive: sink },
    });
    const report = await monitor.checkOnce();
    expect(report.purgedTasks).toBe(total);
    expect(new Set(archived.map((a) => a.task.id)).size).toBe(total);
    expect((await store.listTasks({ states: ["succeeded"] })).items).toEqual([]);
  });
});

describe("a worker's retention from its config", () => {
  it("archives beside the SQLite file unless told otherwise, and is off when both bounds are", () => {
    const config = { finishedTasksMs: 1000, keepFinishedTasks: 0, archiveDir: null };
    expect(workerTaskRetention(config, t.store)).toMatchObject({
      finishedForMs: 1000,
      keepNewest: null,
      archiveDir: `${t.path}.archive`,
    });
    expect(workerTaskRetention({ ...config, archiveDir: "/srv/archive" }, t.store)?.archiveDir).toBe("/srv/archive");
    expect(workerTaskRetention({ ...config, finishedTasksMs: 0 }, t.store)).toBeUndefined();
    expect(workerTaskRetention({ ...config, finishedTasksMs: 0, keepFinishedTasks: 5 }, t.store)).toMatchObject({
      finishedForMs: null,
      keepNewest: 5,
    });
  });
});
