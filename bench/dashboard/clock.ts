import type { Page } from "@playwright/test";

/** This process's wall clock with sub-millisecond resolution, the same scale as a page's `performance.timeOrigin + performance.now()`. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export interface ClockOffset {
  /** Page clock minus this process's clock. */
  offsetMs: number;
  /** Round trip of the best probe: the offset is known to within half of it. */
  rttMs: number;
}

const PROBES = 15;

/**
 * Both clocks read the same system clock, so the offset should be a fraction of a
 * millisecond; it is measured (NTP-style: page time against the midpoint of the round trip,
 * best of several probes) and subtracted rather than assumed.
 */
export async function measurePageClockOffset(page: Page): Promise<ClockOffset> {
  let best: ClockOffset | null = null;
  for (let i = 0; i < PROBES; i++) {
    const before = wallNow();
    const pageNow = await page.evaluate(() => performance.timeOrigin + performance.now());
    const after = wallNow();
    const probe = { offsetMs: pageNow - (before + after) / 2, rttMs: after - before };
    if (!best || probe.rttMs < best.rttMs) best = probe;
  }
  return best!;
}
