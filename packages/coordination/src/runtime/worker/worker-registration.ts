import { isLeaseLive, type WorkerRegistration } from "../../domain/worker.js";
import { packageVersion } from "../../env.js";
import type { CoordinationStore } from "../../store/port.js";
import { ClusterFullError } from "../runtime-errors.js";
import type { WorkerCore } from "./worker-core.js";

/** What this worker tells the registry about itself (on start and when re-registering after a lost lease). */
export function describeRegistration(
  core: WorkerCore,
  types: readonly string[],
  healthUrl: string | null,
): WorkerRegistration {
  const { config, opts } = core;
  return {
    id: core.id,
    hostname: config.hostname,
    pid: process.pid,
    version: opts.version ?? packageVersion(opts.env),
    maxConcurrency: config.capacity.maxConcurrentTasks,
    supportedTaskTypes: [...types],
    cpuCores: config.capacity.cpuCores,
    memoryMb: config.capacity.memoryMb,
    labels: opts.labels ?? {},
    heartbeatIntervalMs: config.distributed.heartbeat.intervalMs,
    leaseMs: config.distributed.heartbeat.staleThresholdMs,
    healthUrl: healthUrl ? `${healthUrl}/health` : null,
  };
}

/** registry.maxWorkers counts live leases on the store clock; our own (re-)registration does not count against us. */
export async function refuseIfClusterFull(core: WorkerCore, store: CoordinationStore): Promise<void> {
  const [workers, now] = await Promise.all([store.listWorkers(), store.now()]);
  const live = workers.filter((w) => w.id !== core.id && isLeaseLive(w, now)).length;
  const max = core.config.distributed.registry.maxWorkers;
  if (live >= max) throw new ClusterFullError(live, max);
}
