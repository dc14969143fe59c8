import { fileURLToPath } from "node:url";
import { type LaunchedProcess, launchTsx, waitForMessage } from "@sentinel/test-support/processes";
import { makeWorkerUtils, type WorkerUtils } from "graphile-worker";
import { measuredRun } from "../measured-run.js";
import { readCpu, totalCpuMs } from "../process-cpu.js";
import type { QueueBenchOptions, QueueRun } from "../queue-run.js";
import type { BenchContext } from "../report.js";
import { isTimingsReply, type JobTiming } from "./graphile-worker-timings.js";
import { isReady } from "./peer-process.js";
import type { BenchPostgres } from "./server.js";

const WORKER_ENTRY = fileURLToPath(new URL("./graphile-worker-process.ts", import.meta.url));
const POLL_MS = 100;
const BULK = 1000;
const BACKLOG = "backlog";
const openPhase = (phase: number): string => `open-${phase}`;

/** Until the jobs table is empty: graphile-worker deletes each job as it succeeds. */
async function waitForEmpty(utils: WorkerUtils, deadline: number): Promise<boolean> {
  for (;;) {
    const { rows } = await utils.withPgClient((client) =>
      client.query<{ left: number }>("SELECT count(*)::int AS left FROM graphile_worker._private_jobs"),
    );
    if (rows[0]?.left === 0) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Every worker process's record of the jobs of `phase` it finished. */
async function timingsOf(children: LaunchedProcess[], phase: string): Promise<JobTiming[]> {
  const replies = await Promise.all(
    children.map((c) => {
      const reply = waitForMessage(c.child, isTimingsReply(phase), 30_000, c.label);
      c.child.send?.({ type: "timings", phase });
      return reply;
    }),
  );
  return replies.flatMap((r) => r.rows);
}

const claimLatency = (t: JobTiming): number => t.lockedAt - Math.max(t.createdAt, t.runAt);

async function runOnce(
  server: BenchPostgres,
  url: string,
  workers: number,
  run: number,
  ctx: BenchContext,
  options: QueueBenchOptions,
): Promise<QueueRun> {
  const utils = await makeWorkerUtils({ connectionString: url });
  const children: LaunchedProcess[] = [];
  try {
    await utils.migrate();
    for (let i = 0; i < ctx.tasks; i += BULK) {
      const n = Math.min(BULK, ctx.tasks - i);
      await utils.addJobs(Array.from({ length: n }, () => ({ identifier: "noop", payload: { phase: BACKLOG } })));
    }
    for (let i = 0; i < workers; i++) {
      children.push(
        launchTsx(WORKER_ENTRY, {
          label: `graphile-worker ${i}`,
          ipc: true,
          // Success lines off, as Sentinel's are (debug) and BullMQ has none.
          env: { BENCH_DATABASE_URL: url, BENCH_CONCURRENCY: String(options.concurrency), NO_LOG_SUCCESS: "1" },
        }),
      );
    }
    await Promise.all(children.map((c) => waitForMessage(c.child, isReady, 30_000, c.label)));
    const pids = children.map((c) => c.child.pid);
    // The server runs on this machine: its clock (the jobs' timestamps) is this process's clock.
    const at = Date.now();
    const from = readCpu(pids, server.cpuMs);

    const backlogDone = await waitForEmpty(utils, Date.now() + options.deadlineMs);
    const to = readCpu(pids, server.cpuMs);
    const backlog = await timingsOf(children, BACKLOG);
    return await measuredRun(
      { system: "graphile-worker", workers, run },
      ctx,
      options,
      {
        timings: backlog.map((t) => ({ startedAt: t.lockedAt, finishedAt: t.finishedAt })),
        waits: backlog.map(claimLatency),
        cpuFrom: { at, ms: from.total },
        cpuToMs: to.total,
        serverCpu: { from: from.server, to: to.server },
        drained: backlogDone,
      },
      {
        addOne: (phase) => utils.addJob("noop", { phase: openPhase(phase) }),
        drain: () => waitForEmpty(utils, Date.now() + options.deadlineMs),
        startLatencies: async (phase) => (await timingsOf(children, openPhase(phase))).map(claimLatency),
        workerCpuMs: () => totalCpuMs(pids),
        workerProcesses: workers,
      },
    );
  } finally {
    await Promise.all(children.map((c) => c.stop(15_000)));
    await utils.release();
  }
}

export async function runGraphileWorker(
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
