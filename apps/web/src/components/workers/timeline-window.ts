const MAX_WINDOW_MS = 15 * 60_000;

/** Long enough to show a few stale thresholds and dozens of beats, short enough to read gaps. */
export function timelineWindowMs(intervalMs: number, staleThresholdMs: number): number {
  return Math.min(MAX_WINDOW_MS, Math.max(30 * intervalMs, 5 * staleThresholdMs));
}
