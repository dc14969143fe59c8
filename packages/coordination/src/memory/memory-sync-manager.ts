import type { Logger } from "pino";
import { assertMayWrite, MEMORY_NAMESPACES, type MemoryEntry, namespaceOf } from "../domain/memory.js";
import { coerceError, ValidationError } from "../errors.js";
import { type IntervalTask, startIntervalTask } from "../interval-task.js";
import type { CoordinationStore } from "../store/port.js";
import { type MemoryChange, type MemoryListener, toMemoryChange } from "./memory-change.js";
import { VersionedLru } from "./versioned-lru.js";

export interface MemorySyncManagerOptions {
  /** Writes are attributed to, and namespace-checked against, this id (worker id or `operator:<name>`). */
  writerId: string;
  /** MEMORY_CACHE_SIZE (1000 entries). */
  cacheSize?: number;
  /** MEMORY_SYNC_INTERVAL_MS (5000): how often `start()` follows the event log. */
  syncIntervalMs?: number;
  /** Follow the log from after this event id; default: from its current end (no history replay). */
  fromEventId?: number;
  /** Events read per page (500). */
  eventBatchSize?: number;
  logger?: Pick<Logger, "warn" | "error">;
}

interface PendingRead {
  invalidated: boolean;
}

/**
 * Shared memory (invariant 7, docs/architecture.md): reads through a bounded LRU cache kept
 * fresh by following the store's event log; last-write-wins by store version, so a stale
 * cache entry or a slow read never overwrites a newer one; writes checked for namespace
 * isolation before they reach the store.
 */
export class MemorySyncManager {
  readonly writerId: string;
  private readonly cache: VersionedLru;
  private readonly syncIntervalMs: number;
  private readonly batch: number;
  private cursor: number | null;
  private readonly subscribers = new Set<{ prefix: string; listener: MemoryListener }>();
  private readonly pending = new Map<string, Set<PendingRead>>();
  private inFlight: Promise<number> | null = null;
  private loop: IntervalTask | null = null;

  constructor(
    private readonly store: CoordinationStore,
    private readonly opts: MemorySyncManagerOptions,
  ) {
    const cacheSize = opts.cacheSize ?? 1000;
    if (!Number.isInteger(cacheSize) || cacheSize < 1)
      throw new ValidationError("cacheSize", "a positive integer", cacheSize);
    this.writerId = opts.writerId;
    this.cache = new VersionedLru(cacheSize);
    this.syncIntervalMs = opts.syncIntervalMs ?? 5000;
    this.batch = opts.eventBatchSize ?? 500;
    this.cursor = opts.fromEventId ?? null;
  }

  /** Entries currently cached (bounded by cacheSize). */
  get cachedEntries(): number {
    return this.cache.size;
  }

  /** The event id this manager has followed the log up to (null before the first sync). */
  get syncedThrough(): number | null {
    return this.cursor;
  }

  /**
   * Cached entry if present (as fresh as the last sync), else the store's. `fresh: true`
   * always asks the store and still never lets an older version replace a newer cached one.
   */
  async get(key: string, opts: { fresh?: boolean } = {}): Promise<MemoryEntry | null> {
    namespaceOf(key);
    if (!opts.fresh) {
      const cached = this.cache.get(key);
      if (cached) return cached;
    }
    const read: PendingRead = { invalidated: false };
    const reads = this.pending.get(key) ?? new Set<PendingRead>();
    reads.add(read);
    this.pending.set(key, reads);
    try {
      const entry = await this.store.memoryGet(key);
      if (!entry) return null;
      // A delete seen while this read was in flight may be newer than what we read: don't cache it.
      return read.invalidated ? entry : this.cache.put(entry);
    } finally {
      reads.delete(read);
      if (reads.size === 0) this.pending.delete(key);
    }
  }

  async set(key: string, value: unknown): Promise<MemoryEntry> {
    assertMayWrite(key, this.writerId);
    const entry = await this.store.memorySet(key, value, this.writerId);
    return this.cache.put(entry);
  }

  async delete(key: string): Promise<boolean> {
    assertMayWrite(key, this.writerId);
    const deleted = await this.store.memoryDelete(key, this.writerId);
    this.invalidate(key);
    return deleted;
  }

  /** Entries under a prefix, straight from the store (not cached: listings would flush the LRU). */
  async list(prefix: string): Promise<MemoryEntry[]> {
    assertPrefix(prefix);
    return this.store.memoryList(prefix);
  }

  /** Changes under `prefix`, in store order, delivered on each sync. Returns the unsubscribe. */
  subscribe(prefix: string, listener: MemoryListener): () => void {
    assertPrefix(prefix);
    const subscription = { prefix, listener };
    this.subscribers.add(subscription);
    return () => {
      this.subscribers.delete(subscription);
    };
  }

  /** Follow the event log now; resolves to the number of memory changes applied. */
  refresh(): Promise<number> {
    this.inFlight ??= this.follow().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  start(): void {
    this.loop ??= startIntervalTask(
      () =>
        this.refresh()
          .then(() => undefined)
          .catch((thrown) => this.opts.logger?.error({ err: coerceError(thrown) }, "memory sync failed")),
      this.syncIntervalMs,
      { runImmediately: true, unref: true },
    );
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    this.loop = null;
    await this.inFlight?.catch(() => undefined);
  }

  private async follow(): Promise<number> {
    if (this.cursor === null) {
      this.cursor = await this.endOfLog();
      return 0;
    }
    let applied = 0;
    for (;;) {
      const events = await this.store.readEvents(this.cursor, this.batch);
      for (const event of events) {
        this.cursor = event.id;
        const parsed = toMemoryChange(event);
        if (!parsed) continue;
        applied += 1;
        await this.apply(parsed.change, parsed.complete);
      }
      if (events.length < this.batch) return applied;
    }
  }

  /** Start following from "now" without replaying history to subscribers. */
  private async endOfLog(): Promise<number> {
    let last = 0;
    for (;;) {
      const events = await this.store.readEvents(last, this.batch);
      const tail = events.at(-1);
      if (tail) last = tail.id;
      if (events.length < this.batch) return last;
    }
  }

  private async apply(change: MemoryChange, complete: boolean): Promise<void> {
    if (change.entry && (this.cache.has(change.key) || this.pending.has(change.key))) {
      this.cache.put(change.entry);
    } else if (!change.entry) {
      this.invalidate(change.key);
    }
    const interested = [...this.subscribers].filter((s) => change.key.startsWith(s.prefix));
    if (interested.length === 0) return;
    const delivered = complete ? change : await this.complete(change);
    for (const { listener } of interested) {
      try {
        listener(delivered);
      } catch (thrown) {
        this.opts.logger?.warn({ err: coerceError(thrown), key: change.key }, "memory subscriber threw");
      }
    }
  }

  /**
   * Events that carry only key and version (backends keep the log small) are completed from
   * the store. If the key has moved on since, this write's value is gone: the change is
   * marked superseded and the later write follows in the log.
   */
  private async complete(change: MemoryChange): Promise<MemoryChange> {
    const current = await this.store.memoryGet(change.key);
    if (current && current.version === change.version) {
      this.cache.put(current);
      return { ...change, entry: current };
    }
    return { ...change, superseded: true };
  }

  private invalidate(key: string): void {
    this.cache.delete(key);
    for (const read of this.pending.get(key) ?? []) read.invalidated = true;
  }
}

const PREFIX_RE = new RegExp(`^(|(${MEMORY_NAMESPACES.join("|")})(/[A-Za-z0-9._:/-]*)?)$`);

function assertPrefix(prefix: string): void {
  if (!PREFIX_RE.test(prefix)) {
    throw new ValidationError(
      "prefix",
      `"" or a key prefix starting with one of ${MEMORY_NAMESPACES.join(", ")}`,
      prefix,
    );
  }
}
