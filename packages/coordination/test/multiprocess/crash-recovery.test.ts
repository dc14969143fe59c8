import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "@sentinel/test-support";
import { killAllProcesses } from "@sentinel/test-support/processes";
import { afterEach, describe, expect, it } from "vitest";
import { taskInput } from "../../src/store/contract/harness.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { checkInvariants, readAllEvents } from "./invariants.js";
import { createTestCluster, FAST_ENV, spawnWorker } from "./worker-process.js";

afterEach(killAllProcesses);

const STALE_MS = Number(FAST_ENV.STALE_WORKER_THRESHOLD_MS);
const CHECK_MS = Number(FAST_ENV.STALE_CHECK_INTERVAL_MS);
/** Poll interval, a heartbeat or two and process scheduling on a busy 2-core machine. */
const SLACK_MS = 700;
/** Newer work queued behind a recovered task: 80 × 250 ms on 2 survivors × 2 slots is ~5 s of backlog. */
const BACKLOG = 80;
const BACKLOG_TASK_MS = 250;

describe("a worker killed with SIGKILL while holding locks", () => {
  it("has its locks recovered and its tasks finished by another worker within stale threshold + check interval", async () => {
    // Handlers are the worker's own business: on the victim `slow` sleeps (so it is killed
    // mid-task); on the survivor it is an instant echo (so recovery, not sleeping, is timed).
    const cluster = await createTestCluster({ slow: { builtin: "sleep" } });
    const survivorConfig = join(cluster.dir, "survivor.config.json");
    writeFileSync(survivorConfig, JSON.stringify({ handlers: { slow: { builtin: "echo" } } }));
    const store = openSqliteStore({ path: cluster.dbPath });
    try {
      const victim = spawnWorker({ id: "crash-victim", env: { ...cluster.env, WORKER_MAX_TASKS: "3" } });
      await waitFor(async () => (await store.getWorker("crash-victim"))?.state === "ACTIVE", 30_000);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(
          (await store.createTask(taskInput({ type: "slow", params: { ms: 30_000 }, timeoutMs: 60_000 }), "test")).id,
        );
      }
      const held = await waitFor(async () => {
        const locks = (await store.listLocks()).filter((l) => l.ownerId === "crash-victim");
        return locks.length === 3 ? locks : null;
      }, 10_000);
      // The survivor is up before the crash, so the measurement is recovery, not start-up.
      const survivor = spawnWorker({
        id: "crash-survivor",
        env: { ...cluster.env, SENTINEL_CONFIG: survivorConfig, WORKER_MAX_TASKS: "3" },
      });
      await waitFor(async () => (await store.getWorker("crash-survivor"))?.state === "ACTIVE", 30_000);

      victim.child.kill("SIGKILL");
      await victim.exited;
      const lastBeat = (await store.getWorker("crash-victim"))?.lastHeartbeatAt as number;

      await waitFor(async () => {
        const tasks = await Promise.all(ids.map((id) => store.getTask(id)));
        return tasks.every((t) => t?.state === "succeeded");
      }, 15_000);

      const report = await checkInvariants(store, ids, null);
      const events = await readAllEvents(store);
      for (const task of report.tasks) {
        expect(task).toMatchObject({ workerId: "crash-survivor", result: { ms: 30_000 }, attempts: 2 });
        const before = held.find((l) => l.taskId === task.id);
        expect(task.fencingToken).toBeGreaterThan(before?.token as number);
        // Restarted elsewhere within stale threshold + check interval of the victim's last heartbeat (store clock).
        const restart = events.find(
          (e) => e.kind === "task.started" && e.taskId === task.id && e.workerId === "crash-survivor",
        );
        expect(restart).toBeDefined();
        expect((restart?.at as number) - lastBeat).toBeLessThanOrEqual(STALE_MS + CHECK_MS + SLACK_MS);
        console.info(
          `[measure] task ${task.id} restarted ${(restart?.at as number) - lastBeat} ms after the victim's last heartbeat`,
        );
      }
      const victimRecord = await store.getWorker("crash-victim");
      expect(["STALE", "OFFLINE"]).toContain(victimRecord?.state);
      expect(events.filter((e) => e.kind === "alert.worker_failed" && e.workerId === "crash-victim")).toHaveLength(1);
      expect((await store.listLocks()).filter((l) => l.ownerId === "crash-victim")).toHaveLength(0);

      survivor.child.kill("SIGTERM");
      expect(await survivor.exited).toBe(0);
    } finally {
      await store.close();
    }
  }, 90_000);

  it("claims the recovered task before newer work of its priority: kill → succeeded elsewhere within stale threshold + check interval + one busy slot", async () => {
    const cluster = await createTestCluster({ slow: { builtin: "sleep" } });
    const survivorConfig = join(cluster.dir, "survivor.config.json");
    writeFileSync(
      survivorConfig,
      JSON.stringify({ handlers: { slow: { builtin: "echo" }, sleep: { builtin: "sleep" } } }),
    );
    const store = openSqliteStore({ path: cluster.dbPath });
    try {
      const victim = spawnWorker({ id: "fair-victim", env: { ...cluster.env, WORKER_MAX_TASKS: "1" } });
      await waitFor(async () => (await store.getWorker("fair-victim"))?.state === "ACTIVE", 30_000);
      const recovered = await store.createTask(
        taskInput({ type: "slow", params: { ms: 30_000 }, timeoutMs: 60_000 }),
        "test",
      );
      await waitFor(async () => (await store.listLocks()).some((l) => l.taskId === recovered.id), 10_000);
      // Two survivors, so the shared strategy orders many candidates (alone, a worker reads only
      // its free slots' worth in store order).
      const survivors = ["fair-survivor-1", "fair-survivor-2"].map((id) =>
        spawnWorker({ id, env: { ...cluster.env, SENTINEL_CONFIG: survivorConfig, WORKER_MAX_TASKS: "2" } }),
      );
      await waitFor(
        async () =>
          (await store.listWorkers()).filter((w) => w.id.startsWith("fair-survivor") && w.state === "ACTIVE").length ===
          2,
        30_000,
      );

      // Newer work of the same priority, far more than the survivor can finish before recovery:
      // the recovered task must not wait behind it.
      const backlog: string[] = [];
      for (let i = 0; i < BACKLOG; i++) {
        const t = await store.createTask(taskInput({ type: "sleep", params: { ms: BACKLOG_TASK_MS } }), "test");
        backlog.push(t.id);
      }
      victim.child.kill("SIGKILL");
      await victim.exited;
      const killedAt = await store.now();

      const done = await waitFor(async () => {
        const task = await store.getTask(recovered.id);
        return task?.state === "succeeded" ? task : null;
      }, 30_000);
      const killToSuccess = (done.finishedAt as number) - killedAt;
      const stillQueued = (await Promise.all(backlog.map((id) => store.getTask(id)))).filter(
        (t) => t?.state !== "succeeded",
      ).length;
      console.info(
        `[measure] sqlite: kill → recovered task succeeded elsewhere ${killToSuccess} ms (stale ${STALE_MS} + check ${CHECK_MS} + one busy slot ${BACKLOG_TASK_MS}); ${stillQueued}/${BACKLOG} newer tasks not yet done`,
      );
      expect(done.attempts).toBe(2);
      expect(done.workerId).toMatch(/^fair-survivor-/);
      // The survivors' slots are all busy with newer work when the task comes back: it waits for
      // one of them to finish, never for the backlog.
      expect(killToSuccess).toBeLessThanOrEqual(STALE_MS + CHECK_MS + BACKLOG_TASK_MS + SLACK_MS);
      expect(stillQueued).toBeGreaterThan(0);

      for (const s of survivors) s.child.kill("SIGTERM");
      expect(await Promise.all(survivors.map((s) => s.exited))).toEqual([0, 0]);
    } finally {
      await store.close();
    }
  }, 90_000);
});
