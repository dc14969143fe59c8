import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { newTaskSchema, PURGE_BATCH } from "@sentinel/coordination";
import { fileTaskArchive, openSqliteStore } from "@sentinel/coordination/sqlite";
import { withTempDir } from "@sentinel/test-support";
import { positiveIntEnv } from "./queue-run.js";
import type { BenchSuite, ReportSection, SuiteResult } from "./report.js";
import { median, percentile } from "./stats.js";

/**
 * The cost of finished-task retention (docs/architecture.md, _Finished-task retention_): a
 * store holding BENCH_RETENTION_TASKS finished tasks, each with its four events and a log
 * line, purged in the monitor's batch size (archive written and fsynced inside the write
 * transaction, then the rows deleted) until none is left. Each batch holds the database's
 * write lock for its whole duration, so its time is what claims and completions wait at most.
 */
interface RetentionRun {
  tasks: number;
  batches: number[];
  totalMs: number;
  archiveBytes: number;
}

async function measureRetention(tasks: number): Promise<RetentionRun> {
  return withTempDir("bench-retention", async (dir) => {
    const path = join(dir, "sentinel.db");
    const store = openSqliteStore({ path });
    try {
      await store.registerWorker({
        id: "bench",
        hostname: "bench",
        pid: process.pid,
        version: "bench",
        maxConcurrency: 100,
        supportedTaskTypes: ["noop"],
        cpuCores: 2,
        memoryMb: 1024,
        labels: {},
        heartbeatIntervalMs: 30_000,
        leaseMs: 3_600_000,
        healthUrl: null,
      });
      for (let done = 0; done < tasks; done += 100) {
        const batch = [];
        for (let i = 0; i < Math.min(100, tasks - done); i++)
          batch.push((await store.createTask(newTaskSchema.parse({ type: "noop" }), "bench")).id);
        const claimed = await store.claimTasks({
          workerId: "bench",
          taskIds: batch,
          metadata: { hostname: "b", pid: 1 },
        });
        for (const c of claimed)
          await store.appendTaskLog(c.task.id, c.lock.token, { lines: [{ level: "info", message: "done" }] });
        await store.completeTasks(
          claimed.map((c) => ({ taskId: c.task.id, token: c.lock.token, result: { ok: true } })),
        );
      }
      const archiveDir = `${path}.archive`;
      const archive = fileTaskArchive(archiveDir);
      const batches: number[] = [];
      const started = performance.now();
      for (;;) {
        const t0 = performance.now();
        const purged = await store.purgeFinishedTasks(
          { finishedBefore: null, keepNewest: 0, limit: PURGE_BATCH },
          archive,
        );
        if (purged === 0) break;
        batches.push(performance.now() - t0);
      }
      const totalMs = performance.now() - started;
      const archiveBytes = readdirSync(archiveDir).reduce((n, f) => n + statSync(join(archiveDir, f)).size, 0);
      return { tasks, batches, totalMs, archiveBytes };
    } finally {
      await store.close();
    }
  });
}

function retentionSection(runs: RetentionRun[]): ReportSection {
  return {
    id: "retention",
    title: "Finished-task retention on SQLite: archive and delete, in the monitor's batches",
    columns: [
      { key: "tasks", label: "finished tasks" },
      { key: "perSec", label: "purged/s" },
      { key: "batchP50", label: `batch of ${PURGE_BATCH} p50 ms` },
      { key: "batchMax", label: "batch max ms" },
      { key: "bytes", label: "archive bytes/task" },
      { key: "runs", label: "runs" },
    ],
    rows: [
      {
        tasks: runs[0]?.tasks ?? 0,
        perSec: median(runs.map((r) => (r.tasks / r.totalMs) * 1000)),
        batchP50: median(runs.flatMap((r) => r.batches)),
        batchMax: Math.max(...runs.flatMap((r) => r.batches)),
        bytes: median(runs.map((r) => r.archiveBytes / r.tasks)),
        runs: runs.length,
      },
    ],
    notes: [
      "Each batch is one write transaction: read the tasks with their events and log, append them to the day's JSON Lines file and fsync, delete the rows, record one `tasks.purged` event. Its duration is how long other writers wait on it at most. Here the batches run back to back; a worker's monitor pauses 10 ms between them and stops after 2 s, once a round (60 s by default).",
      `batch p90 ${percentile(
        runs.flatMap((r) => r.batches),
        90,
      ).toFixed(
        0,
      )} ms; each task finished through the store (created, claimed, one log line, completed), so it carries the events and log rows a real one does.`,
    ],
  };
}

export const retentionSuite: BenchSuite = {
  id: "retention",
  async run(ctx): Promise<SuiteResult> {
    const tasks = positiveIntEnv("BENCH_RETENTION_TASKS", 20_000);
    const runs: RetentionRun[] = [];
    for (let i = 0; i < ctx.runs; i++) {
      ctx.log(`retention: run ${i + 1}/${ctx.runs}, ${tasks} finished tasks`);
      runs.push(await measureRetention(tasks));
    }
    return { sections: [retentionSection(runs)], headlines: [], facts: {}, raw: runs };
  },
};
