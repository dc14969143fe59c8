import { Worker } from "bullmq";

/**
 * One BullMQ worker process for the peer benchmark: a no-op processor, like Sentinel's
 * built-in `noop` handler. Configured by env so the orchestrator can spawn it without a shell.
 */
function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`bullmq-worker: env ${name} is required`);
  return value;
}

const port = Number(requiredEnv("BENCH_REDIS_PORT"));
const concurrency = Number(requiredEnv("BENCH_CONCURRENCY"));
if (!Number.isInteger(port) || port <= 0)
  throw new Error(`bullmq-worker: BENCH_REDIS_PORT must be a TCP port, got ${process.env.BENCH_REDIS_PORT}`);
if (!Number.isInteger(concurrency) || concurrency <= 0)
  throw new Error(`bullmq-worker: BENCH_CONCURRENCY must be a positive integer, got ${process.env.BENCH_CONCURRENCY}`);

const worker = new Worker(requiredEnv("BENCH_QUEUE"), async () => undefined, {
  connection: { host: "127.0.0.1", port, maxRetriesPerRequest: null },
  concurrency,
});
worker.on("error", (error) => process.stderr.write(`bullmq-worker: ${error.message}\n`));

process.once("SIGTERM", () => {
  void worker.close().then(() => process.exit(0));
});

await worker.waitUntilReady();
process.send?.({ type: "ready" });
