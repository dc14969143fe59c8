import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { waitFor as pollUntil } from "../support/wait-for.js";

export const REPO_ROOT = resolve(import.meta.dirname, "../../../..");
/**
 * `node --import tsx` rather than the tsx CLI: the CLI runs the script in a child process and,
 * when that child does not acknowledge a relayed SIGTERM within ~30 ms (a busy event loop),
 * SIGKILLs it — which would turn a graceful drain into a crash under load.
 */
const NODE = process.execPath;
const MAIN = join(REPO_ROOT, "apps/worker/src/main.ts");
const SKEW = join(import.meta.dirname, "skew-clock.mjs");

/** Short intervals for tests: heartbeat 100 ms, stale after 600 ms, checked every 200 ms. */
export const FAST_ENV = {
  HEARTBEAT_INTERVAL_MS: "100",
  STALE_WORKER_THRESHOLD_MS: "600",
  STALE_CHECK_INTERVAL_MS: "200",
  MEMORY_SYNC_INTERVAL_MS: "200",
  WORKER_POLL_INTERVAL_MS: "50",
  LOG_LEVEL: "info",
};

export interface WorkerProcess {
  id: string;
  proc: ChildProcess;
  lines: Array<Record<string, unknown>>;
  stderr: string[];
  exited: Promise<number | null>;
}

export interface SpawnWorkerOptions {
  id: string;
  env: Record<string, string>;
  /** Shift the process's Date.now / new Date() by this much. */
  clockSkewMs?: number;
}

const running = new Set<WorkerProcess>();

export function spawnWorker(opts: SpawnWorkerOptions): WorkerProcess {
  const args = ["--import", "tsx", ...(opts.clockSkewMs ? ["--import", SKEW] : []), MAIN];
  const proc = spawn(NODE, args, {
    cwd: join(REPO_ROOT, "apps/worker"),
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      ...FAST_ENV,
      WORKER_ID: opts.id,
      ...(opts.clockSkewMs ? { SENTINEL_TEST_CLOCK_SKEW_MS: String(opts.clockSkewMs) } : {}),
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const worker: WorkerProcess = {
    id: opts.id,
    proc,
    lines: [],
    stderr: [],
    exited: new Promise((r) => proc.on("exit", (code) => r(code))),
  };
  let buffer = "";
  proc.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) worker.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  proc.stderr?.on("data", (chunk: Buffer) => worker.stderr.push(chunk.toString("utf8")));
  running.add(worker);
  void worker.exited.then(() => running.delete(worker));
  return worker;
}

/** Kill whatever a test left running (no worker may outlive its test). */
export async function killAllWorkers(): Promise<void> {
  const left = [...running];
  for (const w of left) w.proc.kill("SIGKILL");
  await Promise.all(left.map((w) => w.exited));
}

export interface TestCluster {
  dir: string;
  dbPath: string;
  configPath: string;
  recordPath: string;
  env: Record<string, string>;
}

/**
 * A fresh database file and a worker config whose `record` type is a command handler
 * appending "<task id> <fencing token> <worker id>" per execution: an independent count
 * of executions, outside the store.
 */
export async function createTestCluster(extraHandlers: Record<string, unknown> = {}): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "sentinel-mp-"));
  const dbPath = join(dir, "store.db");
  const recordPath = join(dir, "executions.log");
  const configPath = join(dir, "task-sentinel.config.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      handlers: {
        record: {
          command: [
            "/bin/sh",
            "-c",
            'printf "%s %s %s\\n" "$SENTINEL_TASK_ID" "$SENTINEL_FENCING_TOKEN" "$WORKER" >> "$RECORD_FILE"',
          ],
          env: { RECORD_FILE: recordPath, WORKER: "${WORKER_ID}" },
        },
        echo: { builtin: "echo" },
        sleep: { builtin: "sleep" },
        ...extraHandlers,
      },
    }),
  );
  // Create the schema once up front so workers do not race to migrate an empty file.
  await openSqliteStore({ path: dbPath }).close();
  return { dir, dbPath, configPath, recordPath, env: { SENTINEL_SQLITE_PATH: dbPath, SENTINEL_CONFIG: configPath } };
}

/** The shared poll with the timeout spelled out and a slower default pace for checks on worker processes. */
export function waitFor<T>(check: () => Promise<T> | T, timeoutMs: number, intervalMs = 50): Promise<NonNullable<T>> {
  return pollUntil(check, timeoutMs, intervalMs);
}
