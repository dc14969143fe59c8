import { run } from "graphile-worker";
import { isTimingsRequest, type JobTiming } from "./graphile-worker-timings.js";
import { positiveIntFromEnv, READY, requiredEnv, stopOnSigterm } from "./peer-process.js";

/**
 * One graphile-worker process for the Postgres suite: a no-op task, `concurrency` jobs at a
 * time, the library's defaults otherwise (LISTEN/NOTIFY for new jobs, a 2 s fallback poll, no
 * local queue, no completion batching). graphile-worker deletes a job when it succeeds, so
 * this process keeps each job's timestamps and hands them to the bench on request.
 */
const concurrency = positiveIntFromEnv("BENCH_CONCURRENCY");
const timings: JobTiming[] = [];

const runner = await run({
  connectionString: requiredEnv("BENCH_DATABASE_URL"),
  concurrency,
  // The library's advice: 10 or concurrency + 2, whichever is larger.
  maxPoolSize: Math.max(10, concurrency + 2),
  noHandleSignals: true,
  crontab: "",
  taskList: { noop: async () => undefined },
});
runner.events.on("job:complete", ({ job, error }) => {
  if (error) return;
  timings.push({
    phase: String((job.payload as { phase?: unknown }).phase),
    createdAt: job.created_at.getTime(),
    runAt: job.run_at.getTime(),
    // Set by the claiming statement from the server's clock (`now()`), like created_at.
    lockedAt: job.locked_at?.getTime() ?? Number.NaN,
    finishedAt: Date.now(),
  });
});
process.on("message", (message) => {
  if (!isTimingsRequest(message)) return;
  process.send?.({ type: "timings", phase: message.phase, rows: timings.filter((t) => t.phase === message.phase) });
});
stopOnSigterm(() => runner.stop());
process.send?.(READY);
