/**
 * Open-loop producer: submits `count` items at `ratePerSec` regardless of how fast they are
 * consumed, so the latency measured is the latency a steady stream of arrivals sees (a
 * closed loop would slow down with the system and hide queueing).
 */
export interface OpenLoadOptions {
  count: number;
  ratePerSec: number;
  /** Scheduling granularity; items due within a tick are submitted together. */
  tickMs?: number;
}

export async function produceAtRate(
  options: OpenLoadOptions,
  produce: (index: number) => Promise<unknown>,
): Promise<void> {
  const tickMs = options.tickMs ?? 10;
  const started = performance.now();
  let submitted = 0;
  while (submitted < options.count) {
    const due = Math.min(options.count, Math.floor(((performance.now() - started) / 1000) * options.ratePerSec) + 1);
    const batch: Array<Promise<unknown>> = [];
    for (; submitted < due; submitted++) batch.push(produce(submitted));
    await Promise.all(batch);
    await new Promise((r) => setTimeout(r, tickMs));
  }
}
