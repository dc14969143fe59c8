import { waitFor } from "@sentinel/test-support";
import { describe, expect, it } from "vitest";
import { taskInput } from "../../src/store/contract/harness.js";
import { checkInvariants, noTaskPending } from "./invariants.js";
import { observedSkewMs, usePostgresServer } from "./postgres-server.js";
import { createPostgresTestCluster, faketimeEnv, spawnWorker } from "./worker-process.js";

/**
 * Worker processes sharing one Postgres database as machines would, each process's whole
 * clock (JS `Date` and the C library's) skewed by minutes with libfaketime, while the server
 * keeps the real time. Leases and locks are judged by the server's clock, so no skew may show.
 */
const pg = usePostgresServer();

const MINUTE = 60_000;
/** A clock of its own per worker, ahead and behind, each off by far more than a lease. */
const SKEWS: Record<string, number> = {
  "pg-ahead-10": 10 * MINUTE,
  "pg-behind-10": -10 * MINUTE,
  "pg-ahead-3": 3 * MINUTE,
  "pg-behind-5": -5 * MINUTE,
};
/**
 * A lease far shorter than the skews (3 s vs minutes) — any use of a local clock for expiry
 * would show — yet long enough that a loaded 2-core machine does not make a healthy worker
 * miss it, so every recovery seen here would be the skew's fault.
 */
const SKEW_ENV = {
  WORKER_MAX_TASKS: "4",
  STALE_WORKER_THRESHOLD_MS: "3000",
  // Every write (a heartbeat, a monitor round's pruning) waits its turn for the one write lock
  // and wakes every idle worker: at 100 ms heartbeats and 200 ms rounds on 4 workers, the
  // test's own task creation on a loaded machine took ~0.2 s each. Still many per lease.
  HEARTBEAT_INTERVAL_MS: "250",
  STALE_CHECK_INTERVAL_MS: "500",
};
/** Longer than the lease: such a lock stays live only through its holder's heartbeats. */
const OUTLIVES_LEASE_MS = 4000;
const TASKS = 300;
/** Worker start-up (tsx compiles the worker on start) on a loaded machine. */
const START_MS = 60_000;

describe("worker processes with clocks skewed by minutes (libfaketime) over one Postgres database", () => {
  it("run every task exactly once under its current token, and no clock ahead takes a live lock", async () => {
    const cluster = await createPostgresTestCluster(pg.server());
    const store = await pg.openStore(cluster.url);
    const workers = Object.entries(SKEWS).map(([id, skew]) =>
      spawnWorker({ id, env: { ...cluster.env, ...SKEW_ENV, ...faketimeEnv(skew) } }),
    );
    await waitFor(
      async () => (await store.listWorkers()).filter((w) => w.state === "ACTIVE").length === workers.length,
      START_MS,
    );
    // libfaketime really skews each process: the time it logs is off the server's by its skew.
    for (const w of workers)
      expect(Math.abs((await observedSkewMs(store, w)) - (SKEWS[w.id] as number))).toBeLessThan(30_000);

    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < TASKS; i++) {
      // Every 50th task holds its lock past a lease, every 10th sleeps a little, the rest record their execution.
      const params = i % 50 === 0 ? { ms: OUTLIVES_LEASE_MS } : i % 10 === 0 ? { ms: 300 } : { i };
      const type = "ms" in params ? "sleep" : "record";
      ids.push((await store.createTask(taskInput({ type, params, timeoutMs: 30_000 }), "test")).id);
    }
    await waitFor(() => noTaskPending(store), { timeoutMs: 120_000, intervalMs: 200 });
    const elapsedMs = Date.now() - started;

    const report = await checkInvariants(store, ids, cluster.recordPath);
    // Nothing was recovered, retried or force-released: a clock ahead took no live lock
    // (the 4 s ones included), and every attempt is the first.
    expect(report.tasks.filter((t) => t.state !== "succeeded" || t.attempts !== 1)).toEqual([]);
    expect(
      report.events.filter((e) =>
        ["alert.worker_failed", "lock.force_released", "lock.expired", "task.failed"].includes(e.kind),
      ),
    ).toEqual([]);
    // Each recorded task ran exactly once, under its token, on the worker the store says completed it.
    const recorded = report.tasks.filter((t) => t.type === "record");
    const executed = new Set(report.executions.map((x) => `${x.taskId}#${x.token}#${x.workerId}`));
    expect(recorded.filter((t) => !executed.has(`${t.id}#${t.fencingToken}#${t.workerId}`))).toEqual([]);
    expect(report.executions).toHaveLength(recorded.length);
    for (const w of workers) expect(report.successesByWorker[w.id] ?? 0).toBeGreaterThan(0);
    // Every worker is live: once idle, each one's next heartbeat reports ACTIVE; none went STALE or OFFLINE.
    const states = async () => (await store.listWorkers()).map((w) => w.state).sort();
    await waitFor(async () => (await states()).every((state) => state === "ACTIVE"), 10_000).catch(() => undefined);
    expect(await states()).toEqual(workers.map(() => "ACTIVE"));
    console.info(
      `[measure] postgres, ${TASKS} tasks on ${workers.length} worker processes skewed ${Object.values(SKEWS)
        .map((ms) => ms / MINUTE)
        .join("/")} min: ${elapsedMs} ms; per worker ${JSON.stringify(report.successesByWorker)}`,
    );

    for (const w of workers) w.child.kill("SIGTERM");
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual(workers.map(() => 0));
  }, 240_000);
});
