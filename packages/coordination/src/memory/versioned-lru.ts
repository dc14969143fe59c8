import type { MemoryEntry } from "../domain/memory.js";

/**
 * Bounded LRU of memory entries that only ever moves forward by store version (LWW).
 * Hand-written rather than the `lru-cache` package because the part that matters here is the
 * version guard on every put; the recency bookkeeping is a Map's insertion order.
 */
export class VersionedLru {
  private readonly entries = new Map<string, MemoryEntry>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** Presence without touching recency. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): MemoryEntry | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Keeps whichever of the cached and offered entries has the higher store version. */
  put(entry: MemoryEntry): MemoryEntry {
    const current = this.entries.get(entry.key);
    const winner = current && current.version >= entry.version ? current : entry;
    this.entries.delete(entry.key);
    this.entries.set(entry.key, winner);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return winner;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
