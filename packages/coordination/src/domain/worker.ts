import { IllegalTransitionError } from "../errors.js";

/** The worker state machine (invariant 5, docs/architecture.md). */
export const WORKER_STATES = ["NEW", "ACTIVE", "BUSY", "DRAINING", "STALE", "OFFLINE", "REMOVED"] as const;
export type WorkerState = (typeof WORKER_STATES)[number];

/**
 * Legal transitions: NEW → ACTIVE (register), ACTIVE ⇄ BUSY
 * (capacity), ACTIVE/BUSY → DRAINING → REMOVED (graceful), ACTIVE/BUSY → STALE → OFFLINE →
 * REMOVED (failure), STALE → ACTIVE (heartbeat resumed). Two more follow from those:
 * an operator may resume a draining worker (DRAINING → ACTIVE), and a draining worker that
 * goes silent has failed like any other (DRAINING → STALE). A stale worker whose heartbeat
 * resumes comes back ACTIVE; if a drain was requested it re-enters DRAINING on its own.
 */
export const WORKER_TRANSITIONS: Readonly<Record<WorkerState, readonly WorkerState[]>> = {
  NEW: ["ACTIVE"],
  ACTIVE: ["BUSY", "DRAINING", "STALE"],
  BUSY: ["ACTIVE", "DRAINING", "STALE"],
  DRAINING: ["ACTIVE", "STALE", "REMOVED"],
  STALE: ["ACTIVE", "OFFLINE"],
  OFFLINE: ["REMOVED"],
  REMOVED: [],
};

export function canTransitionWorker(from: WorkerState, to: WorkerState): boolean {
  return WORKER_TRANSITIONS[from].includes(to);
}

export function assertWorkerTransition(id: string, from: WorkerState, to: WorkerState): void {
  if (!canTransitionWorker(from, to)) throw new IllegalTransitionError("worker", id, from, to);
}

/** States whose holder may keep or take locks (its lease counts). */
export const LEASE_HOLDING_STATES: readonly WorkerState[] = ["ACTIVE", "BUSY", "DRAINING"];
/** States in which a worker takes new work. */
export const ACCEPTING_STATES: readonly WorkerState[] = ["ACTIVE", "BUSY"];

/** Registration as the worker announces it: identity, capacity, supported types and heartbeat cadence. */
export interface WorkerRegistration {
  id: string;
  hostname: string;
  pid: number;
  version: string;
  /** Maximum concurrent tasks (capacity.max_tasks). */
  maxConcurrency: number;
  /** Task types this worker has handlers for (capabilities.supported_task_types). */
  supportedTaskTypes: string[];
  cpuCores: number;
  memoryMb: number;
  /** Free-form labels (region, pod name, …). */
  labels: Record<string, string>;
  /** Intended heartbeat cadence; the lease lasts `leaseMs` after each heartbeat. */
  heartbeatIntervalMs: number;
  /** How long after its last heartbeat the worker's lease (and so its locks) stays live. */
  leaseMs: number;
  /** Where the worker serves GET /health, if anywhere. */
  healthUrl: string | null;
}

export interface WorkerRecord extends WorkerRegistration {
  state: WorkerState;
  activeTasks: number;
  /** Store-clock ms. */
  registeredAt: number;
  lastHeartbeatAt: number;
  stateChangedAt: number;
  /** Operator-requested drain; the worker sees it on its next heartbeat. */
  drainRequested: boolean;
}

/** Has the lease run out at store-clock `at` (leaseMs after the last heartbeat)? */
export function leaseExpiredAt(worker: Pick<WorkerRecord, "lastHeartbeatAt" | "leaseMs">, at: number): boolean {
  return at >= worker.lastHeartbeatAt + worker.leaseMs;
}

/** Lease is live iff the worker is in a lease-holding state and its heartbeat is recent, by the store's clock. */
export function isLeaseLive(
  worker: Pick<WorkerRecord, "state" | "lastHeartbeatAt" | "leaseMs">,
  storeNow: number,
): boolean {
  return LEASE_HOLDING_STATES.includes(worker.state) && !leaseExpiredAt(worker, storeNow);
}

export function availableSlots(worker: Pick<WorkerRecord, "maxConcurrency" | "activeTasks">): number {
  return Math.max(0, worker.maxConcurrency - worker.activeTasks);
}
