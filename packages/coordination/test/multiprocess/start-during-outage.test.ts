import { findFreePort, waitFor } from "@sentinel/test-support";
import { closeEmulatorsAfterEach, openTestStore, startTestEmulator, TOKENS } from "@sentinel/test-support/emulator";
import { killAllProcesses } from "@sentinel/test-support/processes";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { taskInput } from "../../src/store/contract/harness.js";
import type { CoordinationStore } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { createTestCluster, githubWorkerEnv, readHealth, spawnWorker } from "./worker-process.js";

afterEach(killAllProcesses);
closeEmulatorsAfterEach();

const holders: Database.Database[] = [];
afterEach(() => {
  for (const holder of holders.splice(0)) {
    if (holder.inTransaction) holder.exec("ROLLBACK");
    holder.close();
  }
});

/** Another connection holding the file's write lock (BEGIN EXCLUSIVE) until `release`, or the end of the test. */
function holdWriteLock(dbPath: string): { release(): void } {
  const holder = new Database(dbPath);
  holder.exec("BEGIN EXCLUSIVE");
  holders.push(holder);
  return { release: () => holder.exec("COMMIT") };
}

type Spawned = ReturnType<typeof spawnWorker>;

/** The worker's "store unavailable; next attempt at …" log lines (start-retry.ts). */
function startWaits(worker: Spawned): Array<Record<string, unknown>> {
  return worker.lines.filter((line) => line.action === "start" && line.result === "waiting");
}

/** Resolves once the worker has logged `count` start-up waits; fails at once if it exits first. */
async function waitsLogged(worker: Spawned, count: number): Promise<void> {
  let exit: number | null | undefined;
  void worker.exited.then((code) => {
    exit = code;
  });
  await waitFor(
    () => {
      if (exit !== undefined) throw new Error(`worker exited (${exit}) instead of waiting: ${worker.stderrTail()}`);
      return startWaits(worker).length >= count;
    },
    { timeoutMs: 60_000, what: `${count} start-up waits logged` },
  );
}

/** The worker registers, turns ACTIVE and runs a task to success on `store`. */
async function runsATask(store: CoordinationStore, id: string): Promise<void> {
  await waitFor(async () => (await store.getWorker(id))?.state === "ACTIVE", { timeoutMs: 60_000, what: "ACTIVE" });
  const task = await store.createTask(taskInput({ type: "echo", params: { hello: "again" } }), "test");
  const done = await waitFor(
    async () => {
      const t = await store.getTask(task.id);
      return t?.state === "succeeded" ? t : null;
    },
    { timeoutMs: 60_000, what: "task succeeded" },
  );
  expect(done.workerId).toBe(id);
}

describe("a worker started while the store is briefly unavailable", () => {
  it("GitHub answering 502/503 to every request: waits it out, then registers and runs a task", async () => {
    const emulator = await startTestEmulator({ secondaryRateLimit: false });
    emulator.setFaults({ errorRate: 1 });
    const worker = spawnWorker({ id: "outage-github", env: githubWorkerEnv(emulator.url, TOKENS.bot) });
    // Two waits: the worker kept retrying through the outage (about 2 s of it), not one lucky pause.
    await waitsLogged(worker, 2);
    expect(emulator.stats().counters.serverErrors).toBeGreaterThan(0);
    expect(startWaits(worker)[0]?.metadata).toMatchObject({
      step: "connect",
      cause: expect.stringMatching(/^HTTP 50[23]/),
      next_attempt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/),
    });
    emulator.setFaults({ errorRate: 0 });

    const store = await openTestStore(emulator);
    try {
      await runsATask(store, worker.id);
    } finally {
      await store.close();
    }
    expect(worker.child.exitCode).toBeNull();
    expect(worker.stderrTail()).not.toContain("could not start");
  }, 180_000);

  it("SQLite file held by BEGIN EXCLUSIVE: waits it out (health says starting), then registers and runs a task", async () => {
    const cluster = await createTestCluster();
    const port = await findFreePort();
    const lock = holdWriteLock(cluster.dbPath);
    const worker = spawnWorker({
      id: "outage-sqlite",
      env: { ...cluster.env, WORKER_HEALTH_PORT: String(port), WORKER_HEALTH_HOST: "127.0.0.1" },
    });
    await waitsLogged(worker, 1);
    expect(startWaits(worker)[0]?.metadata).toMatchObject({ cause: expect.stringMatching(/^SQLite SQLITE_BUSY/) });
    expect(await readHealth(port)).toMatchObject({ status: "starting", state: "NEW" });
    lock.release();

    const store = openSqliteStore({ path: cluster.dbPath });
    try {
      await runsATask(store, worker.id);
    } finally {
      await store.close();
    }
    expect(worker.child.exitCode).toBeNull();
  }, 180_000);

  it("SQLite held past SENTINEL_START_TIMEOUT_MS: exits 1 naming the timeout and the last error", async () => {
    const cluster = await createTestCluster();
    holdWriteLock(cluster.dbPath);
    const worker = spawnWorker({ id: "outage-timeout", env: { ...cluster.env, SENTINEL_START_TIMEOUT_MS: "1500" } });
    expect(await worker.exited).toBe(1);
    expect(worker.stderrTail()).toMatch(
      /could not start: store still unavailable during register after 1500 ms \(startup\.timeoutMs \/ SENTINEL_START_TIMEOUT_MS\): database is locked/,
    );
  }, 60_000);

  it("a stop signal during the wait: exits 0 with nothing registered", async () => {
    const cluster = await createTestCluster();
    const lock = holdWriteLock(cluster.dbPath);
    const worker = spawnWorker({ id: "outage-stopped", env: cluster.env });
    await waitsLogged(worker, 1);
    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(worker.stderrTail()).not.toContain("could not start");
    lock.release();
    const store = openSqliteStore({ path: cluster.dbPath });
    try {
      expect(await store.getWorker("outage-stopped")).toBeNull();
    } finally {
      await store.close();
    }
  }, 60_000);

  it("GitHub refusing the token (401): exits 1 at once with the message, no waiting", async () => {
    const emulator = await startTestEmulator({ secondaryRateLimit: false });
    const worker = spawnWorker({ id: "outage-bad-token", env: githubWorkerEnv(emulator.url, "not-a-known-token") });
    expect(await worker.exited).toBe(1);
    expect(worker.stderrTail()).toMatch(/could not start: .*Bad credentials/);
    expect(startWaits(worker)).toEqual([]);
  }, 60_000);
});
