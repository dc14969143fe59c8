import { LIMITS } from "../../domain/limits.js";
import { assertMayWrite, type MemoryEntry, namespaceOf } from "../../domain/memory.js";
import { StoreIntegrityError } from "../../errors.js";
import { parseOrThrow } from "../../validation.js";
import { prefixSchema, writerSchema } from "../port-schemas.js";
import { toJson } from "../sqlite/json.js";
import { toMemoryEntry } from "../sqlite/rows.js";
import { appendEventTx } from "./events.js";
import type { PgTx } from "./transaction.js";

const NEXT_VERSION = `INSERT INTO counters (name, value) VALUES ('memory_version', 1)
  ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`;

/**
 * The LWW order: one global counter bumped inside the writing transaction, so versions
 * follow commit order exactly (one writer at a time, see transaction.ts).
 */
async function nextVersionTx(tx: PgTx): Promise<number> {
  const row = await tx.get<{ value: number }>(NEXT_VERSION);
  if (!row) throw new StoreIntegrityError("the memory version counter returned no row");
  return row.value;
}

type MemoryEntryRow = Parameters<typeof toMemoryEntry>[0];

const MEMORY_COLUMNS_SQL = 'key, value, version, writer_id AS "writerId", updated_at AS "updatedAt"';
const SET_ENTRY = `INSERT INTO memory (key, value, version, writer_id, updated_at, deleted) VALUES ($1, $2, $3, $4, $5, false)
  ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, version = EXCLUDED.version, writer_id = EXCLUDED.writer_id,
    updated_at = EXCLUDED.updated_at, deleted = false
  RETURNING ${MEMORY_COLUMNS_SQL}`;

export async function memorySetTx(tx: PgTx, key: string, value: unknown, writerId: string): Promise<MemoryEntry> {
  parseOrThrow(writerSchema, writerId, "writerId");
  assertMayWrite(key, writerId);
  const text = toJson(value, "value", LIMITS.memoryValueBytes);
  const version = await nextVersionTx(tx);
  const row = await tx.get<MemoryEntryRow>(SET_ENTRY, [key, text, version, writerId, await tx.now()]);
  if (!row) throw new StoreIntegrityError(`memory entry ${key} vanished inside its own write`);
  await appendEventTx(tx, {
    kind: "memory.set",
    taskId: null,
    workerId: null,
    actor: writerId,
    data: { key, version },
  });
  return toMemoryEntry(row);
}

const GET_ENTRY = `SELECT ${MEMORY_COLUMNS_SQL} FROM memory WHERE key = $1 AND NOT deleted`;
/** Keys in code-unit order, as SQLite's BINARY collation sorts them (COLLATE "C"), whatever the database's collation. */
const LIST_PREFIX = `SELECT ${MEMORY_COLUMNS_SQL} FROM memory WHERE starts_with(key, $1) AND NOT deleted ORDER BY key COLLATE "C"`;
const LIST_ALL = `SELECT ${MEMORY_COLUMNS_SQL} FROM memory WHERE NOT deleted ORDER BY key COLLATE "C"`;
const DELETE_ENTRY =
  "UPDATE memory SET value = NULL, version = $2, writer_id = $3, updated_at = $4, deleted = true WHERE key = $1";

export async function memoryGetTx(tx: PgTx, key: string): Promise<MemoryEntry | null> {
  namespaceOf(key);
  const row = await tx.get<MemoryEntryRow>(GET_ENTRY, [key]);
  return row ? toMemoryEntry(row) : null;
}

/** Deleting leaves a tombstone with a new version, so the delete has its own place in store order. */
export async function memoryDeleteTx(tx: PgTx, key: string, writerId: string): Promise<boolean> {
  parseOrThrow(writerSchema, writerId, "writerId");
  assertMayWrite(key, writerId);
  const current = await memoryGetTx(tx, key);
  if (!current) return false;
  const version = await nextVersionTx(tx);
  await tx.run(DELETE_ENTRY, [key, version, writerId, await tx.now()]);
  await appendEventTx(tx, {
    kind: "memory.deleted",
    taskId: null,
    workerId: null,
    actor: writerId,
    data: { key, version },
  });
  return true;
}

export async function memoryListTx(tx: PgTx, prefix: string): Promise<MemoryEntry[]> {
  parseOrThrow(prefixSchema, prefix, "prefix");
  // An exact prefix match (no LIKE wildcards, no collation-dependent range).
  const rows =
    prefix === "" ? await tx.all<MemoryEntryRow>(LIST_ALL) : await tx.all<MemoryEntryRow>(LIST_PREFIX, [prefix]);
  return rows.map(toMemoryEntry);
}
