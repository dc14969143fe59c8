import type { CoordinationStore, Task } from "@sentinel/coordination";
import { newTaskSchema } from "@sentinel/coordination";
import { type LaunchedProcess, launchWorker } from "@sentinel/test-support/processes";
import { measuredRun } from "./measured-run.js";
import { readCpu, totalCpuMs } from "./process-cpu.js";
import type { QueueBenchOptions, QueueRun } from "./queue-run.js";
import type { BenchContext } from "./report.js";

/**
 * One run of Task Sentinel as shipped, whatever the backend: real `apps/worker` processes
 * (the product's claim loop, strategy, locks and events) started against a store the bench
 * filled through the store port, figures read from the store's own timestamps afterwards.
 * The backend is chosen by the worker processes' environment, as in production.
 */
export interface SentinelBackend {
  /** Names the runs in the log and the raw results ("sentinel", "sentinel-postgres"). */
  system: string;
  /** The bench's own connection to the store the workers use. */
  store: CoordinationStore;
  /** What selects that store in a worker process (e.g. SENTINEL_DATA_DIR, or SENTINEL_STORE + SENTINEL_POSTGRES_URL). */
  workerEnv: Record<string, string>;
  /** CPU time of a database server process tree the workers talk to, counted with theirs (Postgres). */
  serverCpuMs?: () => number | null;
}

const POLL_MS = 100;
const PAGE = 500;
/** Creates in flight at once while filling the backlog: overlaps round trips on a networked store. */
const CREATE_PARALLELISM = 8;
const OPEN_CREATED_BY = "bench-open-load";
const BACKLOG_CREATED_BY = "bench-backlog";

const BACKLOG_TITLE = "bench backlog";
const OPEN_TITLE = "bench open load";

async function createNoop(store: CoordinationStore, title: string, actor: string): Promise<Task> {
  return store.createTask(newTaskSchema.parse({ type: "noop", title, maxAttempts: 1 }), actor);
}

async function createBacklog(store: CoordinationStore, count: number): Promise<void> {
  for (let i = 0; i < count; i += CREATE_PARALLELISM) {
    const n = Math.min(CREATE_PARALLELISM, count - i);
    await Promise.all(Array.from({ length: n }, () => createNoop(store, BACKLOG_TITLE, BACKLOG_CREATED_BY)));
  }
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
        `sentinel worker ${ids[dead]} exited with code ${children[dead]?.child.exitCode} before registering: ${children[dead]?.stderrTail().slice(-1500)}`,
      );
    if (Date.now() > deadline)
      throw new Error(`sentinel workers not all registered in time: have ${[...live].join(", ") || "none"}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const startLatency = (t: Task): number => (t.startedAt ?? Number.NaN) - Math.max(t.createdAt, t.runAt);

export async function runSentinelWorkers(
  backend: SentinelBackend,
  workers: number,
  run: number,
  ctx: BenchContext,
  options: QueueBenchOptions,
): Promise<QueueRun> {
  const { store } = backend;
  const children: LaunchedProcess[] = [];
  try {
    await createBacklog(store, ctx.tasks);

    const ids = Array.from({ length: workers }, (_, i) => `bench-w${i + 1}`);
    for (const id of ids) {
      children.push(
        launchWorker({
          id,
          env: { WORKER_MAX_TASKS: String(options.concurrency), HEARTBEAT_INTERVAL_MS: "2000", ...backend.workerEnv },
        }),
      );
    }
    await waitForWorkers(store, ids, children, Date.now() + 30_000);
    const pids = children.map((c) => c.child.pid);
    const at = await store.now(); // the store clock, as the tasks' timestamps
    const from = readCpu(pids, backend.serverCpuMs);

    const backlogDone = await waitForDrain(store, Date.now() + options.deadlineMs);
    const to = readCpu(pids, backend.serverCpuMs);
    const backlog = (await listAll(store, ["succeeded"])).filter((t) => t.title === BACKLOG_TITLE);
    return await measuredRun(
      { system: backend.system, workers, run },
      ctx,
      options,
      {
        timings: backlog,
        waits: backlog.map(startLatency),
        cpuFrom: { at, ms: from.total },
        cpuToMs: to.total,
        ...(backend.serverCpuMs ? { serverCpu: { from: from.server, to: to.server } } : {}),
        drained: backlogDone,
      },
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
  }
}
