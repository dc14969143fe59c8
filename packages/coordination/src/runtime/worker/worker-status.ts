import type { WorkerRecord } from "../../domain/worker.js";
import type { WorkerRuntimeState } from "../worker-options.js";

/**
 * What changes while a worker runs: its lifecycle state and what the store last said about
 * it. Everything else about a worker is built once (see start-worker.ts); this is the one
 * mutable record its parts share.
 */
export interface WorkerStatus {
  state: WorkerRuntimeState;
  /** The registry record the store last returned (registration or heartbeat): its cadence drives the heartbeat. */
  record: WorkerRecord | null;
  heartbeatFailures: number;
  storeErrors: number;
  /** Operator drain seen in a heartbeat: no new work; resumable until the running tasks are done, then it deregisters and stops. */
  remoteDraining: boolean;
  recoveringLease: Promise<void> | null;
  /** Task outcomes (completions, failures) whose store write is being retried after a transient error. */
  retrying: { outcomeWrites: number };
}

export function createWorkerStatus(): WorkerStatus {
  return {
    state: "new",
    record: null,
    heartbeatFailures: 0,
    storeErrors: 0,
    remoteDraining: false,
    recoveringLease: null,
    retrying: { outcomeWrites: 0 },
  };
}

/** Whether the worker takes new work now: ready, not drained by an operator, not re-registering. */
export function isAccepting(status: WorkerStatus): boolean {
  return status.state === "ready" && !status.remoteDraining && status.recoveringLease === null;
}
