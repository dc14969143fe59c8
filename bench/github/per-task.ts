import type { GithubStore } from "@sentinel/coordination/github";
import {
  benchRegistration,
  countsOf,
  openBenchStore,
  type RequestCounts,
  startBenchEmulator,
} from "./emulated-github.js";

export interface PerTaskResult {
  tasks: number;
  producer: RequestCounts;
  worker: RequestCounts;
  /** The worker store's own meter, as a cross-check of the emulator's count. */
  workerMeter: RequestCounts;
}

/**
 * The cost of one task, split by who pays: the producer creates `tasks` tasks, then one
 * worker runs them the way the worker runtime does (list claimable → claim the batch →
 * complete each), with no heartbeat inside the window. Counts come from the emulator. With
 * `logging`, each task reports progress and a few log lines once before it completes, as the
 * worker's final flush of a task shorter than the flush interval (15 s) does.
 */
export async function measurePerTask(tasks: number, opts: { logging?: boolean } = {}): Promise<PerTaskResult> {
  const emulator = await startBenchEmulator();
  const stores: GithubStore[] = [];
  try {
    const producer = await openBenchStore(emulator, "producer-token");
    const worker = await openBenchStore(emulator, "worker-token");
    stores.push(producer, worker);
    await worker.registerWorker(benchRegistration("w-bench", process.pid));
    await worker.listClaimable({ types: ["noop"], workerId: "w-bench", limit: 10 });

    emulator.resetStats();
    for (let i = 0; i < tasks; i++)
      await producer.createTask(
        {
          type: "noop",
          priority: 0,
          params: { i },
          maxAttempts: 3,
          timeoutMs: 600_000,
          delayMs: 0,
          pinnedWorkerId: null,
          affinityKey: null,
        },
        "bench",
      );
    const producerCounts = countsOf(emulator.stats());

    emulator.resetStats();
    const before = worker.budget().byKind;
    let done = 0;
    const deadline = performance.now() + 60_000;
    while (done < tasks) {
      const claimable = await worker.listClaimable({ types: ["noop"], workerId: "w-bench", limit: 10 });
      if (claimable.length === 0) {
        // The mirror refreshes at most once per refreshIntervalMs (1 s): poll like the worker runtime does.
        if (performance.now() > deadline)
          throw new Error(`worker found nothing to claim after ${done} of ${tasks} tasks`);
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      const claimed = await worker.claimTasks({
        workerId: "w-bench",
        taskIds: claimable.map((t) => t.id),
        metadata: { hostname: "bench", pid: process.pid },
      });
      for (const { task, lock } of claimed) {
        if (opts.logging)
          await worker.appendTaskLog(
            task.id,
            lock.token,
            {
              lines: [
                { level: "info", message: "starting" },
                { level: "info", message: "3 rows written", fields: { rows: 3 } },
              ],
              progress: { fraction: 1, message: "done" },
            },
            { final: true },
          );
        await worker.completeTask(task.id, lock.token, { result: { ok: true } });
      }
      done += claimed.length;
    }
    const after = worker.budget().byKind;
    return {
      tasks,
      producer: producerCounts,
      worker: countsOf(emulator.stats()),
      workerMeter: {
        reads: after.reads - before.reads,
        notModified: after.notModified - before.notModified,
        writes: after.writes - before.writes,
      },
    };
  } finally {
    await Promise.all(stores.map((store) => store.close()));
    await emulator.close();
  }
}
