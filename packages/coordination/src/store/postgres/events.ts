import type { NewStoreEvent, StoreEvent } from "../../domain/events.js";
import { StoreIntegrityError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { newEventSchema, readEventsSchema } from "../port-schemas.js";
import { toJson } from "../sqlite/json.js";
import { eventOfValues } from "../sqlite/rows.js";
import type { PgTx } from "./transaction.js";

const INSERT_EVENT = "INSERT INTO events (at, kind, task_id, worker_id, actor, data) VALUES ($1, $2, $3, $4, $5, $6)";
const EVENT_COLUMNS = "id, at, kind, task_id, worker_id, actor, data";

async function eventValues(tx: PgTx, event: NewStoreEvent): Promise<unknown[]> {
  return [await tx.now(), event.kind, event.taskId, event.workerId, event.actor, toJson(event.data, "data")];
}

/**
 * Append inside the caller's transaction, so an event exists iff its transition committed.
 * Every transition records its events this way. The rows wait in the transaction and go in
 * as one insert (flushEventsTx) just before the commit: a claim or completion batch records
 * several events per task, and one round trip per event, each under the store's write lock,
 * was a third of a task's statements. Their order, and so their ids, is the order appended.
 */
export async function appendEventTx(tx: PgTx, event: NewStoreEvent): Promise<void> {
  tx.pendingEvents.push(await eventValues(tx, event));
}

const INSERT_EVENTS = `INSERT INTO events (at, kind, task_id, worker_id, actor, data)
  SELECT at, kind, task_id, worker_id, actor, data
  FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY
    AS e(at, kind, task_id, worker_id, actor, data, n)
  ORDER BY n`;

/**
 * Inserts the events appended so far in this transaction, in order. The write transaction
 * calls it before committing; anything in the transaction that reads or deletes events calls
 * it first, so it sees the log as if every append had gone in at once.
 */
export async function flushEventsTx(tx: PgTx): Promise<void> {
  const rows = tx.pendingEvents.splice(0);
  if (rows.length === 0) return;
  if (rows.length === 1) {
    await tx.run(INSERT_EVENT, rows[0] as unknown[]);
    return;
  }
  const columns = [0, 1, 2, 3, 4, 5].map((i) => rows.map((row) => row[i]));
  await tx.run(INSERT_EVENTS, columns);
}

/** The port's `appendEvent`: the stored event, as a reader of the log will see it. */
export async function appendEventReturningTx(tx: PgTx, event: NewStoreEvent): Promise<StoreEvent> {
  await flushEventsTx(tx);
  const [row] = await tx.values(`${INSERT_EVENT} RETURNING ${EVENT_COLUMNS}`, await eventValues(tx, event));
  if (!row) throw new StoreIntegrityError("an appended event was not returned by its own insert");
  return eventOfValues(row);
}

export function validateNewEvent(event: NewStoreEvent): NewStoreEvent {
  return parseOrThrow(newEventSchema, event, "event");
}

const READ_EVENTS = `SELECT ${EVENT_COLUMNS} FROM events WHERE id > $1 ORDER BY id LIMIT $2`;

/** Every worker's memory sync and the control plane's syncer follow the whole log. */
export async function readEventsTx(tx: PgTx, afterId: number, limit: number): Promise<StoreEvent[]> {
  parseOrThrow(readEventsSchema, { afterId, limit }, "readEvents");
  await flushEventsTx(tx);
  return (await tx.values(READ_EVENTS, [afterId, limit])).map(eventOfValues);
}
