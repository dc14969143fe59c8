import {
  canTransitionWorker,
  isLeaseLive,
  leaseExpiredAt,
  type WorkerRecord,
  type WorkerState,
} from "../../../domain/worker.js";
import { DRAIN_REQUEST_STATES, drainRequestedAfter } from "../../../domain/worker-rules.js";
import type { WorkerOpRecord, WorkerRecordPayload } from "../records/record-schemas.js";
import type { StoredRecord } from "../repo-mirror.js";

export interface WorkerView {
  record: WorkerRecord;
  registration: StoredRecord<WorkerRecordPayload>;
  /** Highest op id for this worker seen (applied or not): the basis of the next self-write. */
  lastOpId: number;
  /** Op ids that took effect, for conditional transitions that must know they won. */
  appliedOps: Set<number>;
}

/**
 * A worker is its registration comment (self-reported state, PATCHed by each heartbeat)
 * plus the ops others posted about it (monitor: STALE/OFFLINE/REMOVED, operator: drain).
 * Ops with ids above the registration's `basis` were not known to the worker's last write
 * and are applied after it, in id order, only where the state machine allows and only if
 * `expectedFrom` matches — so concurrent monitors agree on which op won.
 */
export function foldWorkers(records: StoredRecord[]): Map<string, WorkerView> {
  const registrations = new Map<string, StoredRecord<WorkerRecordPayload>>();
  const ops: Array<StoredRecord<WorkerOpRecord>> = [];
  for (const stored of records) {
    if (stored.record.k === "worker") {
      const reg = stored as StoredRecord<WorkerRecordPayload>;
      const id = reg.record.reg.id;
      const current = registrations.get(id);
      if (
        !current ||
        heartbeatAt(reg) > heartbeatAt(current) ||
        (heartbeatAt(reg) === heartbeatAt(current) && reg.id < current.id)
      ) {
        registrations.set(id, reg);
      }
    } else if (stored.record.k === "wop") {
      ops.push(stored as StoredRecord<WorkerOpRecord>);
    }
  }
  ops.sort((a, b) => a.id - b.id);
  const views = new Map<string, WorkerView>();
  for (const [id, registration] of registrations) {
    views.set(
      id,
      foldWorker(
        registration,
        ops.filter((op) => op.record.worker === id),
      ),
    );
  }
  return views;
}

function foldWorker(
  registration: StoredRecord<WorkerRecordPayload>,
  ops: Array<StoredRecord<WorkerOpRecord>>,
): WorkerView {
  const payload = registration.record;
  let state: WorkerState = payload.state;
  let stateChangedAt = payload.stateChangedAt;
  let drainRequested = payload.drainRequested;
  let lastOpId = payload.basis;
  const appliedOps = new Set<number>();
  for (const op of ops) {
    if (op.id <= payload.basis) continue;
    lastOpId = Math.max(lastOpId, op.id);
    const { to, expectedFrom, drain, onlyIfLeaseExpired } = op.record;
    if (expectedFrom && !expectedFrom.includes(state)) continue;
    // A heartbeat written after the monitor read (but before its op) wins: the op sees a live lease.
    const lease = { lastHeartbeatAt: heartbeatAt(registration), leaseMs: payload.reg.leaseMs * payload.stretch };
    if (onlyIfLeaseExpired && !leaseExpiredAt(lease, op.record.at)) continue;
    if (drain) {
      if (!DRAIN_REQUEST_STATES.includes(state)) continue;
      drainRequested = true;
      appliedOps.add(op.id);
    }
    if (to && to !== state && canTransitionWorker(state, to)) {
      drainRequested = drainRequestedAfter(state, to, drainRequested);
      state = to;
      stateChangedAt = op.record.at;
      appliedOps.add(op.id);
    }
  }
  const record: WorkerRecord = {
    ...payload.reg,
    labels: { ...payload.reg.labels },
    supportedTaskTypes: [...payload.reg.supportedTaskTypes],
    // The effective values: what the worker actually does (beats) and promises (lease) under the stretch.
    heartbeatIntervalMs: Math.round(payload.reg.heartbeatIntervalMs * payload.stretch),
    leaseMs: Math.round(payload.reg.leaseMs * payload.stretch),
    state,
    activeTasks: payload.activeTasks,
    registeredAt: payload.registeredAt,
    lastHeartbeatAt: heartbeatAt(registration),
    stateChangedAt,
    drainRequested,
  };
  return { record, registration, lastOpId, appliedOps };
}

/**
 * The heartbeat time: the writer's store-clock reading (server time, ms precision), never
 * later than the server's whole-second `updated_at` allows — so a writer cannot stamp
 * itself into the future.
 */
export function heartbeatAt(registration: StoredRecord<WorkerRecordPayload>): number {
  return Math.min(registration.record.at, Date.parse(registration.updatedAt) + 999);
}

export function leaseCheckFrom(
  views: Map<string, WorkerView>,
  now: number,
): (workerId: string, incarnation: string) => boolean {
  return (workerId, incarnation) => {
    const view = views.get(workerId);
    return view !== undefined && view.registration.record.inc === incarnation && isLeaseLive(view.record, now);
  };
}
