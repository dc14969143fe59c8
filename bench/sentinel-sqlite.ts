import { join } from "node:path";
import type { CoordinationStore, Task } from "@sentinel/coordination";
import { newTaskSchema } from "@sentinel/coordination";
import { openSqliteStore } from "@sentinel/coordination/sqlite";
import { withTempDir } from "@sentinel/test-support";
import { type LaunchedProcess, launchWorker } from "@sentinel/test-support/processes";
import { measuredRun, runEachConfiguration } from "./measured-run.js";
import { totalCpuMs } from "./process-cpu.js";
import {
  positiveIntEnv,
  type QueueBenchOptions,
  type QueueRun,
  queueBenchOptionsFromEnv,
  queueSuiteResult,
} from "./queue-run.js";
import type { BenchContext, BenchSuite, SuiteResult } from "./report.js";

/**
 * Task Sentinel's embedded mode measured as shipped: real `apps/worker` processes (the
 * product's claim loop, strategy, locks and events) over one SQLite file. The bench only
 * creates tasks through the store port and reads the store's own timestamps afterwards.
 */
const POLL_MS = 100;
const PAGE = 500;
const OPEN_CREATED_BY = "bench-open-load";
const BACKLOG_CREATED_BY = "bench-backlog";

const BACKLOG_TITLE = "bench backlog";
const OPEN_TITLE = "bench open load";

async function createNoop(store: CoordinationStore, title: string, actor: string): Promise<Task> {
  return store.createTask(newTaskSchema.parse({ type: "noop", title, maxAttempts: 1 }), actor);
}

async function listAll(store: CoordinationStore, states: Task["state"][]): Promise<Task[]> {
  const all: Task[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listTasks({ states, limit: PAGE, cursor });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/** Polls until no task is waiting or running (or the deadline passes). */
async function waitForDrain(store: CoordinationStore, deadline: number): Promise<boolean> {
  for (;;) {
    const pending = await store.listTasks({ states: ["queued", "running", "failed"], limit: 1 });
    if (pending.items.length === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function waitForWorkers(
  store: CoordinationStore,
  ids: string[],
  children: LaunchedProcess[],
  deadline: number,
): Promise<void> {
  for (;;) {
    const live = new Set(
      (await store.listWorkers()).filter((w) => w.state === "ACTIVE" || w.state === "BUSY").map((w) => w.id),
    );
    if (ids.every((id) => live.has(id))) return;
    const dead = children.findIndex((c) => c.child.exitCode !== null);
    if (dead !== -1)
      throw new Error(
        `sentinel worker ${ids[dead]} exited with code ${children[dead]?.child.exitCode} before registering`,
      );
    if (Date.now() > deadline)
      throw new Error(`sentinel workers not all registered in time: have ${[...live].join(", ") || "none"}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const startLatency = (t: Task): number => (t.startedAt ?? Number.NaN) - Math.max(t.createdAt, t.runAt);

async function runOnce(
  dataDir: string,
  workers: number,
  run: number,
  ctx: BenchContext,
  options: QueueBenchOptions,
): Promise<QueueRun> {
  const store = openSqliteStore({ path: join(dataDir, "sentinel.db") });
  const children: LaunchedProcess[] = [];
  try {
    for (let i = 0; i < ctx.tasks; i++) await createNoop(store, BACKLOG_TITLE, BACKLOG_CREATED_BY);

    const ids = Array.from({ length: workers }, (_, i) => `bench-w${i + 1}`);
    for (const id of ids) {
      children.push(
        launchWorker({
          id,
          env: {
            WORKER_MAX_TASKS: String(options.concurrency),
            SENTINEL_DATA_DIR: dataDir,
            HEARTBEAT_INTERVAL_MS: "2000",
          },
        }),
      );
    }
    await waitForWorkers(store, ids, children, Date.now() + 30_000);
    const pids = children.map((c) => c.child.pid);
    const cpuFrom = { at: await store.now(), ms: totalCpuMs(pids) };

    const backlogDone = await waitForDrain(store, Date.now() + options.deadlineMs);
    const cpuToMs = totalCpuMs(pids);
    const backlog = (await listAll(store, ["succeeded"])).filter((t) => t.title === BACKLOG_TITLE);
    return await measuredRun(
      { system: "sentinel", workers, run },
      ctx,
      options,
      { timings: backlog, waits: backlog.map(startLatency), cpuFrom, cpuToMs, drained: backlogDone },
      {
        addOne: (phase) => createNoop(store, `${OPEN_TITLE} ${phase}`, OPEN_CREATED_BY),
        drain: () => waitForDrain(store, Date.now() + options.deadlineMs),
        startLatencies: async (phase) =>
          (await listAll(store, ["succeeded"])).filter((t) => t.title === `${OPEN_TITLE} ${phase}`).map(startLatency),
        workerCpuMs: () => totalCpuMs(pids),
        workerProcesses: workers,
      },
    );
  } finally {
    await Promise.all(children.map((c) => c.stop(15_000)));
    await store.close();
  }
}

export function runSentinelSqlite(ctx: BenchContext, options: QueueBenchOptions): Promise<QueueRun[]> {
  return runEachConfiguration(ctx, options, "tasks", (workers, run) =>
    withTempDir("bench-sentinel", (dir) => runOnce(dir, workers, run, ctx, options)),
  );
}

/**
 * Sentinel's runs take minutes where BullMQ's take seconds, so by default it runs once per
 * configuration (BENCH_SENTINEL_RUNS, or an explicit BENCH_RUNS, asks for more) to keep a
 * full `pnpm bench` under ten minutes on two cores.
 */
function sentinelContext(ctx: BenchContext): BenchContext {
  const explicitRuns = process.env.BENCH_RUNS ? ctx.runs : 1;
  return {
    ...ctx,
    runs: positiveIntEnv("BENCH_SENTINEL_RUNS", explicitRuns),
    tasks: positiveIntEnv("BENCH_SENTINEL_TASKS", ctx.tasks),
  };
}

export const sentinelSqliteSuite: BenchSuite = {
  id: "sentinel",
  async run(ctx): Promise<SuiteResult> {
    const runs = await runSentinelSqlite(sentinelContext(ctx), queueBenchOptionsFromEnv());
    const table = {
      id: "sentinel",
      label: "Task Sentinel",
      title: "Task Sentinel on SQLite (real worker processes, one database file), no-op tasks",
      notes: [
        "tasks/s: tasks pre-created through the store, then `apps/worker` processes started; first `startedAt` → last `finishedAt` (store clock).",
        "claim p50/p99: `max(createdAt, runAt)` → `startedAt` under open load after the backlog drained, with the worker's defaults (change watch on the WAL file, `data_version` checked every 20 ms while idle).",
        "idle CPU: the worker processes after the open load, with nothing arriving (heartbeat every 2 s in this bench).",
        "CPU ms/task: the worker processes, backlog phase (there is no broker process).",
      ],
    };
    return queueSuiteResult(table, runs);
  },
};
