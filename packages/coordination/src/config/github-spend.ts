import { heartbeatStretchFor } from "../store/github/heartbeat-budget.js";

const HOUR = 3_600_000;

/**
 * What decides a GitHub deployment's hourly request spend, for the processes that share one
 * token (docs/benchmarks.md, *Budget model*). Every field names the setting it comes from.
 */
export interface SpendInputs {
  /** SENTINEL_GITHUB_WORKERS_PER_TOKEN: worker processes writing with this token. */
  workersPerToken: number;
  /** SENTINEL_GITHUB_CONTROL_PLANES_PER_TOKEN: control planes reading (and writing) with it. */
  controlPlanesPerToken: number;
  /** HEARTBEAT_INTERVAL_MS: the configured heartbeat interval (the store may stretch it). */
  heartbeatIntervalMs: number;
  /** WORKER_POLL_INTERVAL_MS: an idle worker's claim poll; each poll may refresh the mirror. */
  workerPollIntervalMs: number;
  /** SENTINEL_SYNC_POLL_MS: the control plane's sync pass (5 s by default on GitHub). */
  syncPollIntervalMs: number;
  /** SENTINEL_SYNC_WORKERS_MS: the control plane's registry read (15 s by default on GitHub). */
  syncWorkersIntervalMs: number;
  /** The store's `refreshIntervalMs`: no process lists the repository more often. */
  refreshIntervalMs: number;
  /** The store's `deepCheckIntervalMs` (0: every refresh reaches back). */
  deepCheckIntervalMs: number;
  /** The token's primary limit per hour (SENTINEL_GITHUB_PRIMARY_LIMIT; 5,000 for a personal token). */
  primaryPerHour: number;
  /** The store's `writeBudget`: GitHub's secondary limits and the heartbeats' share of them. */
  writeBudget: { perMinute: number; perHour: number; heartbeatShare: number; headroom: number };
}

export interface ProcessSpend {
  /** Charged requests per hour: writes, list reads that found a change, deep checks. */
  charged: number;
  writes: number;
}

/** The projection for an idle cluster, and what each task adds. */
export interface SpendProjection {
  /** The heartbeat interval the stores will use: the configured one, stretched so the workers fit their share. */
  effectiveHeartbeatIntervalMs: number;
  heartbeatStretch: number;
  worker: ProcessSpend;
  controlPlane: ProcessSpend;
  /** The whole token, idle: every worker and control plane on it. */
  idle: { charged: number; writesPerHour: number; writesPerMinute: number };
  /** Charged requests and writes one task adds (its writes, the claimants' reads, and every process re-reading what they changed). */
  perTask: { charged: number; writes: number };
  /** Tasks per hour the token can carry above idle before the first limit (within the stores' headroom). */
  taskCapacityPerHour: { primary: number; secondary: number };
}

/** Writes of one task without a race: the producer's issue, the worker's claim (the start), its PATCH into the outcome, the close (docs/github-backend.md, *Budget*). */
export const WRITES_PER_TASK = 4;
/** Requests of one deep check: both lists, reaching back further (a new URL, so charged). */
const DEEP_CHECK_REQUESTS = 2;
/** The task's own comment list, read by each claimant before and after its settle delay. */
const CLAIM_READS = 2;

function perHour(intervalMs: number): number {
  return HOUR / Math.max(1, intervalMs);
}

/**
 * One process: its own writes; a charged read of the repository's comment list whenever it
 * changed since the last refresh (at most one per refresh; a 304 is free), where any
 * process's write is a change; the same for the registry issue's comment list, which every
 * heartbeat changes (at most one per registry read); and its deep checks.
 */
function processSpend(
  ownWrites: number,
  reads: { refreshes: number; registryReads: number },
  clusterWrites: number,
  deepChecks: number,
): ProcessSpend {
  const listReads = Math.min(reads.refreshes, clusterWrites) + Math.min(reads.registryReads, clusterWrites);
  return { charged: Math.round(ownWrites + listReads + deepChecks), writes: Math.round(ownWrites) };
}

/**
 * Project a configuration's hourly spend on one token (the model of docs/benchmarks.md,
 * checked against the measured demo). Idle: heartbeats are the only writes, and every process
 * pays a read of the two lists a heartbeat changes (the repository's comments, the registry).
 * Busy: each task adds its writes, the claimants' reads, and one list read per process for
 * each write. Idle workers do not race for a new task: the others wait out the grace, which
 * covers the store's read lag, before claiming what the shared strategy gave one of them
 * (balancer/grace.ts), so a task draws no losing claim (docs/benchmarks.md).
 */
export function projectGithubSpend(inputs: SpendInputs): SpendProjection {
  const { workersPerToken: workers, controlPlanesPerToken: controlPlanes, writeBudget } = inputs;
  const stretch = workers > 0 ? heartbeatStretchFor(inputs.heartbeatIntervalMs, workers, writeBudget) : 1;
  const effectiveHeartbeatIntervalMs = Math.round(inputs.heartbeatIntervalMs * stretch);
  const beats = workers > 0 ? perHour(effectiveHeartbeatIntervalMs) : 0;
  const clusterWrites = workers * beats;
  const deepChecks = inputs.deepCheckIntervalMs > 0 ? DEEP_CHECK_REQUESTS * perHour(inputs.deepCheckIntervalMs) : 0;
  // A worker reads the registry on every claim poll (the balancer plans over it); the control plane on its registry refresh.
  const workerPolls = perHour(Math.max(inputs.refreshIntervalMs, inputs.workerPollIntervalMs));
  const worker = processSpend(beats, { refreshes: workerPolls, registryReads: workerPolls }, clusterWrites, deepChecks);
  const controlPlane = processSpend(
    0,
    {
      refreshes: perHour(Math.max(inputs.refreshIntervalMs, inputs.syncPollIntervalMs)),
      registryReads: perHour(inputs.syncWorkersIntervalMs),
    },
    clusterWrites,
    deepChecks,
  );
  const idleCharged = workers * worker.charged + controlPlanes * controlPlane.charged;
  const processes = workers + controlPlanes;
  // Each write changes a list every process then re-reads once (changes within one refresh coalesce: an upper bound).
  const taskWrites = WRITES_PER_TASK;
  const perTask = {
    charged: taskWrites + CLAIM_READS * Math.max(1, workers) + taskWrites * processes,
    writes: taskWrites,
  };
  const primaryRoom = writeBudget.headroom * inputs.primaryPerHour - idleCharged;
  const secondaryRoom = (writeBudget.headroom - writeBudget.heartbeatShare) * writeBudget.perHour;
  return {
    effectiveHeartbeatIntervalMs,
    heartbeatStretch: stretch,
    worker,
    controlPlane,
    idle: {
      charged: idleCharged,
      writesPerHour: Math.round(clusterWrites),
      writesPerMinute: Math.round((clusterWrites / 60) * 10) / 10,
    },
    perTask,
    taskCapacityPerHour: {
      primary: Math.max(0, Math.floor(primaryRoom / perTask.charged)),
      secondary: Math.max(0, Math.floor(secondaryRoom / perTask.writes)),
    },
  };
}
