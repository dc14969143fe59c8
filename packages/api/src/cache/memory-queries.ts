import type { MemoryEntry } from "@sentinel/coordination";
import { and, asc, count, eq, gt, gte, lt } from "drizzle-orm";
import type { CacheDb } from "./open-cache.js";
import { memoryEntries } from "./schema.js";

export function memoryNamespaceCounts(db: CacheDb): Array<{ namespace: string; entries: number }> {
  return db
    .select({ namespace: memoryEntries.namespace, entries: count() })
    .from(memoryEntries)
    .groupBy(memoryEntries.namespace)
    .orderBy(asc(memoryEntries.namespace))
    .all();
}

/** Entries whose key starts with `prefix`, by key, after `afterKey`; a key range, so it uses the primary key. */
export function listMemoryByPrefix(
  db: CacheDb,
  prefix: string,
  opts: { limit: number; afterKey?: string | null },
): MemoryEntry[] {
  const upper =
    prefix.length > 0 ? prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1) : "\uffff";
  const lower =
    opts.afterKey && opts.afterKey >= prefix ? gt(memoryEntries.key, opts.afterKey) : gte(memoryEntries.key, prefix);
  return db
    .select()
    .from(memoryEntries)
    .where(and(lower, lt(memoryEntries.key, upper)))
    .orderBy(asc(memoryEntries.key))
    .limit(opts.limit)
    .all()
    .map(toEntry);
}

export function getCachedMemory(db: CacheDb, key: string): MemoryEntry | null {
  const row = db.select().from(memoryEntries).where(eq(memoryEntries.key, key)).get();
  return row ? toEntry(row) : null;
}

function toEntry(row: typeof memoryEntries.$inferSelect): MemoryEntry {
  return {
    key: row.key,
    value: JSON.parse(row.value) as unknown,
    version: row.version,
    writerId: row.writerId,
    updatedAt: row.updatedAt,
  };
}
