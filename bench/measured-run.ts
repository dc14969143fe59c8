import { produceAtRate } from "./open-load.js";
import {
  type BacklogTiming,
  backlogFigures,
  type CpuSample,
  openLoadFor,
  type QueueBenchOptions,
  type QueueRun,
} from "./queue-run.js";
import type { BenchContext } from "./report.js";
import { summarizeLatencies } from "./stats.js";

/** What one queue system measured in its backlog phase, each by its own timestamps. */
export interface BacklogPhase {
  timings: BacklogTiming[];
  /** Creation → start of each backlog task. */
  waits: number[];
  cpuFrom: CpuSample;
  cpuToMs: number | null;
  /** The backlog drained before the deadline. */
  drained: boolean;
}

/** How a queue system runs the open-load phase; `count` is how many open-load tasks were added. */
export interface OpenLoadDriver {
  addOne: () => Promise<unknown>;
  drain: (count: number) => Promise<unknown>;
  /** Creation → start of each completed open-load task. */
  startLatencies: (count: number) => Promise<number[]>;
}

async function measureOpenLoad(
  options: QueueBenchOptions,
  backlogTasksPerSec: number,
  driver: OpenLoadDriver,
): Promise<QueueRun["openLoad"]> {
  const { ratePerSec, count } = openLoadFor(options, backlogTasksPerSec);
  await produceAtRate({ count, ratePerSec }, driver.addOne);
  await driver.drain(count);
  const latencies = await driver.startLatencies(count);
  return { ratePerSec, count: latencies.length, latency: summarizeLatencies(latencies) };
}

/**
 * One run's result: the backlog figures, then, only if the backlog drained (a timed-out
 * backlog would swamp it), the open-load phase.
 */
export async function measuredRun(
  run: { system: string; workers: number; run: number },
  ctx: BenchContext,
  options: QueueBenchOptions,
  backlog: BacklogPhase,
  openLoad: OpenLoadDriver,
): Promise<QueueRun> {
  const figures = backlogFigures(backlog.timings, backlog.cpuFrom, backlog.cpuToMs);
  return {
    system: run.system,
    workers: run.workers,
    concurrency: options.concurrency,
    run: run.run,
    tasks: ctx.tasks,
    completed: backlog.timings.length,
    ...figures,
    backlogWait: summarizeLatencies(backlog.waits),
    openLoad: backlog.drained ? await measureOpenLoad(options, figures.tasksPerSec, openLoad) : null,
    timedOut: !backlog.drained,
  };
}

/** Runs `once` `ctx.runs` times per worker count, logging each run's figures as it ends. */
export async function runEachConfiguration(
  ctx: BenchContext,
  options: QueueBenchOptions,
  unit: string,
  once: (workers: number, run: number) => Promise<QueueRun>,
): Promise<QueueRun[]> {
  const runs: QueueRun[] = [];
  for (const workers of options.workerCounts) {
    for (let run = 1; run <= ctx.runs; run++) {
      const result = await once(workers, run);
      const open = result.openLoad;
      ctx.log(
        `${result.system} ${workers}×${options.concurrency} run ${run}/${ctx.runs}: ${Math.round(result.tasksPerSec)} ${unit}/s` +
          `${result.timedOut ? ` (TIMED OUT: ${result.completed}/${result.tasks} done)` : ""}, ` +
          `open load ${open?.ratePerSec ?? "-"}/s p50 ${open?.latency.p50 ?? "-"} ms p99 ${open?.latency.p99 ?? "-"} ms`,
      );
      runs.push(result);
    }
  }
  return runs;
}
