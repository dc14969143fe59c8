import { eq } from "drizzle-orm";
import type { NewStoreEvent, StoreEvent } from "../../domain/events.js";
import { StoreIntegrityError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { newEventSchema, readEventsSchema } from "../port-schemas.js";
import { toJson } from "./json.js";
import { eventOfValues, toEvent } from "./rows.js";
import { events } from "./schema.js";
import type { Tx } from "./transaction.js";

const INSERT_EVENT = "INSERT INTO events (at, kind, task_id, worker_id, actor, data) VALUES (?, ?, ?, ?, ?, ?)";

/**
 * Append inside the caller's transaction, so an event exists iff its transition committed.
 * Every transition records its events this way (a prepared insert, nothing read back).
 */
export function appendEventTx(tx: Tx, event: NewStoreEvent): void {
  tx.statement(INSERT_EVENT).run(
    tx.now,
    event.kind,
    event.taskId,
    event.workerId,
    event.actor,
    toJson(event.data, "data"),
  );
}

/** The port's `appendEvent`: the stored event, as a reader of the log will see it. */
export function appendEventReturningTx(tx: Tx, event: NewStoreEvent): StoreEvent {
  const { lastInsertRowid } = tx
    .statement(INSERT_EVENT)
    .run(tx.now, event.kind, event.taskId, event.workerId, event.actor, toJson(event.data, "data"));
  const row = tx.db
    .select()
    .from(events)
    .where(eq(events.id, Number(lastInsertRowid)))
    .get();
  if (!row) throw new StoreIntegrityError(`event ${lastInsertRowid} vanished inside its own transaction`);
  return toEvent(row);
}

export function validateNewEvent(event: NewStoreEvent): NewStoreEvent {
  return parseOrThrow(newEventSchema, event, "event");
}

const READ_EVENTS =
  "SELECT id, at, kind, task_id AS taskId, worker_id AS workerId, actor, data FROM events WHERE id > ? ORDER BY id LIMIT ?";

/** Prepared: every worker's memory sync and the control plane's syncer follow the whole log. */
export function readEventsTx(tx: Tx, afterId: number, limit: number): StoreEvent[] {
  parseOrThrow(readEventsSchema, { afterId, limit }, "readEvents");
  return (tx.rawStatement(READ_EVENTS).all(afterId, limit) as unknown[][]).map(eventOfValues);
}
