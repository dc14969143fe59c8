import { eq } from "drizzle-orm";
import { LeaseLostError } from "../../errors.js";
import { isLeaseLive, type WorkerRecord } from "../../domain/worker.js";
import { toWorker } from "./rows.js";
import { workers } from "./schema.js";
import type { Tx } from "./transaction.js";

export function readWorkerTx(tx: Tx, workerId: string): WorkerRecord | null {
  const row = tx.db.select().from(workers).where(eq(workers.id, workerId)).get();
  return row ? toWorker(row) : null;
}

/** A worker may take locks only while its lease is live by the store clock; a lock it took otherwise would be born dead. */
export function requireLiveLeaseTx(tx: Tx, workerId: string): WorkerRecord {
  const worker = readWorkerTx(tx, workerId);
  if (!worker) throw new LeaseLostError(workerId, "not registered");
  if (!isLeaseLive(worker, tx.now)) {
    const why = worker.state === "ACTIVE" || worker.state === "BUSY" || worker.state === "DRAINING" ? "lease expired (no heartbeat within leaseMs)" : `state ${worker.state}`;
    throw new LeaseLostError(workerId, why);
  }
  return worker;
}
