/**
 * How long the worker has had at least one task running (its busy time), from the running
 * count after every change. Monotonic time: a wall-clock step does not make it busier.
 */
export class BusyClock {
  private busySince: number | null = null;
  private total = 0;

  /** The number of tasks held after a change. */
  count(running: number, now = performance.now()): void {
    if (running > 0 && this.busySince === null) this.busySince = now;
    else if (running === 0 && this.busySince !== null) {
      this.total += now - this.busySince;
      this.busySince = null;
    }
  }

  busyMs(now = performance.now()): number {
    return Math.round(this.total + (this.busySince === null ? 0 : now - this.busySince));
  }
}
