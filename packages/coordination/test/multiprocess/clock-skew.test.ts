import { waitFor } from "@sentinel/test-support";
import { killAllProcesses } from "@sentinel/test-support/processes";
import { afterEach, describe, expect, it } from "vitest";
import { taskInput } from "../../src/store/contract/harness.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { checkInvariants, noTaskPending } from "./invariants.js";
import { createTestCluster, spawnWorker } from "./worker-process.js";

afterEach(killAllProcesses);

const TEN_MINUTES = 10 * 60_000;
/**
 * A lease far shorter than the skew (3 s vs 10 min) — any use of a local clock for expiry
 * would show — yet long enough that a loaded 2-core CI machine does not make a healthy
 * worker miss it, so every recovery seen here would be the skew's fault.
 */
const SKEW_ENV = { WORKER_MAX_TASKS: "4", STALE_WORKER_THRESHOLD_MS: "3000" };

describe("workers whose clocks are skewed by ±10 minutes", () => {
  it("behave exactly like the others: no stolen live locks, no expired lock kept, invariants hold", async () => {
    const cluster = await createTestCluster();
    const store = openSqliteStore({ path: cluster.dbPath });
    try {
      const workers = [
        spawnWorker({ id: "skew-plus", env: { ...cluster.env, ...SKEW_ENV }, clockSkewMs: TEN_MINUTES }),
        spawnWorker({ id: "skew-minus", env: { ...cluster.env, ...SKEW_ENV }, clockSkewMs: -TEN_MINUTES }),
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
      expect((await store.listWorkers()).map((w) => w.state).sort()).toEqual(["ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE"]);
      for (const w of workers) expect(report.successesByWorker[w.id] ?? 0).toBeGreaterThan(0);

      for (const w of workers) w.child.kill("SIGTERM");
      expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0, 0]);
    } finally {
      await store.close();
    }
  }, 120_000);
});
