import { findFreePort, waitFor } from "@sentinel/test-support";
import { killAllProcesses } from "@sentinel/test-support/processes";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { taskInput } from "../../src/store/contract/harness.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { readAllEvents } from "./invariants.js";
import { createTestCluster, readHealth, spawnWorker } from "./worker-process.js";

afterEach(killAllProcesses);

/** The write lock lasts at least this long, and until the worker's own SQLITE_BUSY retries are spent. */
const WRITE_LOCK_MS = 6500;
/** Retries keep going this long after the first one before the lock is let go. */
const RETRYING_MS = 2000;
/**
 * The worker's lease and the task's lock TTL outlive the write lock, so neither the monitor
 * nor the retry deadline has a reason to give the task up. The deadlines below also hold the
 * worker to answering /health within seconds under the lock: its busy_timeout is short and
 * its store calls retry asynchronously, so a locked database never freezes its event loop
 * (with a 1 s busy_timeout, calls took turns blocking and an answer took one to three minutes).
 */
const OUTLIVES_THE_LOCK_MS = 60_000;
const LEASE_ENV = { STALE_WORKER_THRESHOLD_MS: String(OUTLIVES_THE_LOCK_MS), WORKER_MAX_TASKS: "1" };

describe("a finished task while another connection holds the database write-locked", () => {
  it("keeps its result: the completion retries within the lock's TTL, and health says so meanwhile", async () => {
    const cluster = await createTestCluster();
    const port = await findFreePort();
    const store = openSqliteStore({ path: cluster.dbPath });
    try {
      spawnWorker({
        id: "locked-out",
        env: { ...cluster.env, ...LEASE_ENV, WORKER_HEALTH_PORT: String(port), WORKER_HEALTH_HOST: "127.0.0.1" },
      });
      // A request that reached the worker while its event loop sat in SQLite's busy waits may be
      // dropped (a reset, or an empty answer): that read is repeated, the answer is what counts.
      const health = () =>
        waitFor(() => readHealth(port).catch(() => null), {
          timeoutMs: 20_000,
          intervalMs: 250,
          what: "a /health answer",
        });
      await waitFor(async () => (await store.getWorker("locked-out"))?.state === "ACTIVE", 30_000);
      const task = await store.createTask(
        taskInput({ type: "sleep", params: { ms: 1000 }, timeoutMs: OUTLIVES_THE_LOCK_MS }),
        "test",
      );
      await waitFor(async () => (await store.getTask(task.id))?.state === "running", 10_000);

      const holder = new Database(cluster.dbPath);
      holder.pragma("busy_timeout = 5000");
      holder.exec("BEGIN EXCLUSIVE");
      const lockedAt = performance.now();
      // The handler finishes under the write lock; once SQLite's own busy handling gives up,
      // the completion fails with SQLITE_BUSY and is retried.
      const during = await waitFor(async () => {
        const h = await health();
        return (h.outcome_writes_retrying as number) > 0 ? h : null;
      }, 40_000);
      expect(during.status).toBe("degraded");
      const retryingSince = performance.now();
      await waitFor(
        () => performance.now() - lockedAt >= WRITE_LOCK_MS && performance.now() - retryingSince >= RETRYING_MS,
        WRITE_LOCK_MS + RETRYING_MS,
      );
      expect((await health()).outcome_writes_retrying).toBe(1);
      expect(await store.getTask(task.id)).toMatchObject({ state: "running" });
      holder.exec("COMMIT");
      holder.close();

      // Well inside the task's lock TTL: the result was kept, not dropped and re-run.
      const done = await waitFor(async () => {
        const t = await store.getTask(task.id);
        return t?.state === "succeeded" ? t : null;
      }, 10_000);
      expect(done).toMatchObject({ attempts: 1, workerId: "locked-out", result: { slept: 1000 } });
      const events = await readAllEvents(store);
      expect(
        events
          .filter((e) => e.taskId === task.id && e.kind.startsWith("task.") && e.kind !== "task.created")
          .map((e) => e.kind),
      ).toEqual(["task.started", "task.succeeded"]);
      await waitFor(async () => (await health()).outcome_writes_retrying === 0, 5000);
    } finally {
      await store.close();
    }
  }, 120_000);
});
