import type { Headline, ReportSection, SuiteResult } from "./report.js";
import { type LatencySummary, median, throughputPerSecond } from "./stats.js";

/** One run of a queue system (Sentinel or a peer) at one worker count; the shape both benchmarks share. */
export interface QueueRun {
  system: string;
  workers: number;
  concurrency: number;
  run: number;
  /** Backlog phase: `tasks` no-op tasks created before the workers start. */
  tasks: number;
  completed: number;
  /** First start → last completion, by the system's own timestamps. */
  elapsedMs: number;
  tasksPerSec: number;
  /** Creation → start during the backlog phase: mostly time spent waiting behind other tasks. */
  backlogWait: LatencySummary;
  /** Worker (and broker) CPU time during the backlog phase per completed task; null off Linux. */
  cpuMsPerTask: number | null;
  /** The database server's part of `cpuMsPerTask`, where the suite measures a server apart (Postgres). */
  serverCpuMsPerTask?: number | null;
  /** Open load after the backlog drained, one phase per configured rate: tasks arrive at `ratePerSec` while workers idle-poll. */
  openLoads: OpenLoadResult[];
  /** CPU time the worker processes (not a broker) use while nothing arrives, per second per process; null off Linux. */
  idleCpuMsPerSec: number | null;
  /** The run hit its deadline; figures cover what completed. */
  timedOut: boolean;
}

export interface OpenLoadResult {
  /** The rate asked for (BENCH_OPEN_LOAD_RATES); `ratePerSec` may be lower (see openLoadFor). */
  requestedRate: number;
  ratePerSec: number;
  count: number;
  latency: LatencySummary;
}

/** When one completed backlog task started and finished, by the system's own clock. */
export interface BacklogTiming {
  startedAt?: number | null;
  finishedAt?: number | null;
}

/** A CPU reading (`totalCpuMs`) taken at `at`, on the same clock as the tasks' timestamps. */
export interface CpuSample {
  at: number;
  ms: number | null;
}

/** The database server's CPU readings at the same two instants, where a suite reads them apart. */
export interface ServerCpuSpan {
  from: number | null;
  to: number | null;
}

/**
 * The backlog phase's figures: throughput over first start → last finish, and CPU per task
 * over the tasks that started after the first CPU reading (earlier ones were paid for before it).
 */
export function backlogFigures(
  backlog: BacklogTiming[],
  cpuFrom: CpuSample,
  cpuToMs: number | null,
  serverCpu?: ServerCpuSpan,
): Pick<QueueRun, "elapsedMs" | "tasksPerSec" | "cpuMsPerTask" | "serverCpuMsPerTask"> {
  const firstStart = Math.min(...backlog.map((t) => t.startedAt ?? Infinity));
  const lastFinish = Math.max(...backlog.map((t) => t.finishedAt ?? -Infinity));
  const measuredTasks = backlog.filter((t) => (t.startedAt ?? 0) >= cpuFrom.at).length;
  const perTask = (from: number | null, to: number | null): number | null =>
    from !== null && to !== null && measuredTasks > 0 ? (to - from) / measuredTasks : null;
  return {
    elapsedMs: lastFinish - firstStart,
    tasksPerSec: throughputPerSecond(backlog.length, firstStart, lastFinish),
    cpuMsPerTask: perTask(cpuFrom.ms, cpuToMs),
    ...(serverCpu ? { serverCpuMsPerTask: perTask(serverCpu.from, serverCpu.to) } : {}),
  };
}

export interface QueueBenchOptions {
  workerCounts: number[];
  concurrency: number;
  /** Arrival rates of the open-load phases, one phase each, in this order. */
  openLoadRates: number[];
  openLoadSeconds: number;
  /** How long the idle workers' CPU is watched after the open load. */
  idleSeconds: number;
  /** Per phase. */
  deadlineMs: number;
}

export function positiveIntEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

export function queueBenchOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): QueueBenchOptions {
  const int = (name: string, fallback: number): number => positiveIntEnv(name, fallback, env);
  const list = (name: string, fallback: string): number[] => {
    const values = (env[name] || fallback).split(",").map((s) => Number(s.trim()));
    if (values.some((n) => !Number.isInteger(n) || n <= 0))
      throw new Error(`${name} must be a comma-separated list of positive integers, got ${JSON.stringify(env[name])}`);
    return values;
  };
  return {
    workerCounts: list("BENCH_WORKERS", "1,2,4"),
    concurrency: int("BENCH_CONCURRENCY", 10),
    openLoadRates: list("BENCH_OPEN_LOAD_RATES", "500,2000"),
    openLoadSeconds: int("BENCH_OPEN_LOAD_SECONDS", 3),
    idleSeconds: int("BENCH_IDLE_SECONDS", 5),
    deadlineMs: int("BENCH_DEADLINE_MS", 300_000),
  };
}

/**
 * Open-load rate for a configuration: the configured rate, but at most half the measured
 * backlog throughput, so the latency phase measures claim latency rather than a backlog.
 */
export function openLoadFor(
  options: QueueBenchOptions,
  requestedRate: number,
  backlogTasksPerSec: number,
): { ratePerSec: number; count: number } {
  const ratePerSec = Math.max(1, Math.min(requestedRate, Math.floor(backlogTasksPerSec / 2)));
  return { ratePerSec, count: Math.max(1, ratePerSec * options.openLoadSeconds) };
}

/** The open-load result at the `index`-th configured rate, if that phase ran. */
const openLoadAt = (run: QueueRun, index: number): OpenLoadResult | undefined => run.openLoads[index];

function queueSection(id: string, title: string, runs: QueueRun[], notes: string[]): ReportSection {
  const configs = [...new Set(runs.map((r) => `${r.workers}×${r.concurrency}`))];
  const rates = runs[0]?.openLoads.map((o) => o.requestedRate) ?? [];
  const medianOf = (values: number[]): number | null => (values.length ? median(values) : null);
  const withServerCpu = runs.some((r) => r.serverCpuMsPerTask !== undefined);
  const rows = configs.map((config) => {
    const mine = runs.filter((r) => `${r.workers}×${r.concurrency}` === config);
    const row: Record<string, string | number | null> = {
      config: `${mine[0]?.system ?? id} ${config}`,
      tasksPerSec: median(mine.map((r) => r.tasksPerSec)),
      cpuMsPerTask: medianOf(mine.flatMap((r) => (r.cpuMsPerTask === null ? [] : [r.cpuMsPerTask]))),
      serverCpuMsPerTask: medianOf(
        mine.flatMap((r) => (typeof r.serverCpuMsPerTask === "number" ? [r.serverCpuMsPerTask] : [])),
      ),
      idleCpu: medianOf(mine.flatMap((r) => (r.idleCpuMsPerSec === null ? [] : [r.idleCpuMsPerSec]))),
      backlogP50: median(mine.map((r) => r.backlogWait.p50)),
      runs: `${mine.length}${mine.some((r) => r.timedOut) ? " (timed out)" : ""}`,
    };
    rates.forEach((_, i) => {
      const open = mine.flatMap((r) => openLoadAt(r, i) ?? []);
      const rate = medianOf(open.map((o) => o.ratePerSec));
      row[`rate${i}`] = rate;
      row[`p50_${i}`] = medianOf(open.map((o) => o.latency.p50));
      row[`p99_${i}`] = medianOf(open.map((o) => o.latency.p99));
    });
    return row;
  });
  return {
    id,
    title,
    columns: [
      { key: "config", label: "processes × concurrency" },
      { key: "tasksPerSec", label: "tasks/s" },
      { key: "cpuMsPerTask", label: "CPU ms/task", digits: 3 },
      ...(withServerCpu ? [{ key: "serverCpuMsPerTask", label: "of which DB server", digits: 3 }] : []),
      ...rates.flatMap((rate, i) => [
        { key: `rate${i}`, label: `open load /s (asked ${rate})` },
        { key: `p50_${i}`, label: `claim p50 ms @${rate}/s`, digits: 1 },
        { key: `p99_${i}`, label: `claim p99 ms @${rate}/s`, digits: 1 },
      ]),
      { key: "idleCpu", label: "idle CPU ms/s per process", digits: 1 },
      { key: "backlogP50", label: "backlog wait p50 ms" },
      { key: "runs", label: "runs" },
    ],
    rows,
    notes,
  };
}

function queueHeadlines(label: string, section: ReportSection): Headline[] {
  const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
  return section.rows.map((row) => ({
    label: `${label} ${String(row.config).split(" ").pop()}`,
    tasksPerSec: num(row.tasksPerSec),
    cpuMsPerTask: num(row.cpuMsPerTask),
    p50Ms: num(row.p50_0),
    p99Ms: num(row.p99_0),
    p50HighMs: num(row.p50_1),
    p99HighMs: num(row.p99_1),
    idleCpuMsPerSec: num(row.idleCpu),
  }));
}

/** A queue suite's result: its one table, the headline rows named `label`, and the runs as raw data. */
export function queueSuiteResult(
  table: { id: string; label: string; title: string; notes: string[] },
  runs: QueueRun[],
  facts: Record<string, string> = {},
): SuiteResult {
  const section = queueSection(table.id, table.title, runs, table.notes);
  return { sections: [section], headlines: queueHeadlines(table.label, section), facts, raw: runs };
}
