import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { launchTsx, waitForMessage } from "@sentinel/test-support/processes";
import { type Job, Queue } from "bullmq";
import { produceAtRate } from "./open-load.js";
import { totalCpuMs } from "./process-cpu.js";
import {
  backlogFigures,
  openLoadFor,
  type QueueBenchOptions,
  type QueueRun,
  queueBenchOptionsFromEnv,
  queueHeadlines,
  queueSection,
} from "./queue-run.js";
import { type RedisServerHandle, startRedisServer } from "./redis-server.js";
import type { BenchContext, BenchSuite, SuiteResult } from "./report.js";
import { summarizeLatencies } from "./stats.js";

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
  const children = [];
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
    const cpuTo = totalCpuMs(pids);
    const backlog = (await completedJobs(queue, ctx.tasks)).filter((j) => j.name === "backlog");
    const { elapsedMs, tasksPerSec, cpuMsPerTask } = backlogFigures(
      backlog.map((j) => ({ startedAt: j.processedOn, finishedAt: j.finishedOn })),
      cpuFrom,
      cpuTo,
    );

    let openLoad: QueueRun["openLoad"] = null;
    if (backlogDone) {
      const { ratePerSec, count } = openLoadFor(options, tasksPerSec);
      await produceAtRate({ count, ratePerSec }, () => queue.add("open", {}));
      await waitForCompleted(queue, ctx.tasks + count, Date.now() + options.deadlineMs);
      const open = (await completedJobs(queue, count)).filter((j) => j.name === "open");
      openLoad = {
        ratePerSec,
        count: open.length,
        latency: summarizeLatencies(open.map((j) => (j.processedOn ?? Number.NaN) - j.timestamp)),
      };
    }
    return {
      system: "bullmq",
      workers,
      concurrency: options.concurrency,
      run,
      tasks: ctx.tasks,
      completed: backlog.length,
      elapsedMs,
      tasksPerSec,
      backlogWait: summarizeLatencies(backlog.map((j) => (j.processedOn ?? Number.NaN) - j.timestamp)),
      cpuMsPerTask,
      openLoad,
      timedOut: !backlogDone,
    };
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
    const runs: QueueRun[] = [];
    for (const workers of options.workerCounts) {
      for (let run = 1; run <= ctx.runs; run++) {
        const result = await runOnce(redis, workers, run, ctx, options);
        ctx.log(
          `bullmq ${workers}×${options.concurrency} run ${run}/${ctx.runs}: ${Math.round(result.tasksPerSec)} jobs/s, ` +
            `open load ${result.openLoad?.ratePerSec ?? "-"}/s p50 ${result.openLoad?.latency.p50 ?? "-"} ms p99 ${result.openLoad?.latency.p99 ?? "-"} ms`,
        );
        runs.push(result);
      }
    }
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
    const section = queueSection("bullmq", "BullMQ on local Redis (no persistence), no-op jobs", runs, [
      "tasks/s: jobs pre-created, then worker processes started; first `processedOn` → last `finishedOn`.",
      "claim p50/p99: `job.timestamp` → `processedOn` under open load after the backlog drained (rate in the column).",
      "CPU ms/task: worker processes + redis-server, backlog phase.",
    ]);
    return {
      sections: [section],
      headlines: queueHeadlines("BullMQ", section),
      facts: { redis: redisVersion, bullmq: bullmqVersion() },
      raw: runs,
    };
  },
};
