import { newTaskSchema, type Task } from "@sentinel/coordination";
import { openTempStore, type TempStore } from "@sentinel/test-support/store";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/**
 * The hot reads (getTask, listClaimable, the claim's and the completion's task + lock read,
 * readEvents) map raw rows by column position. These compare what they return with the row
 * as a second connection reads it by column name, so a column added or moved in one place
 * and not the other fails here.
 */
describe("sqlite raw-mode rows", () => {
  let temp: TempStore;
  let db: Database.Database;
  beforeEach(() => {
    temp = openTempStore();
    db = new Database(temp.path, { readonly: true });
  });
  afterEach(async () => {
    db.close();
    await temp.cleanup();
  });

  const taskByName = (id: string): Task => {
    const r = db.prepare("SELECT * FROM tasks WHERE id = ?").get(id) as Record<string, unknown>;
    return {
      id: r.id,
      type: r.type,
      title: r.title,
      priority: r.priority,
      params: JSON.parse(r.params as string),
      state: r.state,
      attempts: r.attempts,
      maxAttempts: r.max_attempts,
      timeoutMs: r.timeout_ms,
      runAt: r.run_at,
      pinnedWorkerId: r.pinned_worker_id,
      affinityKey: r.affinity_key,
      dependsOn: JSON.parse(r.depends_on as string),
      onDependencyFailure: r.on_dependency_failure,
      workerId: r.worker_id,
      fencingToken: r.fencing_token,
      result: r.result === null ? null : JSON.parse(r.result as string),
      lastError: r.last_error,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    } as Task;
  };

  it("map every task, lock and event column to its own field", async () => {
    const { store } = temp;
    await store.registerWorker({
      id: "w-raw",
      hostname: "h",
      pid: 1,
      version: "t",
      maxConcurrency: 4,
      supportedTaskTypes: ["demo"],
      cpuCores: 1,
      memoryMb: 64,
      labels: {},
      heartbeatIntervalMs: 1000,
      leaseMs: 600_000,
      healthUrl: null,
    });
    const input = {
      type: "demo",
      title: "raw rows",
      priority: 7,
      params: { a: [1, "x"] },
      maxAttempts: 3,
      timeoutMs: 45_000,
      pinnedWorkerId: "w-raw",
      affinityKey: "key-1",
    };
    const created = await store.createTask(newTaskSchema.parse(input), "operator:test");
    const other = await store.createTask(
      newTaskSchema.parse({ ...input, pinnedWorkerId: null, affinityKey: null, priority: 1 }),
      "operator:test",
    );

    const claimable = await store.listClaimable({ types: ["demo"], workerId: "w-raw", limit: 10 });
    expect(claimable).toEqual([taskByName(created.id), taskByName(other.id)]);

    const [claim] = await store.claimTasks({
      workerId: "w-raw",
      taskIds: [created.id],
      metadata: { hostname: "h", pid: 1 },
    });
    expect(claim?.task).toEqual(taskByName(created.id));
    expect(await store.getLock(created.id)).toEqual({
      taskId: created.id,
      ownerId: "w-raw",
      token: 1,
      acquiredAt: claim?.lock.acquiredAt,
      expiresAt: claim?.lock.expiresAt,
      metadata: { hostname: "h", pid: 1, taskType: "demo" },
    });
    const failed = await store.failTask(created.id, 1, { message: "boom", retryable: true, retryDelayMs: 0 });
    expect(failed).toEqual(taskByName(created.id));
    expect(failed).toMatchObject({
      state: "failed",
      lastError: "boom",
      pinnedWorkerId: "w-raw",
      affinityKey: "key-1",
      fencingToken: 1,
    });

    const [again] = await store.claimTasks({
      workerId: "w-raw",
      taskIds: [created.id],
      metadata: { hostname: "h", pid: 1 },
    });
    expect(again?.lock.token).toBe(2);
    const [outcome] = (await store.completeTasks([{ taskId: created.id, token: 2, result: { ok: true } }])) ?? [];
    expect(outcome).toEqual({ ok: true, task: taskByName(created.id) });
    expect(await store.getTask(created.id)).toEqual(taskByName(created.id));
    expect(await store.getTask(created.id)).toMatchObject({
      state: "succeeded",
      result: { ok: true },
      attempts: 2,
      startedAt: expect.any(Number),
      finishedAt: expect.any(Number),
    });

    const byName = (db.prepare("SELECT * FROM events ORDER BY id").all() as Array<Record<string, unknown>>).map(
      (e) => ({
        id: e.id,
        at: e.at,
        kind: e.kind,
        taskId: e.task_id,
        workerId: e.worker_id,
        actor: e.actor,
        data: JSON.parse(e.data as string),
      }),
    );
    expect(byName.length).toBeGreaterThan(8);
    expect(await store.readEvents(0, 1000)).toEqual(byName);
  });
});
