import { eq } from "drizzle-orm";
import { z } from "zod";
import type { WorkerRecord, WorkerRegistration, WorkerState } from "../../domain/worker.js";
import {
  checkWorkerTransition,
  drainRequestMoves,
  heartbeatSteps,
  planRegistration,
} from "../../domain/worker-rules.js";
import { LeaseLostError, NotFoundError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import type { HeartbeatReport } from "../port.js";
import { heartbeatSchema, registrationSchema, transitionSchema } from "../port-schemas.js";
import { appendEventTx } from "./events.js";
import { toJson } from "./json.js";
import { toWorker, toWorkerFromRaw, WORKER_COLUMNS_SQL } from "./rows.js";
import { workers } from "./schema.js";
import type { Tx } from "./transaction.js";
import { readWorkerTx } from "./worker-lease.js";
import { saveWorkerMetricsTx } from "./worker-metrics.js";
import { recoverWorkerTx } from "./worker-recovery.js";

function registrationColumns(reg: WorkerRegistration) {
  return {
    hostname: reg.hostname,
    pid: reg.pid,
    version: reg.version,
    maxConcurrency: reg.maxConcurrency,
    supportedTaskTypes: toJson(reg.supportedTaskTypes, "supportedTaskTypes"),
    cpuCores: reg.cpuCores,
    memoryMb: reg.memoryMb,
    labels: toJson(reg.labels, "labels"),
    heartbeatIntervalMs: reg.heartbeatIntervalMs,
    leaseMs: reg.leaseMs,
    healthUrl: reg.healthUrl,
  };
}

function saveTx(tx: Tx, workerId: string, set: Partial<typeof workers.$inferInsert>): WorkerRecord {
  const row = tx.db.update(workers).set(set).where(eq(workers.id, workerId)).returning().get();
  if (!row) throw new NotFoundError("worker", workerId);
  return toWorker(row);
}

function changeStateTx(
  tx: Tx,
  worker: WorkerRecord,
  to: WorkerState,
  actor: string,
  reason: string,
  extra: Partial<typeof workers.$inferInsert> = {},
): WorkerRecord {
  const saved = saveTx(tx, worker.id, { state: to, stateChangedAt: tx.now, ...extra });
  appendEventTx(tx, {
    kind: "worker.state_changed",
    taskId: null,
    workerId: worker.id,
    actor,
    data: { from: worker.state, to, reason },
  });
  return saved;
}

/**
 * NEW → ACTIVE, as domain/worker-rules.ts plans it: refresh in place, or a fresh record after
 * recovering what a lapsed incarnation still held (its locks are revoked, so its tokens go
 * stale, and its running attempts fail with retry).
 */
export function registerWorkerTx(tx: Tx, registration: WorkerRegistration): WorkerRecord {
  const reg = parseOrThrow(registrationSchema, registration, "registration");
  const existing = readWorkerTx(tx, reg.id);
  const plan = planRegistration(existing, reg, tx.now);
  if (plan.kind === "refresh") {
    const refreshed = saveTx(tx, reg.id, { ...registrationColumns(reg), lastHeartbeatAt: tx.now });
    appendEventTx(tx, {
      kind: "worker.registered",
      taskId: null,
      workerId: reg.id,
      actor: reg.id,
      data: { refreshed: true, state: refreshed.state },
    });
    return refreshed;
  }
  if (plan.recover !== null) recoverWorkerTx(tx, reg.id, reg.id, plan.recover);
  const fresh = {
    ...registrationColumns(reg),
    state: "ACTIVE",
    activeTasks: 0,
    registeredAt: tx.now,
    lastHeartbeatAt: tx.now,
    stateChangedAt: tx.now,
    drainRequested: false,
  };
  const row = tx.db
    .insert(workers)
    .values({ id: reg.id, ...fresh })
    .onConflictDoUpdate({ target: workers.id, set: fresh })
    .returning()
    .get();
  if (!row) throw new NotFoundError("worker", reg.id);
  appendEventTx(tx, {
    kind: "worker.registered",
    taskId: null,
    workerId: reg.id,
    actor: reg.id,
    data: { hostname: reg.hostname, pid: reg.pid, previousState: existing?.state ?? null },
  });
  appendEventTx(tx, {
    kind: "worker.state_changed",
    taskId: null,
    workerId: reg.id,
    actor: reg.id,
    data: { from: "NEW", to: "ACTIVE", reason: "registered" },
  });
  return toWorker(row);
}

/** Renew the lease, then take the state steps domain/worker-rules.ts gives the heartbeat. */
export function heartbeatTx(tx: Tx, workerId: string, report: HeartbeatReport): WorkerRecord {
  const { activeTasks, metrics } = parseOrThrow(heartbeatSchema, report, "report");
  let worker = readWorkerTx(tx, workerId);
  if (!worker) throw new LeaseLostError(workerId, "not registered");
  const steps = heartbeatSteps(worker, activeTasks);
  worker = saveTx(tx, workerId, { lastHeartbeatAt: tx.now, activeTasks });
  if (metrics) saveWorkerMetricsTx(tx, workerId, metrics);
  appendEventTx(tx, {
    kind: "worker.heartbeat",
    taskId: null,
    workerId,
    actor: workerId,
    data: { activeTasks, state: worker.state },
  });
  for (const step of steps) worker = changeStateTx(tx, worker, step.to, workerId, step.reason);
  return worker;
}

/** A checked transition; with `expectedFrom` it only happens from those states, so concurrent monitors apply it once. */
export function transitionWorkerTx(
  tx: Tx,
  workerId: string,
  to: WorkerState,
  opts: { expectedFrom?: WorkerState[]; onlyIfLeaseExpired?: boolean; actor: string; reason: string },
): WorkerRecord {
  const checked = parseOrThrow(transitionSchema, { ...opts, to }, "transition");
  const worker = readWorkerTx(tx, workerId);
  if (!worker) throw new NotFoundError("worker", workerId);
  const { drainRequested } = checkWorkerTransition(worker, checked.to, checked, tx.now);
  return changeStateTx(tx, worker, checked.to, checked.actor, checked.reason, { drainRequested });
}

/** Record the drain request and, if domain/worker-rules.ts says so, move to DRAINING now. */
export function requestDrainTx(tx: Tx, workerId: string, actor: string): WorkerRecord {
  parseOrThrow(z.string().min(1).max(200), actor, "actor");
  const worker = readWorkerTx(tx, workerId);
  if (!worker) throw new NotFoundError("worker", workerId);
  const moves = drainRequestMoves(worker);
  appendEventTx(tx, { kind: "worker.drain_requested", taskId: null, workerId, actor, data: { from: worker.state } });
  if (moves) return changeStateTx(tx, worker, "DRAINING", actor, "drain requested", { drainRequested: true });
  return saveTx(tx, workerId, { drainRequested: true });
}

const LIST_WORKERS = `SELECT ${WORKER_COLUMNS_SQL} FROM workers w WHERE w.state <> 'REMOVED' ORDER BY w.id`;
const LIST_ALL_WORKERS = `SELECT ${WORKER_COLUMNS_SQL} FROM workers w ORDER BY w.id`;

/** Prepared: every claim poll reads the registry for the assignment strategy. */
export function listWorkersTx(tx: Tx, opts: { includeRemoved?: boolean } = {}): WorkerRecord[] {
  const rows = tx.statement(opts.includeRemoved ? LIST_ALL_WORKERS : LIST_WORKERS).all() as Array<
    Parameters<typeof toWorkerFromRaw>[0]
  >;
  return rows.map(toWorkerFromRaw);
}
