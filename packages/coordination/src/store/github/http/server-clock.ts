import { performance } from "node:perf_hooks";
import { ClockNotCalibratedError } from "../github-errors.js";

/** A Date header is at most one second (plus latency) behind the true time; more means a wrong seed. */
const SEED_TOLERANCE_MS = 3000;

/**
 * The store clock in GitHub mode (invariant 2): server time estimated from the `Date`
 * header of every response plus local *monotonic* elapsed time — the local wall clock is
 * never consulted, so a skewed worker behaves like any other.
 *
 * A `Date` header is whole seconds and stamped before the response reaches us, so
 * `date − monotonicAtReceipt` is a lower bound of the true offset. Keeping the largest
 * bound seen converges on the real server time from below and never runs backwards.
 */
export class ServerClock {
  private offsetMs: number | null = null;
  private lastDateMs: number | null = null;

  constructor(seedOffsetMs?: number) {
    if (seedOffsetMs !== undefined) this.offsetMs = seedOffsetMs;
  }

  observeDateHeader(value: string | undefined): void {
    if (!value) return;
    const serverMs = Date.parse(value);
    if (Number.isNaN(serverMs)) return;
    this.lastDateMs = serverMs;
    const candidate = serverMs - performance.now();
    // A seeded offset that runs seconds ahead of what the server says was for another server: drop it.
    const seedWrong = this.offsetMs !== null && this.offsetMs - candidate > SEED_TOLERANCE_MS;
    if (this.offsetMs === null || candidate > this.offsetMs || seedWrong) this.offsetMs = candidate;
  }

  /**
   * Pin the sub-second phase: probe (a request that costs no budget) until the `Date`
   * header ticks to the next second; the first response of the new second bounds the
   * offset to within one probe interval. Without this, the estimate could jump by up to a
   * second later on, and leases of a few hundred milliseconds would be judged wrongly.
   */
  async calibrate(probe: () => Promise<unknown>, intervalMs = 10, maxMs = 1200): Promise<void> {
    const started = performance.now();
    await probe();
    const first = this.lastDateMs;
    while (performance.now() - started < maxMs) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      await probe();
      if (this.lastDateMs !== first) return;
    }
  }

  offset(): number | null {
    return this.offsetMs;
  }

  hasSample(): boolean {
    return this.offsetMs !== null;
  }

  now(): number {
    if (this.offsetMs === null) throw new ClockNotCalibratedError();
    return Math.floor(this.offsetMs + performance.now());
  }
}
