import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "@sentinel/test-support";
import type { LaunchedProcess } from "@sentinel/test-support/processes";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { taskInput } from "../../src/store/contract/harness.js";
import { checkInvariants, readAllEvents } from "./invariants.js";
import { usePostgresServer } from "./postgres-server.js";
import { createPostgresTestCluster, faketimeEnv, recordHandler, spawnWorker } from "./worker-process.js";

const server = usePostgresServer();

const MINUTE = 60_000;
/**
 * Longer than the 5 s the server lets a session idle inside a transaction (store/postgres/
 * connection.ts): the stall a frozen writer causes must cost no live worker its lease.
 */
const STALE_MS = 10_000;
const LEASE_ENV = {
  STALE_WORKER_THRESHOLD_MS: String(STALE_MS),
  STALE_CHECK_INTERVAL_MS: "200",
  WORKER_MAX_TASKS: "1",
};
/** Worker start-up (tsx compiles the worker on start) on a loaded machine. */
const START_MS = 60_000;
/** Names the frozen worker's sessions on the server (pg_stat_activity): a URL parameter beats the pool's own name. */
const FROZEN_APP = "sentinel-frozen-worker";

/** The one-letter state of a process in /proc (T: stopped). */
function procState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

/**
 * SIGSTOP `worker` at a moment it holds the store's write lock: inside a write transaction,
 * which the server sees as a session of `FROZEN_APP` idle in a transaction with the advisory
 * lock granted. Stopped elsewhere, it is resumed and stopped again a moment later. Returns
 * the number of tries.
 */
async function freezeHoldingTheWriteLock(worker: LaunchedProcess, adminUrl: string): Promise<number> {
  const pid = worker.child.pid as number;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (let attempt = 1; attempt <= 500; attempt++) {
      worker.child.kill("SIGSTOP");
      await waitFor(() => procState(pid) === "T", 5000);
      const { rows } = await admin.query(
        `SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
          WHERE a.application_name = $1 AND a.state = 'idle in transaction' AND l.locktype = 'advisory' AND l.granted`,
        [FROZEN_APP],
      );
      if (rows.length > 0) return attempt;
      worker.child.kill("SIGCONT");
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 30));
    }
  } finally {
    await admin.end();
  }
  throw new Error(`${worker.label} was never caught inside a write transaction`);
}

describe("a worker process frozen (SIGSTOP) inside a write transaction, its clock ten minutes behind", () => {
  it("holds up the fleet only briefly and keeps no expired lock: another process completes its task once, and its late outcome is refused", async () => {
    // On the frozen worker `slow` sleeps; on the survivor it records its execution and returns at once.
    const cluster = await createPostgresTestCluster(server.server(), { slow: { builtin: "sleep" } });
    const survivorConfig = join(cluster.dir, "survivor.config.json");
    writeFileSync(survivorConfig, JSON.stringify({ handlers: { slow: recordHandler(cluster.recordPath) } }));
    const store = await server.openStore(cluster.url);
    const frozenUrl = `${cluster.url}?application_name=${FROZEN_APP}`;
    const frozen = spawnWorker({
      id: "pg-frozen-behind",
      env: { ...cluster.env, ...LEASE_ENV, SENTINEL_POSTGRES_URL: frozenUrl, ...faketimeEnv(-10 * MINUTE) },
    });
    await waitFor(async () => (await store.getWorker("pg-frozen-behind"))?.state === "ACTIVE", START_MS);
    const task = await store.createTask(
      taskInput({ type: "slow", params: { ms: 60_000 }, timeoutMs: 120_000 }),
      "test",
    );
    const held = await waitFor(async () => (await store.listLocks()).find((l) => l.taskId === task.id), 20_000);
    expect(held.ownerId).toBe("pg-frozen-behind");
    const survivor = spawnWorker({
      id: "pg-frozen-survivor",
      env: { ...cluster.env, ...LEASE_ENV, SENTINEL_CONFIG: survivorConfig, ...faketimeEnv(10 * MINUTE) },
    });
    await waitFor(async () => (await store.getWorker("pg-frozen-survivor"))?.state === "ACTIVE", START_MS);

    // Frozen like a stalled machine, holding every other writer up; by its own clock, ten
    // minutes behind, its lock would stay young long after its lease ran out.
    const tries = await freezeHoldingTheWriteLock(frozen, server.server().adminUrl);
    const frozenAt = await store.now();
    const done = await waitFor(
      async () => {
        const t = await store.getTask(task.id);
        return t?.state === "succeeded" ? t : null;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: "the frozen worker's task completed by the survivor" },
    );
    expect(procState(frozen.child.pid as number)).toBe("T");
    expect(done).toMatchObject({ workerId: "pg-frozen-survivor", attempts: 2 });
    expect(done.fencingToken).toBeGreaterThan(held.token);
    // The server ended the frozen transaction well within the survivor's lease: it never went stale.
    const events = await readAllEvents(store);
    expect(events.filter((e) => e.kind === "alert.worker_failed")).toMatchObject([{ workerId: "pg-frozen-behind" }]);
    const beats = events
      .filter((e) => e.kind === "worker.heartbeat" && e.workerId === "pg-frozen-survivor" && e.at >= frozenAt - 1000)
      .map((e) => e.at);
    const longestSilence = Math.max(...beats.slice(1).map((at, i) => at - (beats[i] as number)));
    console.info(
      `[measure] postgres: frozen inside a write transaction after ${tries} tries; survivor's longest heartbeat gap ${longestSilence} ms; task completed elsewhere ${(done.finishedAt as number) - frozenAt} ms after the freeze (lease ${STALE_MS} ms)`,
    );

    // Resumed, the frozen worker finds its attempt superseded: what it reports for it is refused.
    frozen.child.kill("SIGCONT");
    await waitFor(
      () =>
        frozen.lines.some(
          (l) => (l.action === "task.complete" || l.action === "task.fail") && String(l.result).startsWith("rejected_"),
        ),
      { timeoutMs: 30_000, intervalMs: 100, what: "the resumed worker's outcome refused" },
    );
    await waitFor(async () => (await store.getWorker("pg-frozen-behind"))?.state === "ACTIVE", 30_000);
    expect(await store.getTask(task.id)).toEqual(done);
    const report = await checkInvariants(store, [task.id], cluster.recordPath);
    expect(report.executions).toEqual([{ taskId: task.id, token: done.fencingToken, workerId: "pg-frozen-survivor" }]);
    expect((await store.listLocks()).filter((l) => l.ownerId === "pg-frozen-behind")).toEqual([]);

    for (const w of [frozen, survivor]) w.child.kill("SIGTERM");
    expect(await Promise.all([frozen.exited, survivor.exited])).toEqual([0, 0]);
  }, 240_000);
});
