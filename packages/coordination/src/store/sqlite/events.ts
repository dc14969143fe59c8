import { z } from "zod";
import { EVENT_KINDS, type NewStoreEvent, type StoreEvent } from "../../domain/events.js";
import { asc, gt } from "drizzle-orm";
import { parseOrThrow } from "../../validation.js";
import { toJson } from "./json.js";
import { toEvent } from "./rows.js";
import { events } from "./schema.js";
import type { Tx } from "./transaction.js";

const newEventSchema = z.object({
  kind: z.enum(EVENT_KINDS),
  taskId: z.string().min(1).max(200).nullable(),
  workerId: z.string().min(1).max(200).nullable(),
  actor: z.string().min(1).max(200),
  data: z.record(z.string(), z.unknown()),
});

const readEventsSchema = z.object({
  afterId: z.number().int().min(0),
  limit: z.number().int().min(1).max(10_000),
});

/** Append inside the caller's transaction, so an event exists iff its transition committed. */
export function appendEventTx(tx: Tx, event: NewStoreEvent): StoreEvent {
  const row = tx.db
    .insert(events)
    .values({ at: tx.now, kind: event.kind, taskId: event.taskId, workerId: event.workerId, actor: event.actor, data: toJson(event.data, "data") })
    .returning()
    .get();
  return toEvent(row);
}

export function validateNewEvent(event: NewStoreEvent): NewStoreEvent {
  return parseOrThrow(newEventSchema, event, "event");
}

export function readEventsTx(tx: Tx, afterId: number, limit: number): StoreEvent[] {
  parseOrThrow(readEventsSchema, { afterId, limit }, "readEvents");
  return tx.db.select().from(events).where(gt(events.id, afterId)).orderBy(asc(events.id)).limit(limit).all().map(toEvent);
}
