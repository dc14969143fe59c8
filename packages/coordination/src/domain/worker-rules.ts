import { IllegalTransitionError, LeaseLostError, ValidationError } from "../errors.js";
import {
  ACCEPTING_STATES,
  assertWorkerTransition,
  isLeaseLive,
  LEASE_HOLDING_STATES,
  leaseExpiredAt,
  type WorkerRecord,
  type WorkerState,
} from "./worker.js";

/**
 * The rules of a worker's life beyond the transition table (worker.ts): what a heartbeat
 * does, when a checked transition applies, what a drain request does, how a registration of
 * a known id is treated, and when a worker may take locks. Both store adapters (and the
 * GitHub registry fold) ask these; they only persist the answer.
 */

/** One state change and why, as recorded in `worker.state_changed`. */
export interface WorkerStep {
  from: WorkerState;
  to: WorkerState;
  reason: string;
}

/** States whose worker may renew its lease by heartbeat; any other must register again. */
export const HEARTBEAT_STATES: readonly WorkerState[] = [...LEASE_HOLDING_STATES, "STALE"];

/**
 * The state changes a heartbeat reporting `activeTasks` makes, in order, each a legal edge:
 * STALE → ACTIVE (heartbeat resumed); a pending drain takes an accepting worker to DRAINING;
 * otherwise ACTIVE ⇄ BUSY by load. A worker in any other state has lost its lease.
 */
export function heartbeatSteps(
  worker: Pick<WorkerRecord, "id" | "state" | "drainRequested" | "maxConcurrency">,
  activeTasks: number,
): WorkerStep[] {
  if (!HEARTBEAT_STATES.includes(worker.state))
    throw new LeaseLostError(worker.id, `state ${worker.state}; re-register`);
  const steps: WorkerStep[] = [];
  let state = worker.state;
  const step = (to: WorkerState, reason: string): void => {
    steps.push({ from: state, to, reason });
    state = to;
  };
  if (state === "STALE") step("ACTIVE", "heartbeat resumed");
  if (worker.drainRequested && ACCEPTING_STATES.includes(state)) step("DRAINING", "drain requested");
  const full = activeTasks >= worker.maxConcurrency;
  if (state === "ACTIVE" && full) step("BUSY", "at capacity");
  else if (state === "BUSY" && !full) step("ACTIVE", "capacity available");
  return steps;
}

/** An operator's resume (DRAINING → ACTIVE) cancels the pending drain; every other move keeps it. */
export function drainRequestedAfter(from: WorkerState, to: WorkerState, drainRequested: boolean): boolean {
  return from === "DRAINING" && to === "ACTIVE" ? false : drainRequested;
}

/**
 * A checked transition (monitor, operator, the worker itself): with `expectedFrom` it only
 * applies from those states, with `onlyIfLeaseExpired` only once the lease has run out at
 * `now` — so concurrent monitors apply it once — and always only along the table's edges.
 * Returns the worker's drain flag after the move.
 */
export function checkWorkerTransition(
  worker: Pick<WorkerRecord, "id" | "state" | "lastHeartbeatAt" | "leaseMs" | "drainRequested">,
  to: WorkerState,
  opts: { expectedFrom?: readonly WorkerState[]; onlyIfLeaseExpired?: boolean },
  now: number,
): { drainRequested: boolean } {
  const { id, state } = worker;
  if (opts.expectedFrom && !opts.expectedFrom.includes(state))
    throw new IllegalTransitionError("worker", id, state, to);
  if (opts.onlyIfLeaseExpired && !leaseExpiredAt(worker, now))
    throw new IllegalTransitionError("worker", id, state, to);
  assertWorkerTransition(id, state, to);
  return { drainRequested: drainRequestedAfter(state, to, worker.drainRequested) };
}

/** States in which an operator may request a drain. */
export const DRAIN_REQUEST_STATES: readonly WorkerState[] = [...ACCEPTING_STATES, "DRAINING", "STALE"];

/**
 * A drain request: an accepting worker moves to DRAINING at once (and keeps the request,
 * which it sees on its next heartbeat); a draining or stale worker only keeps the request
 * (a stale one drains when its heartbeat resumes); any other state refuses it. Returns
 * whether the state moves.
 */
export function drainRequestMoves(worker: Pick<WorkerRecord, "id" | "state">): boolean {
  if (!DRAIN_REQUEST_STATES.includes(worker.state))
    throw new IllegalTransitionError("worker", worker.id, worker.state, "DRAINING");
  return ACCEPTING_STATES.includes(worker.state);
}

export type RegistrationPlan =
  /** Same live process: refresh the record and lease in place, state kept. */
  | { kind: "refresh" }
  /** A fresh ACTIVE record; `recover` says a lapsed incarnation's locks and attempts must be recovered first. */
  | { kind: "fresh"; recover: string | null };

/**
 * NEW → ACTIVE for an id. An id whose lease is live belongs to a running worker: the same
 * process (hostname and pid) may re-register, any other is refused, so two live workers
 * never share an id. An id whose lease has lapsed starts a fresh record, after what the
 * previous incarnation still held is recovered.
 */
export function planRegistration(
  existing: Pick<WorkerRecord, "state" | "hostname" | "pid" | "lastHeartbeatAt" | "leaseMs"> | null | undefined,
  reg: { id: string; hostname: string; pid: number },
  now: number,
): RegistrationPlan {
  if (!existing) return { kind: "fresh", recover: null };
  if (!isLeaseLive(existing, now))
    return { kind: "fresh", recover: `worker ${reg.id} re-registered (previous incarnation ${existing.state})` };
  if (existing.hostname !== reg.hostname || existing.pid !== reg.pid) {
    throw new ValidationError(
      "id",
      `an id no live worker holds (${reg.id} is ${existing.state} on ${existing.hostname}, pid ${existing.pid})`,
      reg.id,
    );
  }
  return { kind: "refresh" };
}

/**
 * A worker may take locks only while its lease is live by the store clock: a lock taken
 * otherwise would be born dead.
 */
export function requireLiveLease<W extends Pick<WorkerRecord, "state" | "lastHeartbeatAt" | "leaseMs">>(
  worker: W | null | undefined,
  workerId: string,
  now: number,
): W {
  if (!worker) throw new LeaseLostError(workerId, "not registered");
  if (!isLeaseLive(worker, now)) {
    const holding = LEASE_HOLDING_STATES.includes(worker.state);
    throw new LeaseLostError(
      workerId,
      holding ? "lease expired (no heartbeat within leaseMs)" : `state ${worker.state}`,
    );
  }
  return worker;
}

/**
 * Failure detection: a worker in a lease-holding state whose lease has run out at `now` has
 * gone silent — the heartbeat monitor marks it STALE (conditionally, onlyIfLeaseExpired).
 */
export function isSilentPastLease(
  worker: Pick<WorkerRecord, "state" | "lastHeartbeatAt" | "leaseMs">,
  now: number,
): boolean {
  return LEASE_HOLDING_STATES.includes(worker.state) && leaseExpiredAt(worker, now);
}

/** A worker takes new tasks (claims) only in an accepting state; a draining one finishes what it has. */
export function acceptsNewWork(worker: Pick<WorkerRecord, "state">): boolean {
  return ACCEPTING_STATES.includes(worker.state);
}
