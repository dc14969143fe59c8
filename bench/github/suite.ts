import type { BenchContext, BenchSuite, ReportSection, SuiteResult } from "../report.js";
import { type IdleResult, measureIdleWorkers } from "./idle-workers.js";
import { measurePerTask, type PerTaskResult } from "./per-task.js";
import { maxAdaptiveTaskRate, ORIGINAL, PER_HOUR, sustainedWorkers } from "./sustain-model.js";

const TASKS = 40;
const IDLE_MINUTES = 30;
const CLOCK_RATE = 120;
const MAX_LEASE_MS = 600_000;
const TASK_RATES = [0, 20, 40, 60, 80, 100];

const perTask = (count: number, tasks: number): number => count / tasks;

function perTaskSection(result: PerTaskResult, logging: PerTaskResult): ReportSection {
  const row = (who: string, counts: PerTaskResult["worker"]) => ({
    who,
    reads: perTask(counts.reads, result.tasks),
    notModified: perTask(counts.notModified, result.tasks),
    writes: perTask(counts.writes, result.tasks),
  });
  const total = {
    reads: result.producer.reads + result.worker.reads,
    notModified: result.producer.notModified + result.worker.notModified,
    writes: result.producer.writes + result.worker.writes,
  };
  return {
    id: "github-per-task",
    title: `GitHub mode: requests per task (${result.tasks} tasks over the emulator, its own count)`,
    columns: [
      { key: "who", label: "who" },
      { key: "reads", label: "reads (200)", digits: 2 },
      { key: "notModified", label: "304s (free)", digits: 2 },
      { key: "writes", label: "writes", digits: 2 },
    ],
    rows: [
      row("producer: create the task", result.producer),
      row("worker: claim (= start) → complete → close", result.worker),
      row("total", total),
      row("worker, task that logs (progress + lines, final flush)", logging.worker),
    ],
    notes: [
      "The producer posts from its own token; the worker lists claimable tasks, claims the batch (one settle delay), completes each task; no heartbeat falls inside the window.",
      `The worker store's own meter agrees: ${perTask(result.workerMeter.writes, result.tasks).toFixed(2)} writes, ${perTask(result.workerMeter.reads, result.tasks).toFixed(2)} reads and ${perTask(result.workerMeter.notModified, result.tasks).toFixed(2)} 304s per task.`,
      "Before this change a task cost the worker 4 writes (claim, start PATCH, result PATCH, close) + the producer's 1: the winning claim is now the start.",
      `Task logs are paid by use: a task that ends within taskLogFlushMs (15 s) writes its log in its outcome PATCH (the row above: ${perTask(logging.worker.writes, logging.tasks).toFixed(2)} writes, final batch only); one that runs longer posts a Logs comment at its first flush and PATCHes it once per 15 s while it logs, and once at its end.`,
    ],
  };
}

function idleSection(results: IdleResult[]): ReportSection {
  return {
    id: "github-idle",
    title: "GitHub mode: idle workers on one token, default settings (heartbeat 30 s, stale threshold 120 s)",
    columns: [
      { key: "workers", label: "workers on the login" },
      { key: "interval", label: "effective heartbeat s", digits: 0 },
      { key: "lease", label: "effective lease s", digits: 0 },
      { key: "perWorker", label: "writes / worker-hour", digits: 1 },
      { key: "token", label: "writes / hour on the token", digits: 0 },
      { key: "minutes", label: "emulated minutes measured", digits: 0 },
    ],
    rows: results.map((r) => ({
      workers: r.workers,
      interval: r.heartbeatIntervalMs / 1000,
      lease: r.leaseMs / 1000,
      perWorker: r.writesPerWorkerHour,
      token: r.writesPerWorkerHour * r.workers,
      minutes: r.emulatedMs / 60_000,
    })),
    notes: [
      `Measured over ${IDLE_MINUTES} emulated minutes with the emulator's clock at ${CLOCK_RATE}× real time, writes counted by the emulator and scaled linearly to an hour. Idle polls are reads (304 when nothing changed) and cost no write.`,
      "Heartbeats take at most 40 % of the login's 500 writes/hour: n workers beat every max(30 s, n · 18 s) and their lease stretches by the same factor (visible in each registration and in `budget().effective`).",
    ],
  };
}

function sustainSection(writesPerTask: number, idleWritesPerWorkerHour: number): ReportSection {
  const rows = TASK_RATES.map((rate) =>
    sustainedWorkers(rate, { writesPerTask, idleWritesPerWorkerHour }, MAX_LEASE_MS),
  );
  return {
    id: "github-sustain",
    title: `GitHub mode: workers one token sustains under ${PER_HOUR} writes/hour`,
    columns: [
      { key: "rate", label: "tasks / hour" },
      { key: "original", label: "original design (busy workers)" },
      { key: "fixed", label: "Sentinel, fixed 30 s heartbeat" },
      { key: "adaptive", label: "Sentinel, adaptive heartbeat (lease ≤ 10 min)" },
      { key: "lease", label: "its lease s" },
    ],
    rows: rows.map((r) => ({
      rate: r.tasksPerHour,
      original: r.original,
      fixed: r.fixed,
      adaptive: r.adaptive === null ? "paced" : r.adaptive,
      lease: r.adaptiveLeaseMs === null ? null : r.adaptiveLeaseMs / 1000,
    })),
    notes: [
      `Computed from the measured figures: ${writesPerTask.toFixed(2)} worker writes per task and ${idleWritesPerWorkerHour.toFixed(1)} writes per idle worker-hour (one worker on the login). Task writes on the producer's own token are not counted.`,
      `Original design (modelled): a lock comment per held lock every 30 s = ${ORIGINAL.lockWritesPerBusyWorkerHour} writes per busy worker-hour, plus ${ORIGINAL.workerWritesPerTask} worker writes per task (lock comment, result comment, delete the lock comment, close); workers = ⌊(500 − ${ORIGINAL.workerWritesPerTask} · rate) / ${ORIGINAL.lockWritesPerBusyWorkerHour}⌋. Its heartbeats are left out, which flatters it. Sentinel fixed: ⌊(500 − writes/task · rate) / writes per idle worker-hour⌋ (locks cost no writes: a worker's heartbeat keeps all its locks).`,
      `Sentinel adaptive: heartbeats stay within 40 % (200/h) for any number of workers and task writes are paced to the rest of a 90 % plan (250/h, up to ${maxAdaptiveTaskRate(writesPerTask).toFixed(0)} tasks/hour; "paced" = above that, writes wait for budget instead of tripping the limit). What bounds the number of workers is the stale threshold one accepts: n workers stretch it to 120 s · max(1, 0.6 n).`,
    ],
  };
}

export const githubSuite: BenchSuite = {
  id: "github",
  async run(ctx: BenchContext): Promise<SuiteResult> {
    ctx.log(`github: ${TASKS} tasks, producer and one worker, over the emulator`);
    const perTaskResult = await measurePerTask(TASKS);
    ctx.log(`github: ${TASKS} tasks that report progress and log lines`);
    const loggingResult = await measurePerTask(TASKS, { logging: true });
    const idle: IdleResult[] = [];
    for (const workers of [1, 4, 8]) {
      ctx.log(`github: ${workers} idle worker(s) on one login, ${IDLE_MINUTES} emulated minutes at ${CLOCK_RATE}×`);
      idle.push(await measureIdleWorkers(workers, IDLE_MINUTES, CLOCK_RATE));
    }
    const writesPerTask = perTaskResult.worker.writes / perTaskResult.tasks;
    const single = idle.find((r) => r.workers === 1);
    if (!single) throw new Error("the one-worker idle measurement is missing");
    return {
      sections: [
        perTaskSection(perTaskResult, loggingResult),
        idleSection(idle),
        sustainSection(writesPerTask, single.writesPerWorkerHour),
      ],
      headlines: [],
      facts: {},
      raw: { perTask: perTaskResult, perTaskLogging: loggingResult, idle },
    };
  },
};
