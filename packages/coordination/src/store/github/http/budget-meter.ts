import { performance } from "node:perf_hooks";
import type { ReadLagStats } from "../read-lag.js";

export interface BudgetSnapshot {
  primary: { limit: number | null; remaining: number | null; used: number | null; reset: number | null };
  byKind: { reads: number; notModified: number; writes: number; failed: number };
  /** `paced`: writes the store held back to stay within its share (and for how long in total). */
  secondary: {
    writesLastMinute: number;
    writesLastHour: number;
    backoffUntil: number | null;
    hits: number;
    paced: number;
    pacedMs: number;
  };
  effective: EffectiveBudget;
  /** GitHub's read-after-write lag as measured from the store's own writes, and what the store assumes. */
  readLag: ReadLagStats;
}

/** What the store does with its budget right now (see docs/github-backend.md, *Budget*). */
export interface EffectiveBudget {
  /** Factor applied to the configured heartbeat interval and lease: max(per-login share, low-budget stretch). */
  heartbeatStretch: number;
  /** Heartbeat interval and lease of the worker this store last wrote a registration for (null before any). */
  heartbeatIntervalMs: number | null;
  leaseMs: number | null;
  /** Live workers on this store's login, and this store's share of the login's write budget. */
  writersOnLogin: number;
  writeShare: number;
  writesPerMinute: number;
  otherWritesPerHour: number;
  batchWindowMs: number;
  lowBudget: boolean;
}

/** What the rest of the store knows about the budget: the pacer's share and the last heartbeat written. */
export interface EffectiveSource {
  share(): { writersOnLogin: number; fraction: number; perMinute: number; otherPerHour: number };
  paced(): { delayed: number; delayedMs: number };
  lastHeartbeat(): { heartbeatIntervalMs: number; leaseMs: number; stretch: number } | null;
  readLag(): ReadLagStats;
}

export interface BudgetMeterOptions {
  lowBudgetRatio: number;
  /** The login's secondary limits (options `writeBudget`): "low" is judged against these, not GitHub's defaults. */
  writeBudget: { perMinute: number; perHour: number };
  maxHeartbeatStretch: number;
  batchWindowMs: number;
  /** Server clock reading, for `backoffUntil` (store-clock ms). */
  storeNow: () => number | null;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** This process alone has used this much of a window's secondary limit: slow down (60 of GitHub's 80/min, 400 of 500/h). */
const LOW_MINUTE_SHARE = 0.75;
const LOW_HOUR_SHARE = 0.8;

/**
 * Counts every request the store makes, by kind, and tracks GitHub's primary limit from the
 * `x-ratelimit-*` headers and the secondary limit from our own write history (GitHub does
 * not report secondary usage). Drives the slow-down of non-essential writes.
 */
export class BudgetMeter {
  private reads = 0;
  private notModified = 0;
  private writes = 0;
  private failed = 0;
  private secondaryHits = 0;
  private limit: number | null = null;
  private remaining: number | null = null;
  private used: number | null = null;
  private reset: number | null = null;
  /** Monotonic times of writes within the last hour. */
  private writeTimes: number[] = [];
  private backoffUntilMono: number | null = null;

  constructor(private readonly options: BudgetMeterOptions) {}

  recordResponse(method: string, status: number, headers: Record<string, string | number | undefined>): void {
    if (status === 304) this.notModified += 1;
    else if (method === "GET" || method === "HEAD") this.reads += 1;
    else this.recordWrite();
    if (status >= 400) this.failed += 1;
    // A 304 is free on the primary limit; its rate-limit headers still describe the budget.
    const limit = numberHeader(headers["x-ratelimit-limit"]);
    const remaining = numberHeader(headers["x-ratelimit-remaining"]);
    if (limit !== null) this.limit = limit;
    if (remaining !== null) this.remaining = remaining;
    const used = numberHeader(headers["x-ratelimit-used"]);
    if (used !== null) this.used = used;
    const reset = numberHeader(headers["x-ratelimit-reset"]);
    if (reset !== null) this.reset = reset * 1000;
  }

  /** A request that never got an answer (timeout, connection reset) still spent budget if it was a write. */
  recordNoResponse(method: string): void {
    this.failed += 1;
    if (method !== "GET" && method !== "HEAD") this.recordWrite();
    else this.reads += 1;
  }

  recordSecondaryLimit(retryAfterSeconds: number): void {
    this.secondaryHits += 1;
    this.backoffUntilMono = Math.max(this.backoffUntilMono ?? 0, performance.now() + retryAfterSeconds * 1000);
  }

  /** True while the budget asks non-essential writes (heartbeats without news, batches) to slow down. */
  isLow(): boolean {
    // Stay slow for a minute after a rate-limit back-off ends.
    if (this.backoffUntilMono !== null && performance.now() < this.backoffUntilMono + MINUTE) return true;
    if (this.limit !== null && this.remaining !== null && this.limit > 0) {
      if (this.remaining / this.limit < this.options.lowBudgetRatio) return true;
    }
    const { perMinute, perHour } = this.options.writeBudget;
    return (
      this.writesWithin(MINUTE) > LOW_MINUTE_SHARE * perMinute || this.writesWithin(HOUR) > LOW_HOUR_SHARE * perHour
    );
  }

  /** Factor by which heartbeat spacing (and with it the lease) is stretched right now. */
  heartbeatStretch(): number {
    return this.isLow() ? this.options.maxHeartbeatStretch : 1;
  }

  effectiveBatchWindowMs(): number {
    return this.isLow() ? this.options.batchWindowMs * this.options.maxHeartbeatStretch : this.options.batchWindowMs;
  }

  snapshot(source: EffectiveSource): BudgetSnapshot {
    const now = this.options.storeNow();
    const backoffLeft = (this.backoffUntilMono ?? 0) - performance.now();
    const share = source.share();
    const paced = source.paced();
    const beat = source.lastHeartbeat();
    return {
      primary: { limit: this.limit, remaining: this.remaining, used: this.used, reset: this.reset },
      byKind: { reads: this.reads, notModified: this.notModified, writes: this.writes, failed: this.failed },
      secondary: {
        writesLastMinute: this.writesWithin(MINUTE),
        writesLastHour: this.writesWithin(HOUR),
        backoffUntil: backoffLeft > 0 && now !== null ? Math.round(now + backoffLeft) : null,
        hits: this.secondaryHits,
        paced: paced.delayed,
        pacedMs: Math.round(paced.delayedMs),
      },
      effective: {
        heartbeatStretch: Math.max(this.heartbeatStretch(), beat?.stretch ?? 1),
        heartbeatIntervalMs: beat?.heartbeatIntervalMs ?? null,
        leaseMs: beat?.leaseMs ?? null,
        writersOnLogin: share.writersOnLogin,
        writeShare: share.fraction,
        writesPerMinute: share.perMinute,
        otherWritesPerHour: share.otherPerHour,
        batchWindowMs: this.effectiveBatchWindowMs(),
        lowBudget: this.isLow(),
      },
      readLag: source.readLag(),
    };
  }

  /** Write windows follow the store clock (server time), like GitHub's own windows. */
  private windowNow(): number {
    return this.options.storeNow() ?? performance.now();
  }

  private recordWrite(): void {
    this.writes += 1;
    const now = this.windowNow();
    this.writeTimes.push(now);
    const cutoff = now - HOUR;
    if (this.writeTimes.length > 0 && (this.writeTimes[0] ?? now) < cutoff) {
      this.writeTimes = this.writeTimes.filter((t) => t >= cutoff);
    }
  }

  private writesWithin(windowMs: number): number {
    const cutoff = this.windowNow() - windowMs;
    let count = 0;
    for (let i = this.writeTimes.length - 1; i >= 0 && (this.writeTimes[i] ?? 0) >= cutoff; i -= 1) count += 1;
    return count;
  }
}

function numberHeader(value: string | number | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
