import { waitFor } from "@sentinel/test-support";
import { killAllProcesses } from "@sentinel/test-support/processes";
import { afterEach, describe, expect, it } from "vitest";
import { taskInput } from "../../src/store/contract/harness.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { checkInvariants, noTaskPending } from "./invariants.js";
import { createTestCluster, faketimeEnv, type SpawnWorkerOptions, spawnWorker } from "./worker-process.js";

afterEach(killAllProcesses);

const TEN_MINUTES = 10 * 60_000;
/**
 * A lease far shorter than the skew (3 s vs 10 min) — any use of a local clock for expiry
 * would show — yet long enough that a loaded 2-core CI machine does not make a healthy
 * worker miss it, so every recovery seen here would be the skew's fault.
 */
const SKEW_ENV = { WORKER_MAX_TASKS: "4", STALE_WORKER_THRESHOLD_MS: "3000" };

/** How a worker's clock is skewed by `ms`. */
type Skew = (ms: number) => Pick<SpawnWorkerOptions, "clockSkewMs"> & { env?: Record<string, string> };

/** JS `Date` only (a preload): the process's C library, and so SQLite, keep the real time. */
const dateOnly: Skew = (ms) => ({ clockSkewMs: ms });
/** libfaketime: the whole process, SQLite's `julianday('now')` included. */
const wholeProcess: Skew = (ms) => ({ env: faketimeEnv(ms) });

describe("workers whose clocks are skewed by ±10 minutes", () => {
  it("behave exactly like the others (JS Date skewed): no stolen live locks, no expired lock kept, invariants hold", async () => {
    await runSkewedCluster(dateOnly);
  }, 120_000);

  it("behave exactly like the others (whole process skewed with libfaketime, SQLite's clock too)", async () => {
    await runSkewedCluster(wholeProcess);
  }, 120_000);
});

async function runSkewedCluster(skew: Skew): Promise<void> {
  const cluster = await createTestCluster();
  const store = openSqliteStore({ path: cluster.dbPath });
  const skewedWorker = (id: string, ms: number) => {
    const { env, ...rest } = skew(ms);
    return spawnWorker({ id, env: { ...cluster.env, ...SKEW_ENV, ...env }, ...rest });
  };
  try {
    const workers = [
      skewedWorker("skew-plus", TEN_MINUTES),
      skewedWorker("skew-minus", -TEN_MINUTES),
      spawnWorker({ id: "skew-none-1", env: { ...cluster.env, ...SKEW_ENV } }),
      spawnWorker({ id: "skew-none-2", env: { ...cluster.env, ...SKEW_ENV } }),
    ];
    await waitFor(async () => (await store.listWorkers()).filter((w) => w.state === "ACTIVE").length === 4, 30_000);
    // The preload really skews the process clock: its log timestamps are ten minutes off the store's.
    const storeNow = await store.now();
    const plusLog = await waitFor(() => workers[0]?.lines.find((l) => l.action === "ready"), 5000);
    expect(Date.parse(String(plusLog.timestamp)) - storeNow).toBeGreaterThan(TEN_MINUTES - 60_000);
    const minusLog = await waitFor(() => workers[1]?.lines.find((l) => l.action === "ready"), 5000);
    expect(storeNow - Date.parse(String(minusLog.timestamp))).toBeGreaterThan(TEN_MINUTES - 60_000);

    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const slow = i % 10 === 0;
      ids.push(
        (
          await store.createTask(
            taskInput({ type: slow ? "sleep" : "record", params: slow ? { ms: 300 } : { i }, timeoutMs: 20_000 }),
            "test",
          )
        ).id,
      );
    }
    await waitFor(() => noTaskPending(store), { timeoutMs: 60_000, intervalMs: 100 });

    const report = await checkInvariants(store, ids, cluster.recordPath);
    // No lock was ever taken from a live holder or kept past expiry: nothing was recovered, retried or force-released.
    expect(report.tasks.every((t) => t.state === "succeeded" && t.attempts === 1)).toBe(true);
    expect(
      report.events.filter((e) =>
        ["alert.worker_failed", "lock.force_released", "lock.expired", "task.failed"].includes(e.kind),
      ),
    ).toEqual([]);
    // Every worker is live: once idle, each one's next heartbeat reports ACTIVE (a worker that
    // was full at the last task's end still reads BUSY until then); none went STALE or OFFLINE.
    const states = async () => (await store.listWorkers()).map((w) => w.state).sort();
    await waitFor(async () => (await states()).every((state) => state === "ACTIVE"), 10_000).catch(() => undefined);
    expect(await states()).toEqual(["ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE"]);
    for (const w of workers) expect(report.successesByWorker[w.id] ?? 0).toBeGreaterThan(0);

    for (const w of workers) w.child.kill("SIGTERM");
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0, 0]);
  } finally {
    await store.close();
  }
}
