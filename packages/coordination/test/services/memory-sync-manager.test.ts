import { restoreClock } from "@sentinel/test-support/clock";
import { tempStorePerTest } from "@sentinel/test-support/store";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NamespaceViolationError, ValidationError } from "../../src/errors.js";
import type { MemoryChange } from "../../src/memory/memory-change.js";
import { MemorySyncManager } from "../../src/memory/memory-sync-manager.js";

const t = tempStorePerTest("sentinel-services");
afterEach(restoreClock);

function manager(writerId: string, opts: { cacheSize?: number; syncIntervalMs?: number } = {}): MemorySyncManager {
  return new MemorySyncManager(t.open(), { writerId, ...opts });
}

describe("MemorySyncManager", () => {
  it("last write wins by store order; a reader's cache catches up on refresh", async () => {
    const a = manager("w-a");
    const b = manager("w-b");
    await a.refresh();
    const first = await a.set("swarm/topology", { leader: "a" });
    const second = await b.set("swarm/topology", { leader: "b" });
    expect(second.version).toBeGreaterThan(first.version);

    expect((await a.get("swarm/topology"))?.value).toEqual({ leader: "a" });
    expect((await a.get("swarm/topology", { fresh: true }))?.value).toEqual({ leader: "b" });
    expect((await b.get("swarm/topology"))?.value).toEqual({ leader: "b" });

    const c = manager("w-c");
    await c.refresh();
    expect((await c.get("swarm/topology"))?.value).toEqual({ leader: "b" });
    await a.set("swarm/topology", { leader: "a2" });
    await c.refresh();
    expect((await c.get("swarm/topology"))?.value).toEqual({ leader: "a2" });
  });

  it("a slow read of an older version never overwrites a newer cached one", async () => {
    const a = manager("w-a");
    const older = await a.set("global/config", 1);
    const newer = await a.set("global/config", 2);
    const store = t.open();
    const reader = new MemorySyncManager(store, { writerId: "w-r" });
    await reader.get("global/config");
    vi.spyOn(store, "memoryGet").mockResolvedValueOnce(older);
    const seen = await reader.get("global/config", { fresh: true });
    expect(seen?.version).toBe(newer.version);
    expect((await reader.get("global/config"))?.value).toBe(2);
  });

  it("a delete seen during a read keeps the read out of the cache", async () => {
    const a = manager("w-a");
    await a.set("global/flag", "on");
    const store = t.open();
    const reader = new MemorySyncManager(store, { writerId: "w-r" });
    await reader.refresh();
    const stale = await store.memoryGet("global/flag");
    let release!: () => void;
    vi.spyOn(store, "memoryGet").mockImplementationOnce(
      () => new Promise((resolve) => (release = () => resolve(stale))),
    );
    const pending = reader.get("global/flag");
    await a.delete("global/flag");
    await reader.refresh();
    release();
    expect((await pending)?.value).toBe("on");
    vi.restoreAllMocks();
    expect(await reader.get("global/flag")).toBeNull();
  });

  it("subscribers get changes under their prefix, in order, and can unsubscribe", async () => {
    const a = manager("w-a");
    const watcher = manager("w-w");
    await watcher.refresh();
    const seen: MemoryChange[] = [];
    const off = watcher.subscribe("tasks/", (c) => seen.push(c));
    await a.set("tasks/t1", { progress: 1 });
    await a.set("swarm/other", 1);
    await a.set("tasks/t1", { progress: 2 });
    await a.delete("tasks/t1");
    expect(await watcher.refresh()).toBe(4);
    expect(seen.map((c) => [c.kind, c.key, c.superseded, c.writerId])).toEqual([
      ["set", "tasks/t1", true, "w-a"],
      ["set", "tasks/t1", true, "w-a"],
      ["deleted", "tasks/t1", false, "w-a"],
    ]);
    expect(seen.map((c) => c.version)).toEqual([...seen.map((c) => c.version)].sort((x, y) => x! - y!));
    await a.set("tasks/t2", { progress: 9 });
    await watcher.refresh();
    expect(seen.at(-1)).toMatchObject({
      kind: "set",
      key: "tasks/t2",
      superseded: false,
      entry: { value: { progress: 9 }, writerId: "w-a" },
    });
    off();
    await a.set("tasks/t3", 1);
    await watcher.refresh();
    expect(seen).toHaveLength(4);
  });

  it("does not replay history to a new manager, unless asked", async () => {
    const a = manager("w-a");
    await a.set("tasks/old", 1);
    const fresh = manager("w-f");
    const seen: string[] = [];
    fresh.subscribe("", (c) => seen.push(c.key));
    await fresh.refresh();
    await a.set("tasks/new", 1);
    await fresh.refresh();
    expect(seen).toEqual(["tasks/new"]);

    const replay = new MemorySyncManager(t.open(), { writerId: "w-r", fromEventId: 0 });
    const replayed: string[] = [];
    replay.subscribe("tasks/", (c) => replayed.push(c.key));
    await replay.refresh();
    expect(replayed).toEqual(["tasks/old", "tasks/new"]);
  });

  it("a throwing subscriber does not stop the others", async () => {
    const a = manager("w-a");
    const watcher = manager("w-w");
    await watcher.refresh();
    const seen: string[] = [];
    watcher.subscribe("global/", () => {
      throw new Error("subscriber bug");
    });
    watcher.subscribe("global/", (c) => seen.push(c.key));
    await a.set("global/x", 1);
    await watcher.refresh();
    expect(seen).toEqual(["global/x"]);
  });

  it("enforces namespace isolation and key validation", async () => {
    const a = manager("w-a");
    await expect(a.set("workers/w-b/status", "hacked")).rejects.toThrow(NamespaceViolationError);
    await expect(a.delete("workers/w-b/status")).rejects.toThrow(NamespaceViolationError);
    await expect(a.set("workers/w-a/status", "ok")).resolves.toMatchObject({ writerId: "w-a" });
    await expect(manager("operator:alice").set("workers/w-a/status", "reset")).resolves.toMatchObject({
      writerId: "operator:alice",
    });
    await expect(a.set("secrets/x", 1)).rejects.toThrow(ValidationError);
    await expect(a.get("nope")).rejects.toThrow(ValidationError);
    expect(() => a.subscribe("elsewhere/", () => undefined)).toThrow(ValidationError);
  });

  it("keeps the cache bounded", async () => {
    const a = manager("w-a", { cacheSize: 3 });
    for (let i = 0; i < 6; i++) await a.set(`global/k${i}`, i);
    expect(a.cachedEntries).toBe(3);
    expect((await a.get("global/k0"))?.value).toBe(0);
    expect(a.cachedEntries).toBe(3);
    expect(() => manager("w-a", { cacheSize: 0 })).toThrow(ValidationError);
  });

  it("list reads the store by prefix", async () => {
    const a = manager("w-a");
    await a.set("tasks/b", 2);
    await a.set("tasks/a", 1);
    await a.set("global/c", 3);
    expect((await a.list("tasks/")).map((e) => e.key)).toEqual(["tasks/a", "tasks/b"]);
  });

  it("start() follows the log on the sync interval", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const a = manager("w-a");
    const watcher = manager("w-w", { syncIntervalMs: 5000 });
    const seen: string[] = [];
    watcher.subscribe("swarm/", (c) => seen.push(c.key));
    watcher.start();
    await vi.advanceTimersByTimeAsync(0);
    await a.set("swarm/decision", 1);
    await vi.advanceTimersByTimeAsync(4999);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual(["swarm/decision"]);
    await watcher.stop();
  });
});
