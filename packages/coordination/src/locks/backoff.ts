/**
 * Exponential backoff with "full jitter" (AWS architecture blog): a uniform draw in
 * [0, min(cap, base · 2^(retry-1))). Full jitter spreads competing workers apart best,
 * which is what lock retries need.
 */
export function fullJitterDelayMs(
  retry: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(ceiling * Math.min(Math.max(random(), 0), 0.999_999));
}
