import { fileURLToPath } from "node:url";
import { type LaunchedProcess, launchTsx, waitForMessage } from "@sentinel/test-support/processes";
import { PgBoss } from "pg-boss";
import { measuredRun } from "../measured-run.js";
import { readCpu, totalCpuMs } from "../process-cpu.js";
import type { QueueBenchOptions, QueueRun } from "../queue-run.js";
import type { BenchContext } from "../report.js";
import { isReady } from "./peer-process.js";
import { PG_BOSS_QUEUE } from "./pg-boss-settings.js";
import type { BenchPostgres } from "./server.js";

const WORKER_ENTRY = fileURLToPath(new URL("./pg-boss-process.ts", import.meta.url));
const POLL_MS = 100;
const BULK = 1000;
const BACKLOG = "backlog";
const openPhase = (phase: number): string => `open-${phase}`;

/** A finished job by pg-boss's own timestamps (server clock), in epoch ms. */
interface JobTimes {
  createdOn: number;
  startAfter: number;
  startedOn: number;
  completedOn: number;
}

const ms = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::float8`;

async function completedJobs(boss: PgBoss, phase: string): Promise<JobTimes[]> {
  const { rows } = await boss
    .getDb()
    .executeSql(
      `SELECT ${ms("created_on")} AS "createdOn", ${ms("start_after")} AS "startAfter", ${ms("started_on")} AS "startedOn", ${ms("completed_on")} AS "completedOn" FROM pgboss.job WHERE name = $1 AND state = 'completed' AND data->>'phase' = $2`,
      [PG_BOSS_QUEUE, phase],
    );
  return rows as JobTimes[];
}

/** Until no job of the queue is waiting or running. */
async function waitForDrain(boss: PgBoss, deadline: number): Promise<boolean> {
  for (;;) {
    const { rows } = await boss
      .getDb()
      .executeSql("SELECT count(*)::int AS left FROM pgboss.job WHERE name = $1 AND state <> 'completed'", [
        PG_BOSS_QUEUE,
      ]);
    if ((rows[0] as { left: number } | undefined)?.left === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

const claimLatency = (j: JobTimes): number => j.startedOn - Math.max(j.createdOn, j.startAfter);

async function runOnce(
  server: BenchPostgres,
  url: string,
  workers: number,
  run: number,
  ctx: BenchContext,
  options: QueueBenchOptions,
): Promise<QueueRun> {
  // The bench's own instance only produces and reads: no maintenance or cron from it.
  const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false });
  boss.on("error", (error: Error) => ctx.log(`pg-boss (bench side): ${error.message}`));
  const children: LaunchedProcess[] = [];
  await boss.start();
  try {
    await boss.createQueue(PG_BOSS_QUEUE, { notify: true });
    for (let i = 0; i < ctx.tasks; i += BULK) {
      const n = Math.min(BULK, ctx.tasks - i);
      await boss.insert(
        PG_BOSS_QUEUE,
        Array.from({ length: n }, () => ({ data: { phase: BACKLOG } })),
      );
    }
    for (let i = 0; i < workers; i++) {
      children.push(
        launchTsx(WORKER_ENTRY, {
          label: `pg-boss ${i}`,
          ipc: true,
          env: { BENCH_DATABASE_URL: url, BENCH_CONCURRENCY: String(options.concurrency) },
        }),
      );
    }
    await Promise.all(children.map((c) => waitForMessage(c.child, isReady, 30_000, c.label)));
    const pids = children.map((c) => c.child.pid);
    // The server runs on this machine: its clock (the jobs' timestamps) is this process's clock.
    const at = Date.now();
    const from = readCpu(pids, server.cpuMs);

    const backlogDone = await waitForDrain(boss, Date.now() + options.deadlineMs);
    const to = readCpu(pids, server.cpuMs);
    const backlog = await completedJobs(boss, BACKLOG);
    return await measuredRun(
      { system: "pg-boss", workers, run },
      ctx,
      options,
      {
        timings: backlog.map((j) => ({ startedAt: j.startedOn, finishedAt: j.completedOn })),
        waits: backlog.map(claimLatency),
        cpuFrom: { at, ms: from.total },
        cpuToMs: to.total,
        serverCpu: { from: from.server, to: to.server },
        drained: backlogDone,
      },
      {
        addOne: (phase) => boss.send(PG_BOSS_QUEUE, { phase: openPhase(phase) }),
        drain: () => waitForDrain(boss, Date.now() + options.deadlineMs),
        startLatencies: async (phase) => (await completedJobs(boss, openPhase(phase))).map(claimLatency),
        workerCpuMs: () => totalCpuMs(pids),
        workerProcesses: workers,
      },
    );
  } finally {
    await Promise.all(children.map((c) => c.stop(15_000)));
    await boss.stop({ graceful: false });
  }
}

export async function runPgBoss(
  server: BenchPostgres,
  workers: number,
  run: number,
  ctx: BenchContext,
  options: QueueBenchOptions,
): Promise<QueueRun> {
  const url = await server.createDatabase();
  try {
    return await runOnce(server, url, workers, run, ctx, options);
  } finally {
    await server.dropDatabase(url);
  }
}
