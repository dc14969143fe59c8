import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "@sentinel/test-support";
import { describe, expect, it } from "vitest";
import { taskInput } from "../../src/store/contract/harness.js";
import { checkInvariants, readAllEvents } from "./invariants.js";
import { usePostgresServer } from "./postgres-server.js";
import { createPostgresTestCluster, faketimeEnv, recordHandler, spawnWorker } from "./worker-process.js";

const pg = usePostgresServer();

const MINUTE = 60_000;
/** Long enough that a loaded 2-core machine does not make a healthy worker miss it. */
const STALE_MS = 3000;
const CHECK_MS = 200;
const LEASE_ENV = {
  STALE_WORKER_THRESHOLD_MS: String(STALE_MS),
  STALE_CHECK_INTERVAL_MS: String(CHECK_MS),
  WORKER_MAX_TASKS: "3",
};
/**
 * Room for polls, heartbeats and scheduling on a busy 2-core machine shared with other test
 * runs. Not a speed target: it bounds recovery to the order of the lease (seconds), where a
 * local clock's judgement would be off by the skew (minutes).
 */
const SLACK_MS = 3000;
/** Worker start-up (tsx compiles the worker on start) on a loaded machine. */
const START_MS = 60_000;

describe("a worker process killed with SIGKILL mid-task, over one Postgres database", () => {
  it("has its locks recovered once its lease ends by the server's clock, and each task completed exactly once elsewhere", async () => {
    // On the victim `slow` sleeps (so it is killed mid-task); on the survivor it records its
    // execution and returns at once (so recovery, not sleeping, is timed).
    const cluster = await createPostgresTestCluster(pg.server(), { slow: { builtin: "sleep" } });
    const survivorConfig = join(cluster.dir, "survivor.config.json");
    writeFileSync(survivorConfig, JSON.stringify({ handlers: { slow: recordHandler(cluster.recordPath) } }));
    const store = await pg.openStore(cluster.url);
    // The victim's clock is ten minutes behind, the survivor's ten minutes ahead: the locks
    // must change hands when the lease ends by the server's clock, neither sooner nor later.
    const victim = spawnWorker({
      id: "pg-crash-victim",
      env: { ...cluster.env, ...LEASE_ENV, ...faketimeEnv(-10 * MINUTE) },
    });
    await waitFor(async () => (await store.getWorker("pg-crash-victim"))?.state === "ACTIVE", START_MS);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (await store.createTask(taskInput({ type: "slow", params: { ms: 60_000 }, timeoutMs: 120_000 }), "test")).id,
      );
    }
    const held = await waitFor(async () => {
      const locks = (await store.listLocks()).filter((l) => l.ownerId === "pg-crash-victim");
      return locks.length === 3 ? locks : null;
    }, 20_000);
    // The survivor is up before the crash, so the measurement is recovery, not start-up.
    const survivor = spawnWorker({
      id: "pg-crash-survivor",
      env: { ...cluster.env, ...LEASE_ENV, SENTINEL_CONFIG: survivorConfig, ...faketimeEnv(10 * MINUTE) },
    });
    await waitFor(async () => (await store.getWorker("pg-crash-survivor"))?.state === "ACTIVE", START_MS);
    // Alive, the victim keeps its locks for leases on end, whatever the survivor's clock says.
    const survivorUp = await store.now();
    await waitFor(
      async () => ((await store.getWorker("pg-crash-victim"))?.lastHeartbeatAt ?? 0) > survivorUp + 2 * STALE_MS,
      30_000,
    );
    const heldNow = (await store.listLocks()).filter((l) => l.ownerId === "pg-crash-victim");
    expect(heldNow.map((l) => `${l.taskId}#${l.token}`)).toEqual(held.map((l) => `${l.taskId}#${l.token}`));
    expect(
      (await readAllEvents(store)).filter((e) => e.kind === "lock.expired" || e.kind === "alert.worker_failed"),
    ).toEqual([]);

    victim.child.kill("SIGKILL");
    await victim.exited;
    const lastBeat = (await store.getWorker("pg-crash-victim"))?.lastHeartbeatAt as number;

    await waitFor(async () => {
      const tasks = await Promise.all(ids.map((id) => store.getTask(id)));
      return tasks.every((t) => t?.state === "succeeded");
    }, 30_000);

    const report = await checkInvariants(store, ids, cluster.recordPath);
    const events = await readAllEvents(store);
    for (const task of report.tasks) {
      expect(task).toMatchObject({ workerId: "pg-crash-survivor", attempts: 2 });
      const before = held.find((l) => l.taskId === task.id);
      expect(task.fencingToken).toBeGreaterThan(before?.token as number);
      // Executed once, by the survivor, under the task's final token.
      expect(report.executions.filter((x) => x.taskId === task.id)).toEqual([
        { taskId: task.id, token: task.fencingToken, workerId: "pg-crash-survivor" },
      ]);
      // Restarted elsewhere once the victim's lease had run out by the server's clock, within
      // a check interval (and slack) of it.
      const restart = events.find(
        (e) => e.kind === "task.started" && e.taskId === task.id && e.workerId === "pg-crash-survivor",
      );
      const sinceLastBeat = (restart?.at as number) - lastBeat;
      expect(sinceLastBeat).toBeGreaterThanOrEqual(STALE_MS);
      expect(sinceLastBeat).toBeLessThanOrEqual(STALE_MS + CHECK_MS + SLACK_MS);
      console.info(
        `[measure] postgres: task ${task.id} restarted ${sinceLastBeat} ms after the victim's last heartbeat (lease ${STALE_MS} ms)`,
      );
    }
    expect(["STALE", "OFFLINE"]).toContain((await store.getWorker("pg-crash-victim"))?.state);
    expect(events.filter((e) => e.kind === "alert.worker_failed")).toMatchObject([{ workerId: "pg-crash-victim" }]);
    expect((await store.listLocks()).filter((l) => l.ownerId === "pg-crash-victim")).toEqual([]);

    survivor.child.kill("SIGTERM");
    expect(await survivor.exited).toBe(0);
  }, 240_000);
});
