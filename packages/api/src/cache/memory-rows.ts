import { displayableJson, MEMORY_VALUE_LIMIT, type MemoryEntry } from "@sentinel/coordination";
import { and, eq, gte, lt, notInArray, sql } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { memoryEntries } from "./schema.js";

export function upsertMemory(db: CacheDb, entry: MemoryEntry): boolean {
  const row = {
    key: entry.key,
    namespace: entry.key.split("/")[0] ?? "",
    value: JSON.stringify(displayableJson(entry.value, MEMORY_VALUE_LIMIT)) ?? "null",
    version: entry.version,
    writerId: entry.writerId,
    updatedAt: entry.updatedAt,
  };
  const { key: _key, ...set } = row;
  return (
    db
      .insert(memoryEntries)
      .values(row)
      .onConflictDoUpdate({
        target: memoryEntries.key,
        set,
        setWhere: sql`${memoryEntries.version} IS NOT excluded.version`,
      })
      .run().changes > 0
  );
}

export function deleteMemory(db: CacheDb, key: string): boolean {
  return db.delete(memoryEntries).where(eq(memoryEntries.key, key)).run().changes > 0;
}

/** Make one namespace's rows exactly the given entries (reconcile). */
export function replaceNamespace(db: CacheDb, namespace: string, entries: MemoryEntry[]): boolean {
  let changed = false;
  for (const entry of entries) changed = upsertMemory(db, entry) || changed;
  const keys = entries.map((e) => e.key);
  const inNamespace = and(gte(memoryEntries.key, `${namespace}/`), lt(memoryEntries.key, `${namespace}0`));
  const removed = db
    .delete(memoryEntries)
    .where(keys.length === 0 ? inNamespace : and(inNamespace, notInArray(memoryEntries.key, keys)))
    .run();
  return changed || removed.changes > 0;
}
