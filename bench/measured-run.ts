import { produceAtRate } from "./open-load.js";
import {
  type BacklogTiming,
  backlogFigures,
  type CpuSample,
  type OpenLoadResult,
  openLoadFor,
  type QueueBenchOptions,
  type QueueRun,
  type ServerCpuSpan,
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
  /** The database server's part of the two CPU readings, where the suite reads it apart. */
  serverCpu?: ServerCpuSpan;
  /** The backlog drained before the deadline. */
  drained: boolean;
}

/** How a queue system runs the open-load phases (numbered from 0, one per rate). */
export interface OpenLoadDriver {
  addOne: (phase: number) => Promise<unknown>;
  /** Until `total` open-load tasks (all phases so far) have completed. */
  drain: (total: number) => Promise<unknown>;
  /** Creation → start of each completed open-load task of `phase` (`count` were added). */
  startLatencies: (phase: number, count: number) => Promise<number[]>;
  /** CPU time of the worker processes so far (no broker), for the idle phase; null off Linux. */
  workerCpuMs: () => number | null;
  workerProcesses: number;
}

async function measureOpenLoads(
  options: QueueBenchOptions,
  backlogTasksPerSec: number,
  driver: OpenLoadDriver,
): Promise<OpenLoadResult[]> {
  const results: OpenLoadResult[] = [];
  let total = 0;
  for (const [phase, requestedRate] of options.openLoadRates.entries()) {
    const { ratePerSec, count } = openLoadFor(options, requestedRate, backlogTasksPerSec);
    await produceAtRate({ count, ratePerSec }, () => driver.addOne(phase));
    total += count;
    await driver.drain(total);
    const latencies = await driver.startLatencies(phase, count);
    results.push({ requestedRate, ratePerSec, count: latencies.length, latency: summarizeLatencies(latencies) });
  }
  return results;
}

/** Settling time before the idle phase: past any linger at the busy poll interval (Sentinel: one idle interval). */
const IDLE_SETTLE_MS = 1500;

/** Worker CPU while nothing arrives: what waiting for work costs (polls, change watches, heartbeats). */
async function measureIdleCpu(options: QueueBenchOptions, driver: OpenLoadDriver): Promise<number | null> {
  await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
  const from = driver.workerCpuMs();
  const started = performance.now();
  await new Promise((r) => setTimeout(r, options.idleSeconds * 1000));
  const to = driver.workerCpuMs();
  if (from === null || to === null) return null;
  return (to - from) / ((performance.now() - started) / 1000) / driver.workerProcesses;
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
  const figures = backlogFigures(backlog.timings, backlog.cpuFrom, backlog.cpuToMs, backlog.serverCpu);
  const openLoads = backlog.drained ? await measureOpenLoads(options, figures.tasksPerSec, openLoad) : [];
  return {
    system: run.system,
    workers: run.workers,
    concurrency: options.concurrency,
    run: run.run,
    tasks: ctx.tasks,
    completed: backlog.timings.length,
    ...figures,
    backlogWait: summarizeLatencies(backlog.waits),
    openLoads,
    idleCpuMsPerSec: backlog.drained ? await measureIdleCpu(options, openLoad) : null,
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
      const open = result.openLoads.map((o) => `${o.ratePerSec}/s p50 ${o.latency.p50} ms p99 ${o.latency.p99} ms`);
      ctx.log(
        `${result.system} ${workers}×${options.concurrency} run ${run}/${ctx.runs}: ${Math.round(result.tasksPerSec)} ${unit}/s` +
          `${result.timedOut ? ` (TIMED OUT: ${result.completed}/${result.tasks} done)` : ""}, ` +
          `CPU ${result.cpuMsPerTask?.toFixed(3) ?? "-"} ms/task, open load ${open.join(", ") || "-"}, ` +
          `idle CPU ${result.idleCpuMsPerSec?.toFixed(1) ?? "-"} ms/s per process`,
      );
      runs.push(result);
    }
  }
  return runs;
}
