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
import { toJson } from "../sqlite/json.js";
import { toWorker } from "../sqlite/rows.js";
import { appendEventTx } from "./events.js";
import type { workers } from "./schema.js";
import type { PgTx } from "./transaction.js";
import { readWorkerTx, WORKER_COLUMNS_PG, type WorkerRow } from "./worker-lease.js";
import { saveWorkerMetricsTx } from "./worker-metrics.js";
import { recoverWorkerTx } from "./worker-recovery.js";

type WorkerColumns = typeof workers.$inferInsert;

/** The column of each property of a worker row (schema.ts), for the statements built from a partial row. */
const COLUMN: Record<keyof WorkerColumns, string> = {
  id: "id",
  hostname: "hostname",
  pid: "pid",
  version: "version",
  maxConcurrency: "max_concurrency",
  supportedTaskTypes: "supported_task_types",
  cpuCores: "cpu_cores",
  memoryMb: "memory_mb",
  labels: "labels",
  heartbeatIntervalMs: "heartbeat_interval_ms",
  leaseMs: "lease_ms",
  healthUrl: "health_url",
  state: "state",
  activeTasks: "active_tasks",
  registeredAt: "registered_at",
  lastHeartbeatAt: "last_heartbeat_at",
  stateChangedAt: "state_changed_at",
  drainRequested: "drain_requested",
};

/** The set properties of a partial row (an undefined one is left alone, as drizzle's `set` does). */
function entriesOf(set: Partial<WorkerColumns>): Array<[string, unknown]> {
  return Object.entries(set).flatMap(([key, value]) =>
    value === undefined ? [] : [[COLUMN[key as keyof WorkerColumns], value] as [string, unknown]],
  );
}

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

async function saveTx(tx: PgTx, workerId: string, set: Partial<WorkerColumns>): Promise<WorkerRecord> {
  const entries = entriesOf(set);
  const assignments = entries.map(([column], i) => `${column} = $${i + 2}`).join(", ");
  const row = await tx.get<WorkerRow>(
    `UPDATE workers AS w SET ${assignments} WHERE w.id = $1 RETURNING ${WORKER_COLUMNS_PG}`,
    [workerId, ...entries.map(([, value]) => value)],
  );
  if (!row) throw new NotFoundError("worker", workerId);
  return toWorker(row);
}

/** Insert the worker, or overwrite every column of `set` on the existing row. */
async function upsertTx(tx: PgTx, workerId: string, set: Partial<WorkerColumns>): Promise<WorkerRecord> {
  const entries = entriesOf(set);
  const columns = entries.map(([column]) => column);
  const row = await tx.get<WorkerRow>(
    `INSERT INTO workers AS w (id, ${columns.join(", ")}) VALUES ($1, ${columns.map((_, i) => `$${i + 2}`).join(", ")})
      ON CONFLICT (id) DO UPDATE SET ${columns.map((column) => `${column} = EXCLUDED.${column}`).join(", ")}
      RETURNING ${WORKER_COLUMNS_PG}`,
    [workerId, ...entries.map(([, value]) => value)],
  );
  if (!row) throw new NotFoundError("worker", workerId);
  return toWorker(row);
}

async function changeStateTx(
  tx: PgTx,
  worker: WorkerRecord,
  to: WorkerState,
  actor: string,
  reason: string,
  extra: Partial<WorkerColumns> = {},
): Promise<WorkerRecord> {
  const saved = await saveTx(tx, worker.id, { state: to, stateChangedAt: await tx.now(), ...extra });
  await appendEventTx(tx, {
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
export async function registerWorkerTx(tx: PgTx, registration: WorkerRegistration): Promise<WorkerRecord> {
  const reg = parseOrThrow(registrationSchema, registration, "registration");
  const now = await tx.now();
  const existing = await readWorkerTx(tx, reg.id);
  const plan = planRegistration(existing, reg, now);
  if (plan.kind === "refresh") {
    const refreshed = await saveTx(tx, reg.id, { ...registrationColumns(reg), lastHeartbeatAt: now });
    await appendEventTx(tx, {
      kind: "worker.registered",
      taskId: null,
      workerId: reg.id,
      actor: reg.id,
      data: { refreshed: true, state: refreshed.state },
    });
    return refreshed;
  }
  if (plan.recover !== null) await recoverWorkerTx(tx, reg.id, reg.id, plan.recover);
  const worker = await upsertTx(tx, reg.id, {
    ...registrationColumns(reg),
    state: "ACTIVE",
    activeTasks: 0,
    registeredAt: now,
    lastHeartbeatAt: now,
    stateChangedAt: now,
    drainRequested: false,
  });
  await appendEventTx(tx, {
    kind: "worker.registered",
    taskId: null,
    workerId: reg.id,
    actor: reg.id,
    data: { hostname: reg.hostname, pid: reg.pid, previousState: existing?.state ?? null },
  });
  await appendEventTx(tx, {
    kind: "worker.state_changed",
    taskId: null,
    workerId: reg.id,
    actor: reg.id,
    data: { from: "NEW", to: "ACTIVE", reason: "registered" },
  });
  return worker;
}

/** Renew the lease, then take the state steps domain/worker-rules.ts gives the heartbeat. */
export async function heartbeatTx(tx: PgTx, workerId: string, report: HeartbeatReport): Promise<WorkerRecord> {
  const { activeTasks, metrics } = parseOrThrow(heartbeatSchema, report, "report");
  let worker = await readWorkerTx(tx, workerId);
  if (!worker) throw new LeaseLostError(workerId, "not registered");
  const steps = heartbeatSteps(worker, activeTasks);
  worker = await saveTx(tx, workerId, { lastHeartbeatAt: await tx.now(), activeTasks });
  if (metrics) await saveWorkerMetricsTx(tx, workerId, metrics);
  await appendEventTx(tx, {
    kind: "worker.heartbeat",
    taskId: null,
    workerId,
    actor: workerId,
    data: { activeTasks, state: worker.state },
  });
  for (const step of steps) worker = await changeStateTx(tx, worker, step.to, workerId, step.reason);
  return worker;
}

/** A checked transition; with `expectedFrom` it only happens from those states, so concurrent monitors apply it once. */
export async function transitionWorkerTx(
  tx: PgTx,
  workerId: string,
  to: WorkerState,
  opts: { expectedFrom?: WorkerState[]; onlyIfLeaseExpired?: boolean; actor: string; reason: string },
): Promise<WorkerRecord> {
  const checked = parseOrThrow(transitionSchema, { ...opts, to }, "transition");
  const worker = await readWorkerTx(tx, workerId);
  if (!worker) throw new NotFoundError("worker", workerId);
  const { drainRequested } = checkWorkerTransition(worker, checked.to, checked, await tx.now());
  return changeStateTx(tx, worker, checked.to, checked.actor, checked.reason, { drainRequested });
}

/** Record the drain request and, if domain/worker-rules.ts says so, move to DRAINING now. */
export async function requestDrainTx(tx: PgTx, workerId: string, actor: string): Promise<WorkerRecord> {
  parseOrThrow(z.string().min(1).max(200), actor, "actor");
  const worker = await readWorkerTx(tx, workerId);
  if (!worker) throw new NotFoundError("worker", workerId);
  const moves = drainRequestMoves(worker);
  await appendEventTx(tx, {
    kind: "worker.drain_requested",
    taskId: null,
    workerId,
    actor,
    data: { from: worker.state },
  });
  if (moves) return changeStateTx(tx, worker, "DRAINING", actor, "drain requested", { drainRequested: true });
  return saveTx(tx, workerId, { drainRequested: true });
}

/** Ids in code-unit order, as SQLite's BINARY collation sorts them (COLLATE "C"), whatever the database's collation. */
const LIST_WORKERS = `SELECT ${WORKER_COLUMNS_PG} FROM workers w WHERE w.state <> 'REMOVED' ORDER BY w.id COLLATE "C"`;
const LIST_ALL_WORKERS = `SELECT ${WORKER_COLUMNS_PG} FROM workers w ORDER BY w.id COLLATE "C"`;

/** Every claim poll reads the registry for the assignment strategy. */
export async function listWorkersTx(tx: PgTx, opts: { includeRemoved?: boolean } = {}): Promise<WorkerRecord[]> {
  const rows = await tx.all<WorkerRow>(opts.includeRemoved ? LIST_ALL_WORKERS : LIST_WORKERS);
  return rows.map(toWorker);
}
