import type { TickResult } from "../poll-loop.js";

/**
 * How long the worker's claim cycles have found nothing to do. A cycle in flight counts as
 * busy whatever it will find (on GitHub a claim takes seconds: settle delay, write pacing),
 * and so does one that claimed, was full or failed; only cycles that came back "idle" let
 * the idle time grow.
 */
export class IdleClock {
  private lastBusyAt = performance.now();
  private inFlight = 0;

  /** The poll loop's tick, observed. */
  observe(tick: () => Promise<TickResult>): () => Promise<TickResult> {
    return async () => {
      this.inFlight += 1;
      let result: TickResult | null = null;
      try {
        result = await tick();
        return result;
      } finally {
        this.inFlight -= 1;
        if (result !== "idle") this.lastBusyAt = performance.now();
      }
    };
  }

  /** Milliseconds since the last busy cycle ended, or 0 while a cycle runs. */
  idleForMs(now = performance.now()): number {
    return this.inFlight > 0 ? 0 : now - this.lastBusyAt;
  }
}
