import { runEachConfiguration } from "../measured-run.js";
import {
  positiveIntEnv,
  type QueueBenchOptions,
  type QueueRun,
  queueBenchOptionsFromEnv,
  queueSuiteResult,
} from "../queue-run.js";
import type { BenchContext, BenchSuite, ReportSection, SuiteResult } from "../report.js";
import { runGraphileWorker } from "./graphile-worker.js";
import { packageVersion } from "./package-version.js";
import { runPgBoss } from "./pg-boss.js";
import { PG_BOSS_SETTINGS_NOTE } from "./pg-boss-settings.js";
import { runSentinelPostgres } from "./sentinel.js";
import { type BenchPostgres, startBenchPostgres } from "./server.js";
import { peerRatioSection } from "./summary.js";

/**
 * Task Sentinel on Postgres against graphile-worker and pg-boss: one throwaway server per
 * `pnpm bench` run, every run of every system in a database of its own on it, the systems
 * taking turns at each process count so a change in the machine's load hits all three alike.
 */
type RunOnce = (
  server: BenchPostgres,
  workers: number,
  run: number,
  ctx: BenchContext,
  options: QueueBenchOptions,
) => Promise<QueueRun>;

interface System {
  id: string;
  label: string;
  title: string;
  runOnce: RunOnce;
  notes: string[];
}

/** What the three tables have in common, said once under the side-by-side table. */
const COMMON_NOTES = [
  "claim p50/p99: creation (or a later run-at) → claim, by the system's own timestamps, under open load after the backlog drained (rate in the column, capped at half the configuration's measured throughput).",
  'CPU ms/task: the worker processes plus the whole Postgres server (postmaster and every backend, including ones that ended), backlog phase; "of which DB server" is the server\'s part.',
  "idle CPU: the worker processes only, after the open load, with nothing arriving.",
];

const SYSTEMS: System[] = [
  {
    id: "postgres-sentinel",
    label: "Task Sentinel",
    title: "Task Sentinel on Postgres (real worker processes), no-op tasks",
    runOnce: runSentinelPostgres,
    notes: [
      "tasks/s: tasks created through the store, then `apps/worker` processes started with SENTINEL_STORE=postgres; first `startedAt` → last `finishedAt` (server clock).",
      "Worker defaults: an idle worker wakes on LISTEN/NOTIFY (sent by transitions that may make work claimable) and checks the store's work counter once a second in case a notification was lost; every write transaction takes the store's one advisory write lock; heartbeat every 2 s in this bench. Each run creates its backlog just before the workers start; the store analyzes the table itself within a few seconds of such a burst (store/postgres/planner-statistics.ts), where autovacuum would take up to a minute and the claim poll would sort the backlog meanwhile.",
    ],
  },
  {
    id: "postgres-graphile-worker",
    label: "graphile-worker",
    title: "graphile-worker on the same server, no-op jobs",
    runOnce: runGraphileWorker,
    notes: [
      "tasks/s: jobs added in bulk (`addJobs`), then worker processes started; first `locked_at` → last task return (graphile-worker deletes a finished job, so each process records its jobs).",
      "graphile-worker: `concurrency` 10 per process, `maxPoolSize` 12 (its advice: 10 or concurrency + 2), its defaults otherwise: LISTEN/NOTIFY on new jobs with the 2 s poll as fallback, no local queue, no completion batching; success log lines off (NO_LOG_SUCCESS).",
    ],
  },
  {
    id: "postgres-pg-boss",
    label: "pg-boss",
    title: "pg-boss on the same server, no-op jobs",
    runOnce: runPgBoss,
    notes: [
      "tasks/s: jobs inserted in bulk (`insert`), then worker processes started; first `started_on` → last `completed_on` (server clock).",
      PG_BOSS_SETTINGS_NOTE,
    ],
  },
];

/**
 * The same runs and backlog for all three systems. By default one run per configuration and
 * a backlog of 5,000 (BENCH_POSTGRES_RUNS / BENCH_POSTGRES_TASKS, or an explicit BENCH_RUNS /
 * BENCH_TASKS, ask for others): Task Sentinel's claim poll on Postgres sorts the whole
 * claimable backlog on every poll, so at the other suites' 20,000 its runs outlast the deadline.
 */
const DEFAULT_TASKS = 5000;

function postgresContext(ctx: BenchContext): BenchContext {
  return {
    ...ctx,
    runs: positiveIntEnv("BENCH_POSTGRES_RUNS", process.env.BENCH_RUNS ? ctx.runs : 1),
    tasks: positiveIntEnv("BENCH_POSTGRES_TASKS", process.env.BENCH_TASKS ? ctx.tasks : DEFAULT_TASKS),
  };
}

async function runAll(server: BenchPostgres, ctx: BenchContext, options: QueueBenchOptions): Promise<QueueRun[][]> {
  const runs: QueueRun[][] = SYSTEMS.map(() => []);
  for (const workers of options.workerCounts) {
    for (const [i, system] of SYSTEMS.entries()) {
      const once = (w: number, run: number) => system.runOnce(server, w, run, ctx, options);
      runs[i]?.push(...(await runEachConfiguration(ctx, { ...options, workerCounts: [workers] }, "tasks", once)));
    }
  }
  return runs;
}

export const postgresSuite: BenchSuite = {
  id: "postgres",
  async run(outer): Promise<SuiteResult> {
    const ctx = postgresContext(outer);
    const options = queueBenchOptionsFromEnv();
    const server = await startBenchPostgres();
    let runs: QueueRun[][];
    try {
      runs = await runAll(server, ctx, options);
    } finally {
      await server.stop();
    }
    const results = SYSTEMS.map((system, i) =>
      queueSuiteResult({ id: system.id, label: system.label, title: system.title, notes: system.notes }, runs[i] ?? []),
    );
    const summary = peerRatioSection(
      "postgres",
      "Postgres: side by side on one server (no-op tasks, medians)",
      results.flatMap((r) => r.headlines),
      [
        { label: "graphile-worker", key: "graphile" },
        { label: "pg-boss", key: "pgBoss" },
      ],
      [
        `One Postgres server for the three systems (${server.version}; fsync, synchronous_commit and full_page_writes off, as in the tests), a new database per run; graphile-worker ${packageVersion("graphile-worker")}, pg-boss ${packageVersion("pg-boss")}; ${ctx.tasks.toLocaleString("en-US")} backlog tasks per run, ${ctx.runs} run(s) per configuration (BENCH_POSTGRES_RUNS), concurrency ${options.concurrency} per process.`,
        "Throughput and CPU ratios are against the named system at the same process count in the same run, which took turns with the others at each process count.",
        ...COMMON_NOTES,
        `The backlog is ${DEFAULT_TASKS.toLocaleString("en-US")} by default here (BENCH_POSTGRES_TASKS), not the other suites' 20,000: at Task Sentinel's throughput on Postgres (one write transaction at a time, several statements per task) a 20,000-task run takes minutes per configuration.`,
      ],
    );
    const sections: ReportSection[] = [
      {
        ...summary,
        docBlock: { name: "postgres", heading: "Postgres: Task Sentinel, graphile-worker and pg-boss on one server" },
      },
      ...results.flatMap((r) => r.sections),
    ];
    return {
      sections,
      headlines: [],
      facts: {
        postgres: server.version,
        "graphile-worker": packageVersion("graphile-worker"),
        "pg-boss": packageVersion("pg-boss"),
      },
      raw: Object.fromEntries(SYSTEMS.map((s, i) => [s.id, runs[i]])),
    };
  },
};
