import { eq, sql } from "drizzle-orm";
import { LIMITS } from "../../domain/limits.js";
import { assertMayWrite, type MemoryEntry, namespaceOf } from "../../domain/memory.js";
import { parseOrThrow } from "../../validation.js";
import { prefixSchema, writerSchema } from "../port-schemas.js";
import { appendEventTx } from "./events.js";
import { toJson } from "./json.js";
import { toMemoryEntry } from "./rows.js";
import { counters, memory } from "./schema.js";
import type { Tx } from "./transaction.js";

/**
 * The LWW order: one global counter bumped inside the writing transaction, so versions
 * follow commit order exactly (SQLite has one writer at a time).
 */
function nextVersionTx(tx: Tx): number {
  const row = tx.db
    .insert(counters)
    .values({ name: "memory_version", value: 1 })
    .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
    .returning()
    .get();
  return row.value;
}

export function memorySetTx(tx: Tx, key: string, value: unknown, writerId: string): MemoryEntry {
  parseOrThrow(writerSchema, writerId, "writerId");
  assertMayWrite(key, writerId);
  const text = toJson(value, "value", LIMITS.memoryValueBytes);
  const version = nextVersionTx(tx);
  const set = { value: text, version, writerId, updatedAt: tx.now, deleted: false };
  const row = tx.db
    .insert(memory)
    .values({ key, ...set })
    .onConflictDoUpdate({ target: memory.key, set })
    .returning()
    .get();
  appendEventTx(tx, { kind: "memory.set", taskId: null, workerId: null, actor: writerId, data: { key, version } });
  return toMemoryEntry(row);
}

const MEMORY_COLUMNS_SQL = "key, value, version, writer_id AS writerId, updated_at AS updatedAt";
const GET_ENTRY = `SELECT ${MEMORY_COLUMNS_SQL} FROM memory WHERE key = ? AND deleted = 0`;
/** A key range on the primary key: the listing is an index seek, however large the table. */
const LIST_RANGE = `SELECT ${MEMORY_COLUMNS_SQL} FROM memory WHERE key >= ? AND key < ? AND deleted = 0 ORDER BY key`;
const LIST_ALL = `SELECT ${MEMORY_COLUMNS_SQL} FROM memory WHERE deleted = 0 ORDER BY key`;

type MemoryEntryRow = Omit<typeof memory.$inferSelect, "deleted">;

export function memoryGetTx(tx: Tx, key: string): MemoryEntry | null {
  namespaceOf(key);
  const row = tx.statement(GET_ENTRY).get(key) as MemoryEntryRow | undefined;
  return row ? toMemoryEntry(row) : null;
}

/** Deleting leaves a tombstone with a new version, so the delete has its own place in store order. */
export function memoryDeleteTx(tx: Tx, key: string, writerId: string): boolean {
  parseOrThrow(writerSchema, writerId, "writerId");
  assertMayWrite(key, writerId);
  const current = memoryGetTx(tx, key);
  if (!current) return false;
  const version = nextVersionTx(tx);
  tx.db
    .update(memory)
    .set({ value: null, version, writerId, updatedAt: tx.now, deleted: true })
    .where(eq(memory.key, key))
    .run();
  appendEventTx(tx, { kind: "memory.deleted", taskId: null, workerId: null, actor: writerId, data: { key, version } });
  return true;
}

export function memoryListTx(tx: Tx, prefix: string): MemoryEntry[] {
  parseOrThrow(prefixSchema, prefix, "prefix");
  if (prefix === "") return (tx.statement(LIST_ALL).all() as MemoryEntryRow[]).map(toMemoryEntry);
  // Keys starting with an ASCII prefix are exactly those in [prefix, prefix with its last character + 1) under BINARY collation.
  const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return (tx.statement(LIST_RANGE).all(prefix, end) as MemoryEntryRow[]).map(toMemoryEntry);
}
