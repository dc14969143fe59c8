import { performance } from "node:perf_hooks";

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

  observeDateHeader(value: string | undefined): void {
    if (!value) return;
    const serverMs = Date.parse(value);
    if (Number.isNaN(serverMs)) return;
    const candidate = serverMs - performance.now();
    if (this.offsetMs === null || candidate > this.offsetMs) this.offsetMs = candidate;
  }

  /** Also learn from server timestamps in bodies (comment `updated_at`), same lower-bound logic. */
  observeServerTimestamp(iso: string): void {
    this.observeDateHeader(iso);
  }

  hasSample(): boolean {
    return this.offsetMs !== null;
  }

  now(): number {
    if (this.offsetMs === null) throw new Error("server clock has no sample yet: make a request first");
    return Math.floor(this.offsetMs + performance.now());
  }
}
