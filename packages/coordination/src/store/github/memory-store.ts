import { assertMayWrite, type MemoryEntry, type MemoryNamespace, namespaceOf } from "../../domain/memory.js";
import { parseOrThrow } from "../../validation.js";
import { prefixSchema, writerSchema } from "../port-schemas.js";
import { foldMemory, liveEntries, MEMORY_VERSION_SLOTS, memoryVersion } from "./fold/memory-fold.js";
import type { GithubContext } from "./github-context.js";
import { toJsonValue } from "./json-value.js";
import type { EventEntry, MemoryRecord } from "./records/record-schemas.js";
import type { StoredRecord } from "./repo-mirror.js";
import { WriteBatcher } from "./write-batcher.js";

const MAX_VALUE_CHARS = 24_000;
/** A batch comment stays well under GitHub's body limit. */
const MAX_BATCH_CHARS = 40_000;

interface MemoryOp {
  key: string;
  value?: unknown;
  del?: true;
  writer: string;
}

/**
 * Shared memory on GitHub: one issue per namespace (`swarm`, `tasks`, `workers`, `global`);
 * writes within the batch window are coalesced into one comment; last-write-wins by comment
 * id (then position in the batch), identical in every process.
 */
export class MemoryStore {
  private readonly batchers = new Map<MemoryNamespace, WriteBatcher<MemoryOp, MemoryEntry>>();

  constructor(private readonly ctx: GithubContext) {}

  async set(key: string, value: unknown, writerId: string): Promise<MemoryEntry> {
    parseOrThrow(writerSchema, writerId, "writerId");
    assertMayWrite(key, writerId);
    const stored = toJsonValue(value, "value", MAX_VALUE_CHARS);
    return this.batcher(namespaceOf(key)).add({ key, value: stored, writer: writerId });
  }

  async get(key: string): Promise<MemoryEntry | null> {
    const entry = (await this.fold([namespaceOf(key)])).get(key);
    return entry && !("deleted" in entry) ? entry : null;
  }

  async delete(key: string, writerId: string): Promise<boolean> {
    parseOrThrow(writerSchema, writerId, "writerId");
    assertMayWrite(key, writerId);
    if (!(await this.get(key))) return false;
    await this.batcher(namespaceOf(key)).add({ key, del: true, writer: writerId });
    return true;
  }

  async list(prefix: string): Promise<MemoryEntry[]> {
    parseOrThrow(prefixSchema, prefix, "prefix");
    const namespaces = (["swarm", "tasks", "workers", "global"] as const).filter(
      (ns) => `${ns}/`.startsWith(prefix) || prefix.startsWith(`${ns}/`) || prefix === ns,
    );
    return liveEntries(await this.fold(namespaces)).filter((entry) => entry.key.startsWith(prefix));
  }

  async flush(): Promise<void> {
    await Promise.all([...this.batchers.values()].map((batcher) => batcher.flush()));
  }

  private async fold(namespaces: readonly MemoryNamespace[]): Promise<ReturnType<typeof foldMemory>> {
    await this.ctx.mirror.refreshIfStale();
    const records: StoredRecord[] = [];
    for (const ns of namespaces) {
      // Closed (rotated) issues are read too, so a write that raced the rotation is never lost.
      for (const entry of this.ctx.issuesOf("memory", titleOf(ns)))
        records.push(...(await this.ctx.mirror.readIssue(entry.issue.number)));
    }
    return foldMemory(records.sort((a, b) => a.id - b.id));
  }

  private batcher(ns: MemoryNamespace): WriteBatcher<MemoryOp, MemoryEntry> {
    let batcher = this.batchers.get(ns);
    if (!batcher) {
      batcher = new WriteBatcher(
        () => this.ctx.meter.effectiveBatchWindowMs(),
        MEMORY_VERSION_SLOTS,
        (ops) => this.writeBatch(ns, ops),
      );
      this.batchers.set(ns, batcher);
    }
    return batcher;
  }

  /** One comment per batch (split if it would be too large); versions follow from the comment id. */
  private async writeBatch(ns: MemoryNamespace, ops: MemoryOp[]): Promise<MemoryEntry[]> {
    const results: MemoryEntry[] = [];
    for (const chunk of chunkBySize(ops)) {
      const issue = await this.ctx.ensureIssue("memory", titleOf(ns));
      const at = this.ctx.now();
      const ev: EventEntry[] = chunk.map((op) =>
        this.ctx.entry(op.del ? "memory.deleted" : "memory.set", {
          at,
          taskId: null,
          workerId: null,
          actor: op.writer,
          data: { key: op.key },
        }),
      );
      const payload: MemoryRecord = { k: "mem", n: this.ctx.nonce(), at, ev, ops: chunk };
      const line = `sentinel: memory ${chunk.length === 1 ? `write of \`${chunk[0]?.key}\`` : `batch of ${chunk.length} writes`} in \`${ns}/\``;
      const stored = await this.ctx.post(issue, payload, line);
      for (const [index, op] of chunk.entries())
        results.push({
          key: op.key,
          value: op.value ?? null,
          version: memoryVersion(stored.id, index),
          writerId: op.writer,
          updatedAt: at,
        });
      await this.rotateIfFull(ns, issue);
    }
    return results;
  }

  /**
   * Before GitHub's ~2,500-comment cap: open a new issue for the namespace with a snapshot
   * of the live entries (keeping their versions), then close the old one.
   */
  private async rotateIfFull(ns: MemoryNamespace, issueNumber: number): Promise<void> {
    if (!this.ctx.needsRotation("memory", titleOf(ns), issueNumber)) return;
    const folded = await this.fold([ns]);
    const next = await this.ctx.createIssue(
      "memory",
      titleOf(ns),
      `Shared memory \`${ns}/\` of Task Sentinel (continues #${issueNumber}).`,
    );
    const live = liveEntries(folded);
    for (const chunk of chunkBySize(
      live.map((e) => ({ key: e.key, value: e.value, writer: e.writerId, version: e.version, updatedAt: e.updatedAt })),
    )) {
      const payload: MemoryRecord = {
        k: "mem",
        n: this.ctx.nonce(),
        at: this.ctx.now(),
        ev: [],
        ops: chunk,
        snapshot: true,
      };
      await this.ctx.post(
        next.number,
        payload,
        `sentinel: snapshot of ${chunk.length} entries carried over from #${issueNumber}`,
      );
    }
    const body = `Shared memory \`${ns}/\` of Task Sentinel, rotated: continued in #${next.number} (its live entries were carried over).`;
    this.ctx.mirror.noteIssue(await this.ctx.api.updateIssue(issueNumber, { state: "closed", body }));
  }
}

function titleOf(ns: MemoryNamespace): string {
  return `sentinel: memory ${ns}/`;
}

function chunkBySize<T>(items: T[]): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const item of items) {
    const length = JSON.stringify(item).length;
    if (current.length > 0 && (size + length > MAX_BATCH_CHARS || current.length >= MEMORY_VERSION_SLOTS)) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
