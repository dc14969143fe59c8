import { z } from "zod";
import { EVENT_KINDS } from "../../domain/events.js";
import { parseOrThrow } from "../../validation.js";
import type { PruneEventsRequest } from "../port.js";
import type { PgTx } from "./transaction.js";

const pruneSchema = z.object({
  kinds: z.array(z.enum(EVENT_KINDS)).min(1),
  before: z.number().int(),
  limit: z.number().int().min(1).max(100_000),
});

/**
 * Deletes up to `limit` of the oldest matching events in one short transaction, so writers
 * wait on it no longer than on a batch of completions. Heartbeat and task-log events have a
 * partial index on `at` (schema.ts); other kinds fall back to a scan.
 */
export async function pruneEventsTx(tx: PgTx, req: PruneEventsRequest): Promise<number> {
  const { kinds, before, limit } = parseOrThrow(pruneSchema, req, "pruneEvents");
  // Kinds are inlined, not bound: the planner uses a partial index only when it can prove the
  // query's condition implies the index's, which a literal always allows whatever the plan
  // caching. They come from the EVENT_KINDS enum just checked, so nothing foreign reaches the
  // SQL text.
  const kindIs = kinds.length === 1 ? `kind = '${kinds[0]}'` : `kind IN (${kinds.map((k) => `'${k}'`).join(", ")})`;
  const sql = `DELETE FROM events WHERE id IN (SELECT id FROM events WHERE ${kindIs} AND at < $1 ORDER BY at LIMIT $2)`;
  return tx.run(sql, [before, limit]);
}
