import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "@sentinel/test-support";
import {
  killAllProcesses,
  type LaunchedProcess,
  waitForRegistered,
  waitWhileRunning,
} from "@sentinel/test-support/processes";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { newTaskSchema } from "../../src/domain/task.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { createTestCluster, spawnWorker } from "./worker-process.js";

/**
 * A command handler that starts a grandchild and waits: it writes "<shell pid> <fencing
 * token> <grandchild pid>" so the test can watch both processes from outside.
 */
const HOLD = ["/bin/sh", "-c", 'sleep 600 & echo "$$ $SENTINEL_FENCING_TOKEN $!" > "$PID_DIR/$SENTINEL_TASK_ID"; wait'];

const leftovers: number[] = [];
afterEach(async () => {
  await killAllProcesses();
  for (const pid of leftovers.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
});

/** The process's state letter in /proc (R running, S sleeping, T stopped, Z zombie…), or null once gone. */
function procState(pid: number): string | null {
  const stat = `/proc/${pid}/stat`;
  return existsSync(stat) ? (readFileSync(stat, "utf8").split(") ")[1]?.[0] ?? null) : null;
}

/** Running or stopped; a zombie (dead, not yet reaped by whoever adopted it) counts as gone. */
function alive(pid: number): boolean {
  const state = procState(pid);
  return state !== null && state !== "Z" && state !== "X";
}

/**
 * SIGSTOP `worker` at a moment it is not inside a SQLite write transaction. Stopped inside one,
 * it would hold the database's single write lock until resumed, so no other process (the
 * monitor included) could write: that stall is SQLite's, whatever the worker does. The probe
 * waits 50 ms for the lock: enough for another process's short transaction, and short of the
 * 600 ms stale threshold, so a retry does not cost the worker its lease.
 */
async function pauseOutsideWriteTransaction(worker: LaunchedProcess, dbPath: string): Promise<void> {
  const pid = worker.child.pid as number;
  const probe = new Database(dbPath);
  probe.pragma("busy_timeout = 50");
  try {
    for (let attempt = 1; ; attempt++) {
      worker.child.kill("SIGSTOP");
      await waitFor(() => procState(pid) === "T", 5_000);
      try {
        probe.exec("BEGIN IMMEDIATE");
        probe.exec("ROLLBACK");
        return;
      } catch (err) {
        if (!String((err as { code?: string }).code).startsWith("SQLITE_BUSY") || attempt === 20) throw err;
        worker.child.kill("SIGCONT");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } finally {
    probe.close();
  }
}

async function startHold(pidDir: string, store: ReturnType<typeof openSqliteStore>) {
  const task = await store.createTask(newTaskSchema.parse({ type: "hold", timeoutMs: 120_000 }), "test");
  const file = join(pidDir, task.id);
  const line = await waitFor(() => (existsSync(file) ? readFileSync(file, "utf8").trim() || null : null), 60_000);
  const [shell, token, grandchild] = line.split(" ").map(Number) as [number, number, number];
  leftovers.push(shell, grandchild);
  return { task, shell, token, grandchild };
}

describe("command handlers die with their worker", () => {
  it("a SIGKILLed worker takes its handler's whole process group with it", async () => {
    const cluster = await createTestCluster({ hold: { command: HOLD, env: { PID_DIR: "${PID_DIR}" } } });
    const store = openSqliteStore({ path: cluster.dbPath });
    try {
      const worker = spawnWorker({ id: "hold-victim", env: { ...cluster.env, PID_DIR: cluster.dir } });
      const { task, shell, token, grandchild } = await startHold(cluster.dir, store);
      expect(token).toBe((await store.getTask(task.id))?.fencingToken);
      expect(alive(shell) && alive(grandchild)).toBe(true);

      worker.child.kill("SIGKILL");
      await worker.exited;
      await waitFor(() => !alive(shell) && !alive(grandchild), 15_000);
    } finally {
      await store.close();
    }
  }, 150_000);

  it("a worker that loses its lease stops its handler's whole process group", async () => {
    const cluster = await createTestCluster({ hold: { command: HOLD, env: { PID_DIR: "${PID_DIR}" } } });
    // The monitor runs no `hold` tasks: it is only there to find the paused worker stale.
    const monitorConfig = join(cluster.dir, "monitor.config.json");
    writeFileSync(monitorConfig, JSON.stringify({ handlers: { echo: { builtin: "echo" } } }));
    const store = openSqliteStore({ path: cluster.dbPath });
    try {
      const worker = spawnWorker({ id: "hold-paused", env: { ...cluster.env, PID_DIR: cluster.dir } });
      const monitor = spawnWorker({ id: "hold-monitor", env: { ...cluster.env, SENTINEL_CONFIG: monitorConfig } });
      await waitForRegistered(store, [worker, monitor], 60_000);
      const { task, shell, grandchild } = await startHold(cluster.dir, store);

      await pauseOutsideWriteTransaction(worker, cluster.dbPath);
      await waitWhileRunning([monitor], async () => (await store.getTask(task.id))?.state === "failed", {
        timeoutMs: 30_000,
        what: "the monitor fails the paused worker's attempt (to be retried)",
      });
      // Paused is not dead: the handler keeps running until the worker learns it lost the lease.
      expect(alive(shell) && alive(grandchild)).toBe(true);
      worker.child.kill("SIGCONT");
      await waitFor(() => !alive(shell) && !alive(grandchild), 20_000);
    } finally {
      await store.close();
    }
  }, 150_000);
});
