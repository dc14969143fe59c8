import { rmSync } from "node:fs";
import { openSqliteStore } from "@sentinel/coordination/sqlite";
import Database from "better-sqlite3";
import { createTestCluster } from "../../packages/coordination/test/multiprocess/worker-process.js";
import { type ChaosBackend, sleep, type WorkerTimings } from "../backend.js";

const TIMINGS: WorkerTimings = { heartbeatMs: 200, staleMs: 1500, checkMs: 300, pollMs: 50 };

/**
 * A real SQLite file shared by the runner and the worker processes. Its own fault: another
 * connection holds `BEGIN EXCLUSIVE`, so no process can write (heartbeats, claims,
 * completions) until it commits; a lock longer than the lease makes live workers look stale.
 */
export async function openSqliteChaos(): Promise<ChaosBackend> {
  const cluster = await createTestCluster({ fail: { builtin: "fail" } });
  const store = openSqliteStore({ path: cluster.dbPath });
  const writeLock = async (durationMs: number): Promise<string> => {
    const holder = new Database(cluster.dbPath);
    try {
      holder.pragma("busy_timeout = 10000");
      holder.exec("BEGIN EXCLUSIVE");
      await sleep(durationMs);
      holder.exec("COMMIT");
    } finally {
      holder.close();
    }
    return `write-locked the file for ${durationMs} ms`;
  };
  return {
    name: "sqlite",
    store,
    timings: TIMINGS,
    workerEnv: cluster.env,
    faults: [{ kind: "write-lock", durationMs: { min: 500, max: 2500 }, inject: writeLock }],
    setup: `one SQLite file (WAL); heartbeat ${TIMINGS.heartbeatMs} ms, stale threshold ${TIMINGS.staleMs} ms, check every ${TIMINGS.checkMs} ms`,
    async close() {
      await store.close();
      rmSync(cluster.dir, { recursive: true, force: true });
    },
  };
}
