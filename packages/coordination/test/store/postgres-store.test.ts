import { openPostgresStore, type PostgresStore } from "@sentinel/coordination/postgres";
import { waitFor } from "@sentinel/test-support";
import { startTempPostgres, type TempPostgres } from "@sentinel/test-support/postgres";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LIST_CLAIMABLE } from "../../src/store/postgres/tasks.js";
import { transientStoreError } from "../../src/store/transient-store-error.js";

/** What the Postgres backend adds beyond the contract suite: its wake-ups, its text rules, its restarts. */
let server: TempPostgres;
let url: string;
const opened: PostgresStore[] = [];

async function open(): Promise<PostgresStore> {
  const store = await openPostgresStore({ url });
  opened.push(store);
  return store;
}

const registration = (id: string) => ({
  id,
  hostname: "pg-host",
  pid: 1,
  version: "test",
  maxConcurrency: 4,
  supportedTaskTypes: ["demo"],
  cpuCores: 2,
  memoryMb: 1024,
  labels: {},
  heartbeatIntervalMs: 1000,
  leaseMs: 600_000,
  healthUrl: null,
});
const newTask = {
  type: "demo",
  priority: 0,
  params: {},
  maxAttempts: 3,
  timeoutMs: 600_000,
  delayMs: 0,
  pinnedWorkerId: null,
  affinityKey: null,
};

beforeAll(async () => {
  server = await startTempPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  if (url) await server.dropDatabase(url);
});

describe("postgres store", () => {
  it("wakes a watcher in another process's store when work is committed, and moves the change marker", async () => {
    url = await server.createDatabase();
    const watcher = await open();
    const producer = await open();
    const before = await watcher.changeMarker();
    let woken = 0;
    const stop = watcher.watchChanges(() => {
      woken += 1;
    });
    // The first wake-up comes once LISTEN is in place (it covers commits made meanwhile).
    await waitFor(() => woken > 0, { what: "the listener connected" });
    const baseline = woken;
    await producer.createTask(newTask, "operator:test");
    await waitFor(() => woken > baseline, { timeoutMs: 2000, what: "a NOTIFY after the producer's commit" });
    expect(await watcher.changeMarker()).not.toBe(before);
    stop();
  });

  it("leaves idle workers asleep on heartbeats: only transitions that may make work claimable move the marker", async () => {
    url = await server.createDatabase();
    const watcher = await open();
    const fleet = await open();
    await fleet.registerWorker(registration("w-quiet"));
    let woken = 0;
    const stop = watcher.watchChanges(() => {
      woken += 1;
    });
    await waitFor(() => woken > 0, { what: "the listener connected" });
    const marker = await watcher.changeMarker();
    const baseline = woken;
    for (let i = 0; i < 5; i++) await fleet.heartbeat("w-quiet", { activeTasks: 0 });
    await fleet.memorySet("global/k", { v: 1 }, "w-quiet");
    await fleet.setSetting("s", "v", "operator:test");
    // A later announcing commit is the fence: NOTIFYs arrive in commit order, so once its hint is
    // here any hint from the quiet writes before it would have arrived too.
    expect(await watcher.changeMarker()).toBe(marker);
    expect(woken).toBe(baseline);
    await fleet.createTask(newTask, "operator:test");
    await waitFor(() => woken > baseline, { timeoutMs: 2000, what: "the hint of the task's commit" });
    expect(woken).toBe(baseline + 1);
    expect(await watcher.changeMarker()).not.toBe(marker);
    stop();
  });

  it("refreshes the planner's statistics after a burst of tasks, so the claim poll walks its index instead of sorting the backlog", async () => {
    url = await server.createDatabase();
    const store = await open();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // Autovacuum off for the table: only the store can analyze it within this test.
      await admin.query("ALTER TABLE tasks SET (autovacuum_enabled = false)");
      for (let i = 0; i < 1_200; i += 100)
        await Promise.all(Array.from({ length: 100 }, () => store.createTask(newTask, "test")));
      const plan = async () => {
        await admin.query(`PREPARE claim_poll AS ${LIST_CLAIMABLE}`);
        try {
          const { rows } = await admin.query(`EXPLAIN EXECUTE claim_poll(${Date.now()}, '{demo}', 'w1', 10)`);
          return rows.map((row: Record<string, string>) => row["QUERY PLAN"]).join("\n");
        } finally {
          await admin.query("DEALLOCATE claim_poll");
        }
      };
      expect(await plan()).toMatch(/Sort Key/); // the backlog read whole, then sorted: the trap this avoids
      // The write counters reach the statistics views within a few seconds (a backend reports them
      // when it goes idle); the store looks at most every 2 s, from its polls.
      await waitFor(
        async () => {
          await store.listClaimable({ types: ["demo"], workerId: "w1", limit: 10 });
          const { rows } = await admin.query("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'tasks'");
          return rows[0]?.last_analyze != null;
        },
        { timeoutMs: 30_000, intervalMs: 250, what: "tasks analyzed by the store" },
      );
      const analyzed = await plan();
      expect(analyzed).toMatch(/Index Scan using tasks_claimable_idx/);
      expect(analyzed).not.toMatch(/Sort Key/);
    } finally {
      await admin.end();
    }
  }, 60_000);

  it("keeps a task's failure text with a NUL character (stored as U+FFFD) instead of failing the write", async () => {
    url = await server.createDatabase();
    const store = await open();
    await store.registerWorker(registration("w-1"));
    const task = await store.createTask({ ...newTask, maxAttempts: 1 }, "operator:test");
    const [claim] = await store.claimTasks({
      workerId: "w-1",
      taskIds: [task.id],
      metadata: { hostname: "h", pid: 1 },
    });
    if (!claim) throw new Error("claim expected");
    const failed = await store.failTask(task.id, claim.lock.token, {
      message: "tool printed \u0000 in its stderr",
      retryable: false,
      retryDelayMs: 0,
    });
    expect(failed.state).toBe("dead");
    expect(failed.lastError).toBe("tool printed \ufffd in its stderr");
  });

  it("carries on after the database restarts: the failed call is reported as transient, the next one works", async () => {
    url = await server.createDatabase();
    const store = await open();
    await store.createTask(newTask, "operator:test");
    await server.restart();
    // The pool's connections died with the server; the first call may meet one of them.
    const first = await store.createTask(newTask, "operator:test").then(
      () => null,
      (error: unknown) => error,
    );
    if (first !== null) expect(transientStoreError(first)).not.toBeNull();
    await store.createTask(newTask, "operator:test");
    expect((await store.listTasks({ limit: 10 })).items.length).toBe(first === null ? 3 : 2);
  }, 60_000);

  it("reports an unreachable server as transient, and a wrong database name as permanent", async () => {
    const refused = await openPostgresStore({ url: "postgres://sentinel@127.0.0.1:1/none" }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(transientStoreError(refused)).not.toBeNull();
    const missing = await openPostgresStore({ url: server.urlOf("no_such_database") }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(missing).toBeInstanceOf(Error);
    expect(transientStoreError(missing)).toBeNull();
  });
});
