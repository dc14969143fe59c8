import { performance } from "node:perf_hooks";
import type { GhComment } from "./http/github-api.js";

/** What the store knows about GitHub's read-after-write lag (`budget().readLag`). */
export interface ReadLagStats {
  /** The largest lag the store is configured to tolerate (`maxReadLagMs`): the mirror's overlap. */
  assumedMaxMs: number;
  /** The settle delay locks wait now: the configured one, raised when a longer lag was seen. */
  settleDelayMs: number;
  /** Own writes whose first appearance in a list was measured. */
  samples: number;
  /** Write → first seen in a list, last and largest (an upper bound: it includes the wait for the next read). */
  lastMs: number | null;
  maxMs: number | null;
  /**
   * The oldest age at which a list read after an own write did not show it yet, over the
   * writes that did show up later (a lower bound of the lag; deleted writes do not count).
   */
  unseenMaxMs: number | null;
  /** Own writes seen later than `assumedMaxMs`: past the assumption (see docs/github-backend.md, *Read lag*). */
  beyondAssumed: number;
}

interface PendingWrite {
  issue: number;
  updatedAt: string;
  at: number;
  /** The oldest age at which a list that should have shown it did not. */
  unseenMs: number;
}

/** Own writes not yet seen are dropped after this many (a write that never shows up is a deletion). */
const MAX_PENDING = 1000;

/**
 * Measures the lag live from the store's own writes, at no request cost: each write is
 * remembered with its completion time until a list read after it shows it. A list that was
 * requested after the write and did not show it, when the write does show up later, proves
 * the lag was longer than that age; the settle delay grows to 1.5 × the longest such age
 * (never past `assumedMaxMs`), so the lock's assumption follows what the store has seen.
 */
export class ReadLagTracker {
  private readonly pending = new Map<number, PendingWrite>();
  private samples = 0;
  private lastMs: number | null = null;
  private maxMs: number | null = null;
  private unseenMaxMs: number | null = null;
  private beyondAssumed = 0;

  constructor(
    private readonly configuredSettleMs: number,
    private readonly assumedMaxMs: number,
  ) {}

  noteWrite(comment: GhComment): void {
    this.pending.set(comment.id, {
      issue: comment.issueNumber,
      updatedAt: comment.updatedAt,
      at: performance.now(),
      unseenMs: 0,
    });
    if (this.pending.size > MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
  }

  /**
   * `requestedAt`: when the list's first request was sent; `covers`: whether the list would
   * show a write if it were visible (an issue's list covers its comments, a `since` list
   * what it reaches).
   */
  noteListed(
    listed: GhComment[],
    requestedAt: number,
    covers: (write: { issue: number; updatedAt: string }) => boolean,
  ): void {
    if (this.pending.size === 0) return;
    const now = performance.now();
    const shown = new Map(listed.map((comment) => [comment.id, comment.updatedAt]));
    for (const [id, write] of this.pending) {
      const updatedAt = shown.get(id);
      if (updatedAt !== undefined && updatedAt >= write.updatedAt) {
        this.pending.delete(id);
        this.record(now - write.at, write.unseenMs);
      } else if (requestedAt > write.at && covers(write)) {
        write.unseenMs = Math.max(write.unseenMs, requestedAt - write.at);
      }
    }
  }

  forget(commentId: number): void {
    this.pending.delete(commentId);
  }

  settleDelayMs(): number {
    const seen = this.unseenMaxMs === null ? 0 : Math.ceil(1.5 * this.unseenMaxMs);
    return Math.min(this.assumedMaxMs, Math.max(this.configuredSettleMs, seen));
  }

  stats(): ReadLagStats {
    return {
      assumedMaxMs: this.assumedMaxMs,
      settleDelayMs: this.settleDelayMs(),
      samples: this.samples,
      lastMs: this.lastMs,
      maxMs: this.maxMs,
      unseenMaxMs: this.unseenMaxMs,
      beyondAssumed: this.beyondAssumed,
    };
  }

  private record(lagMs: number, unseenMs: number): void {
    const rounded = Math.round(lagMs);
    if (unseenMs > 0) this.unseenMaxMs = Math.max(this.unseenMaxMs ?? 0, Math.round(unseenMs));
    this.samples += 1;
    this.lastMs = rounded;
    this.maxMs = Math.max(this.maxMs ?? 0, rounded);
    if (rounded > this.assumedMaxMs) this.beyondAssumed += 1;
  }
}
