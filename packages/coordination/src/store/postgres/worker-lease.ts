import type { WorkerRecord } from "../../domain/worker.js";
import { requireLiveLease } from "../../domain/worker-rules.js";
import { toWorker, WORKER_COLUMNS_SQL } from "../sqlite/rows.js";
import type { PgTx } from "./transaction.js";

/** A row of `WORKER_COLUMNS_PG`: drizzle's worker row (drain_requested is a real boolean here). */
export type WorkerRow = Parameters<typeof toWorker>[0];

/**
 * `WORKER_COLUMNS_SQL` (sqlite/rows.ts) with its camelCase aliases quoted, which Postgres
 * would otherwise lower-case, so rows come back under drizzle's property names.
 */
export const WORKER_COLUMNS_PG = WORKER_COLUMNS_SQL.replace(/ AS (\w+)/g, ' AS "$1"');

const READ_WORKER = `SELECT ${WORKER_COLUMNS_PG} FROM workers w WHERE w.id = $1`;

export async function readWorkerTx(tx: PgTx, workerId: string): Promise<WorkerRecord | null> {
  const row = await tx.get<WorkerRow>(READ_WORKER, [workerId]);
  return row ? toWorker(row) : null;
}

/** The worker, if it may take locks now (domain/worker-rules.ts: requireLiveLease). */
export async function requireLiveLeaseTx(tx: PgTx, workerId: string): Promise<WorkerRecord> {
  return requireLiveLease(await readWorkerTx(tx, workerId), workerId, await tx.now());
}
