import type { MemoryEntry } from "../../../domain/memory.js";
import type { MemoryRecord } from "../records/record-schemas.js";
import type { StoredRecord } from "../repo-mirror.js";

/** Ops per memory comment; a version is `commentId × MEMORY_VERSION_SLOTS + index`. */
export const MEMORY_VERSION_SLOTS = 1024;

export function memoryVersion(commentId: number, index: number): number {
  return commentId * MEMORY_VERSION_SLOTS + index;
}

/**
 * Last-write-wins by store order (invariant 7): the comment id orders writes across all
 * processes; ops inside one batch comment are ordered by their index. Compaction snapshots
 * carry the versions the entries had before rotation.
 */
export function foldMemory(records: StoredRecord[]): Map<string, MemoryEntry | { deleted: true; version: number }> {
  const latest = new Map<string, MemoryEntry | { deleted: true; version: number }>();
  for (const stored of records) {
    if (stored.record.k !== "mem") continue;
    const record = stored.record as MemoryRecord;
    record.ops.forEach((op, index) => {
      const version = op.version ?? memoryVersion(stored.id, index);
      const current = latest.get(op.key);
      if (current && current.version >= version) return;
      if (op.del) latest.set(op.key, { deleted: true, version });
      else
        latest.set(op.key, {
          key: op.key,
          value: op.value ?? null,
          version,
          writerId: op.writer,
          updatedAt: op.updatedAt ?? record.at,
        });
    });
  }
  return latest;
}

export function liveEntries(folded: ReturnType<typeof foldMemory>): MemoryEntry[] {
  const entries: MemoryEntry[] = [];
  for (const entry of folded.values()) if (!("deleted" in entry)) entries.push(entry);
  return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
