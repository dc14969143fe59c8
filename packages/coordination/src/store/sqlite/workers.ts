import { eq } from "drizzle-orm";
import { z } from "zod";
import { newTaskSchema } from "../../domain/task.js";
import {
  ACCEPTING_STATES,
  assertWorkerTransition,
  isLeaseLive,
  WORKER_STATES,
  type WorkerRecord,
  type WorkerRegistration,
  type WorkerState,
} from "../../domain/worker.js";
import { IllegalTransitionError, LeaseLostError, NotFoundError, ValidationError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { appendEventTx } from "./events.js";
import { toJson } from "./json.js";
import { toWorker, toWorkerFromRaw, WORKER_COLUMNS_SQL } from "./rows.js";
import { workers } from "./schema.js";
import type { Tx } from "./transaction.js";
import { readWorkerTx } from "./worker-lease.js";
import { recoverWorkerTx } from "./worker-recovery.js";

/** No ':' in ids, so a worker can never pose as `operator:…` or `monitor:…`. */
const WORKER_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const registrationSchema = z
  .object({
    id: z.string().regex(WORKER_ID_RE, "letters, digits, '.', '_' or '-', 1–100 chars, starting with a letter or digit"),
    hostname: z.string().min(1).max(255),
    pid: z.number().int().min(0),
    version: z.string().min(1).max(100),
    maxConcurrency: z.number().int().min(1).max(10_000),
    supportedTaskTypes: z.array(newTaskSchema.shape.type).max(500),
    cpuCores: z.number().positive().max(100_000),
    memoryMb: z.number().int().min(0),
    labels: z.record(z.string().max(100), z.string().max(500)),
    heartbeatIntervalMs: z.number().int().min(10).max(24 * 3600_000),
    leaseMs: z.number().int().min(10).max(7 * 24 * 3600_000),
    healthUrl: z.url().max(500).nullable(),
  })
  .refine((r) => r.leaseMs >= r.heartbeatIntervalMs, { path: ["leaseMs"], message: "at least heartbeatIntervalMs (else the lease lapses between heartbeats)" });

const transitionSchema = z.object({
  to: z.enum(WORKER_STATES),
  expectedFrom: z.array(z.enum(WORKER_STATES)).optional(),
  onlyIfLeaseExpired: z.boolean().optional(),
  actor: z.string().min(1).max(200),
  reason: z.string().max(1000),
});

const heartbeatSchema = z.object({ activeTasks: z.number().int().min(0).max(1_000_000) });

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

function changeStateTx(tx: Tx, worker: WorkerRecord, to: WorkerState, actor: string, reason: string, extra: Partial<typeof workers.$inferInsert> = {}): WorkerRecord {
  const saved = saveTx(tx, worker.id, { state: to, stateChangedAt: tx.now, ...extra });
  appendEventTx(tx, { kind: "worker.state_changed", taskId: null, workerId: worker.id, actor, data: { from: worker.state, to, reason } });
  return saved;
}

/**
 * NEW → ACTIVE. An id whose lease is live belongs to a running worker: the same process
 * (hostname and pid) may re-register, which refreshes its record and lease in place; any
 * other process is refused, so two live workers never share an id. An id whose lease has
 * lapsed (expired heartbeat, STALE, OFFLINE, REMOVED) starts a fresh record, and whatever
 * the previous incarnation still held is recovered first: its locks are revoked (its
 * tokens go stale) and its running attempts fail with retry.
 */
export function registerWorkerTx(tx: Tx, registration: WorkerRegistration): WorkerRecord {
  const reg = parseOrThrow(registrationSchema, registration, "registration");
  const existing = readWorkerTx(tx, reg.id);
  if (existing && isLeaseLive(existing, tx.now)) {
    if (existing.hostname !== reg.hostname || existing.pid !== reg.pid) {
      throw new ValidationError("id", `an id no live worker holds (${reg.id} is ${existing.state} on ${existing.hostname}, pid ${existing.pid})`, reg.id);
    }
    const refreshed = saveTx(tx, reg.id, { ...registrationColumns(reg), lastHeartbeatAt: tx.now });
    appendEventTx(tx, { kind: "worker.registered", taskId: null, workerId: reg.id, actor: reg.id, data: { refreshed: true, state: refreshed.state } });
    return refreshed;
  }
  if (existing) recoverWorkerTx(tx, reg.id, reg.id, `worker ${reg.id} re-registered (previous incarnation ${existing.state})`);
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
  appendEventTx(tx, { kind: "worker.registered", taskId: null, workerId: reg.id, actor: reg.id, data: { hostname: reg.hostname, pid: reg.pid, previousState: existing?.state ?? null } });
  appendEventTx(tx, { kind: "worker.state_changed", taskId: null, workerId: reg.id, actor: reg.id, data: { from: "NEW", to: "ACTIVE", reason: "registered" } });
  return toWorker(row);
}

/** Renew the lease. STALE → ACTIVE (→ DRAINING if a drain is pending); ACTIVE ⇄ BUSY by load. */
export function heartbeatTx(tx: Tx, workerId: string, report: { activeTasks: number }): WorkerRecord {
  const { activeTasks } = parseOrThrow(heartbeatSchema, report, "report");
  let worker = readWorkerTx(tx, workerId);
  if (!worker) throw new LeaseLostError(workerId, "not registered");
  if (worker.state === "OFFLINE" || worker.state === "REMOVED" || worker.state === "NEW") {
    throw new LeaseLostError(workerId, `state ${worker.state}; re-register`);
  }
  worker = saveTx(tx, workerId, { lastHeartbeatAt: tx.now, activeTasks });
  appendEventTx(tx, { kind: "worker.heartbeat", taskId: null, workerId, actor: workerId, data: { activeTasks, state: worker.state } });
  if (worker.state === "STALE") worker = changeStateTx(tx, worker, "ACTIVE", workerId, "heartbeat resumed");
  if (worker.state === "ACTIVE" && worker.drainRequested) worker = changeStateTx(tx, worker, "DRAINING", workerId, "drain requested");
  const full = activeTasks >= worker.maxConcurrency;
  if (worker.state === "ACTIVE" && full) worker = changeStateTx(tx, worker, "BUSY", workerId, "at capacity");
  else if (worker.state === "BUSY" && !full) worker = changeStateTx(tx, worker, "ACTIVE", workerId, "capacity available");
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
  if (checked.expectedFrom && !checked.expectedFrom.includes(worker.state)) throw new IllegalTransitionError("worker", workerId, worker.state, to);
  if (checked.onlyIfLeaseExpired && tx.now < worker.lastHeartbeatAt + worker.leaseMs) throw new IllegalTransitionError("worker", workerId, worker.state, to);
  assertWorkerTransition(workerId, worker.state, checked.to);
  const resumed = worker.state === "DRAINING" && checked.to === "ACTIVE";
  return changeStateTx(tx, worker, checked.to, checked.actor, checked.reason, resumed ? { drainRequested: false } : {});
}

/**
 * ACTIVE/BUSY → DRAINING at once (and drainRequested, which the worker sees on its next
 * heartbeat). A STALE worker keeps the request and drains when its heartbeat resumes.
 */
export function requestDrainTx(tx: Tx, workerId: string, actor: string): WorkerRecord {
  parseOrThrow(z.string().min(1).max(200), actor, "actor");
  const worker = readWorkerTx(tx, workerId);
  if (!worker) throw new NotFoundError("worker", workerId);
  if (worker.state !== "DRAINING" && worker.state !== "STALE" && !ACCEPTING_STATES.includes(worker.state)) {
    throw new IllegalTransitionError("worker", workerId, worker.state, "DRAINING");
  }
  appendEventTx(tx, { kind: "worker.drain_requested", taskId: null, workerId, actor, data: { state: worker.state } });
  if (ACCEPTING_STATES.includes(worker.state)) return changeStateTx(tx, worker, "DRAINING", actor, "drain requested", { drainRequested: true });
  return saveTx(tx, workerId, { drainRequested: true });
}

const LIST_WORKERS = `SELECT ${WORKER_COLUMNS_SQL} FROM workers w WHERE w.state <> 'REMOVED' ORDER BY w.id`;
const LIST_ALL_WORKERS = `SELECT ${WORKER_COLUMNS_SQL} FROM workers w ORDER BY w.id`;

/** Prepared: every claim poll reads the registry for the assignment strategy. */
export function listWorkersTx(tx: Tx, opts: { includeRemoved?: boolean } = {}): WorkerRecord[] {
  const rows = tx.statement(opts.includeRemoved ? LIST_ALL_WORKERS : LIST_WORKERS).all() as Array<Parameters<typeof toWorkerFromRaw>[0]>;
  return rows.map(toWorkerFromRaw);
}
