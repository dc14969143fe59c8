/**
 * One process of the write-rate measurement (measure-postgres-capacity.ts starts several):
 * from `startAt` for `seconds`, `loops` concurrent loops each create a task, claim it and
 * complete it — three write transactions through the store's port, each under the one write
 * lock. Prints one JSON line: each write's latency by kind, and the round trips to the server
 * each kind took.
 *
 *   node --import tsx deploy/postgres-capacity/store-writer.ts <url> <startAt> <seconds> <loops>
 */
import { hostname } from "node:os";
import { openPostgresStore } from "@sentinel/coordination/postgres";
import { taskInput } from "../test/support/tasks.js";
import { countRoundTrips } from "./pg-client.js";

export type WriteKind = "create" | "claim" | "complete";
export type WriterResult = Record<WriteKind, { ms: number[]; roundTrips: number }>;

const [url = "", startAt = "0", seconds = "10", loops = "8"] = process.argv.slice(2);
const roundTrips = countRoundTrips();
const store = await openPostgresStore({ url });
const workerId = `writer-${process.pid}`;
await store.registerWorker({
  id: workerId,
  hostname: hostname(),
  pid: process.pid,
  version: "measure",
  maxConcurrency: Number(loops),
  supportedTaskTypes: ["noop"],
  cpuCores: 1,
  memoryMb: 256,
  labels: {},
  heartbeatIntervalMs: 30_000,
  // Long enough that no lease runs out while the measurement runs (nothing heartbeats).
  leaseMs: 600_000,
  healthUrl: null,
});

/** Each write's latency by kind, and (exact with one loop, where writes never overlap) its round trips. */
const writes: WriterResult = {
  create: { ms: [], roundTrips: 0 },
  claim: { ms: [], roundTrips: 0 },
  complete: { ms: [], roundTrips: 0 },
};
async function timed<T>(kind: WriteKind, write: () => Promise<T>): Promise<T> {
  const before = roundTrips.count();
  const started = performance.now();
  const result = await write();
  writes[kind].ms.push(performance.now() - started);
  writes[kind].roundTrips += roundTrips.count() - before;
  return result;
}

await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const until = Date.now() + Number(seconds) * 1000;
await Promise.all(
  Array.from({ length: Number(loops) }, async () => {
    while (Date.now() < until) {
      const task = await timed("create", () => store.createTask(taskInput("noop", {}, 1), workerId));
      const [claimed] = await timed("claim", () =>
        store.claimTasks({ workerId, taskIds: [task.id], metadata: { hostname: hostname(), pid: process.pid } }),
      );
      if (!claimed) throw new Error(`task ${task.id} could not be claimed by the worker that created it`);
      await timed("complete", () => store.completeTask(task.id, claimed.lock.token));
    }
  }),
);
await store.close();
process.stdout.write(`${JSON.stringify(writes)}\n`);
