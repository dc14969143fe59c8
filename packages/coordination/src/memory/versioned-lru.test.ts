import { describe, expect, it } from "vitest";
import type { MemoryEntry } from "../domain/memory.js";
import { VersionedLru } from "./versioned-lru.js";

const entry = (key: string, version: number, value: unknown = version): MemoryEntry => ({
  key,
  value,
  version,
  writerId: "w",
  updatedAt: 0,
});

describe("VersionedLru", () => {
  it("never lets an older version replace a newer one", () => {
    const lru = new VersionedLru(10);
    lru.put(entry("global/a", 5));
    expect(lru.put(entry("global/a", 3)).version).toBe(5);
    expect(lru.get("global/a")?.version).toBe(5);
    expect(lru.put(entry("global/a", 7)).version).toBe(7);
  });

  it("evicts the least recently used beyond capacity", () => {
    const lru = new VersionedLru(2);
    lru.put(entry("global/a", 1));
    lru.put(entry("global/b", 2));
    lru.get("global/a");
    lru.put(entry("global/c", 3));
    expect(lru.size).toBe(2);
    expect(lru.has("global/b")).toBe(false);
    expect(lru.has("global/a")).toBe(true);
  });
});
