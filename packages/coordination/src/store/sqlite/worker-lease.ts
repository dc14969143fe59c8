import type { WorkerRecord } from "../../domain/worker.js";
import { requireLiveLease } from "../../domain/worker-rules.js";
import { toWorkerFromRaw, WORKER_COLUMNS_SQL } from "./rows.js";
import type { Tx } from "./transaction.js";

const READ_WORKER = `SELECT ${WORKER_COLUMNS_SQL} FROM workers w WHERE w.id = ?`;

export function readWorkerTx(tx: Tx, workerId: string): WorkerRecord | null {
  const row = tx.statement(READ_WORKER).get(workerId) as Parameters<typeof toWorkerFromRaw>[0] | undefined;
  return row ? toWorkerFromRaw(row) : null;
}

/** The worker, if it may take locks now (domain/worker-rules.ts: requireLiveLease). */
export function requireLiveLeaseTx(tx: Tx, workerId: string): WorkerRecord {
  return requireLiveLease(readWorkerTx(tx, workerId), workerId, tx.now);
}
