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
 * Every transition records its events this way (an insert, nothing read back).
 */
export async function appendEventTx(tx: PgTx, event: NewStoreEvent): Promise<void> {
  await tx.run(INSERT_EVENT, await eventValues(tx, event));
}

/** The port's `appendEvent`: the stored event, as a reader of the log will see it. */
export async function appendEventReturningTx(tx: PgTx, event: NewStoreEvent): Promise<StoreEvent> {
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
  return (await tx.values(READ_EVENTS, [afterId, limit])).map(eventOfValues);
}
