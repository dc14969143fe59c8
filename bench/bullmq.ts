import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { type LaunchedProcess, launchTsx, waitForMessage } from "@sentinel/test-support/processes";
import { type Job, Queue } from "bullmq";
import { measuredRun, runEachConfiguration } from "./measured-run.js";
import { totalCpuMs } from "./process-cpu.js";
import { type QueueBenchOptions, type QueueRun, queueBenchOptionsFromEnv, queueSuiteResult } from "./queue-run.js";
import { type RedisServerHandle, startRedisServer } from "./redis-server.js";
import type { BenchContext, BenchSuite, SuiteResult } from "./report.js";

const WORKER_ENTRY = fileURLToPath(new URL("./bullmq-worker.ts", import.meta.url));
const POLL_MS = 100;

const isReady = (m: unknown): m is { type: "ready" } =>
  typeof m === "object" && m !== null && (m as { type?: unknown }).type === "ready";

async function waitForCompleted(queue: Queue, target: number, deadline: number): Promise<boolean> {
  for (;;) {
    const completed = await queue.getCompletedCount();
    if (completed >= target) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function completedJobs(queue: Queue, newest: number): Promise<Job[]> {
  // The completed set is ordered by finish time; newest first when asc = false.
  return (await queue.getJobs(["completed"], 0, newest - 1, false)) as Job[];
}

async function runOnce(
  redis: RedisServerHandle,
  workers: number,
  run: number,
  ctx: BenchContext,
  options: QueueBenchOptions,
): Promise<QueueRun> {
  const port = redis.port;
  const connection = { host: "127.0.0.1", port, maxRetriesPerRequest: null };
  const name = `bench-${workers}w-${run}-${Date.now()}`;
  const queue = new Queue(name, { connection });
  const children: LaunchedProcess[] = [];
  try {
    for (let i = 0; i < ctx.tasks; i += 1000) {
      const n = Math.min(1000, ctx.tasks - i);
      await queue.addBulk(Array.from({ length: n }, () => ({ name: "backlog", data: {} })));
    }
    for (let i = 0; i < workers; i++) {
      children.push(
        launchTsx(WORKER_ENTRY, {
          label: `bullmq-worker ${i}`,
          ipc: true,
          env: { BENCH_REDIS_PORT: String(port), BENCH_QUEUE: name, BENCH_CONCURRENCY: String(options.concurrency) },
        }),
      );
    }
    await Promise.all(children.map((c, i) => waitForMessage(c.child, isReady, 30_000, `bullmq-worker ${i}`)));
    const pids = [...children.map((c) => c.child.pid), redis.pid];
    const cpuFrom = { at: Date.now(), ms: totalCpuMs(pids) };

    const backlogDone = await waitForCompleted(queue, ctx.tasks, Date.now() + options.deadlineMs);
    const cpuToMs = totalCpuMs(pids);
    const backlog = (await completedJobs(queue, ctx.tasks)).filter((j) => j.name === "backlog");
    const waitOf = (j: Job): number => (j.processedOn ?? Number.NaN) - j.timestamp;
    return await measuredRun(
      { system: "bullmq", workers, run },
      ctx,
      options,
      {
        timings: backlog.map((j) => ({ startedAt: j.processedOn, finishedAt: j.finishedOn })),
        waits: backlog.map(waitOf),
        cpuFrom,
        cpuToMs,
        drained: backlogDone,
      },
      {
        addOne: (phase) => queue.add(`open-${phase}`, {}),
        drain: (total) => waitForCompleted(queue, ctx.tasks + total, Date.now() + options.deadlineMs),
        startLatencies: async (phase, count) =>
          (await completedJobs(queue, count)).filter((j) => j.name === `open-${phase}`).map(waitOf),
        workerCpuMs: () => totalCpuMs(children.map((c) => c.child.pid)),
        workerProcesses: workers,
      },
    );
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

export function bullmqVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("bullmq/package.json") as { version: string }).version;
}

export async function runBullmq(
  ctx: BenchContext,
  options: QueueBenchOptions,
): Promise<{ runs: QueueRun[]; redisVersion: string }> {
  const redis = await startRedisServer();
  try {
    const runs = await runEachConfiguration(ctx, options, "jobs", (workers, run) =>
      runOnce(redis, workers, run, ctx, options),
    );
    return { runs, redisVersion: redis.version };
  } finally {
    await redis.stop();
  }
}

export const bullmqSuite: BenchSuite = {
  id: "bullmq",
  async run(ctx): Promise<SuiteResult> {
    const options = queueBenchOptionsFromEnv();
    const { runs, redisVersion } = await runBullmq(ctx, options);
    const table = {
      id: "bullmq",
      label: "BullMQ",
      title: "BullMQ on local Redis (no persistence), no-op jobs",
      notes: [
        "tasks/s: jobs pre-created, then worker processes started; first `processedOn` → last `finishedOn`.",
        "claim p50/p99: `job.timestamp` → `processedOn` under open load after the backlog drained (rate in the column).",
        "CPU ms/task: worker processes + redis-server, backlog phase.",
      ],
    };
    return queueSuiteResult(table, runs, { redis: redisVersion, bullmq: bullmqVersion() });
  },
};
