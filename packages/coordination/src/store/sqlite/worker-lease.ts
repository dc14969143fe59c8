import { isLeaseLive, type WorkerRecord } from "../../domain/worker.js";
import { LeaseLostError } from "../../errors.js";
import { toWorkerFromRaw, WORKER_COLUMNS_SQL } from "./rows.js";
import type { Tx } from "./transaction.js";

const READ_WORKER = `SELECT ${WORKER_COLUMNS_SQL} FROM workers w WHERE w.id = ?`;

export function readWorkerTx(tx: Tx, workerId: string): WorkerRecord | null {
  const row = tx.statement(READ_WORKER).get(workerId) as Parameters<typeof toWorkerFromRaw>[0] | undefined;
  return row ? toWorkerFromRaw(row) : null;
}

/** A worker may take locks only while its lease is live by the store clock; a lock it took otherwise would be born dead. */
export function requireLiveLeaseTx(tx: Tx, workerId: string): WorkerRecord {
  const worker = readWorkerTx(tx, workerId);
  if (!worker) throw new LeaseLostError(workerId, "not registered");
  if (!isLeaseLive(worker, tx.now)) {
    const why =
      worker.state === "ACTIVE" || worker.state === "BUSY" || worker.state === "DRAINING"
        ? "lease expired (no heartbeat within leaseMs)"
        : `state ${worker.state}`;
    throw new LeaseLostError(workerId, why);
  }
  return worker;
}
