/** Delivery slack on top of one interval: syncer poll, live push and refetch all sit between a beat and the screen. */
const LATENCY_ALLOWANCE_MS = 1_000;

/** Silence longer than this is drawn as a gap: one interval plus a margin of another interval (at least the delivery slack). */
export function lateAfterMs(intervalMs: number): number {
  return intervalMs + Math.max(intervalMs, LATENCY_ALLOWANCE_MS);
}

export interface HeartbeatGap {
  from: number;
  to: number;
  /** The silence outlasted the stale threshold (the monitor marks such a worker STALE). */
  stale: boolean;
  /** The silence runs up to the end of what is known (no heartbeat since). */
  open: boolean;
}

export interface HeartbeatGapOptions {
  intervalMs: number;
  staleThresholdMs: number;
  /** Store-clock instant up to which the heartbeats are known to be complete. */
  knownUntil: number;
  /** Gaps that ended before this are left out (a gap that began before it is kept whole). */
  windowStart: number;
}

/** An observed heartbeat and until when it was known to be the newest (null: only at `at`). */
export interface HeartbeatSample {
  at: number;
  seenUntil: number | null;
}

/**
 * Silences worth an operator's eye: between consecutive beats, and from the last beat to
 * `knownUntil`. Only what the data covers counts: a silence between two beats is claimed only
 * as far as reads showed the earlier one still newest (a slow registry poll that skipped some
 * beats is not silence), and a cached timeline being refetched never shows the time since it
 * was read as silence.
 */
export function findHeartbeatGaps(
  sortedBeats: readonly HeartbeatSample[],
  options: HeartbeatGapOptions,
): HeartbeatGap[] {
  const late = lateAfterMs(options.intervalMs);
  const gaps: HeartbeatGap[] = [];
  for (const [i, beat] of sortedBeats.entries()) {
    const previous = sortedBeats[i - 1];
    if (!previous) continue;
    const { at: from, seenUntil } = previous;
    const to = beat.at;
    const observed = Math.min(to, seenUntil ?? from) - from;
    if (observed > late) gaps.push({ from, to, stale: observed > options.staleThresholdMs, open: false });
  }
  const last = sortedBeats.at(-1);
  if (last !== undefined && options.knownUntil - last.at > late) {
    gaps.push({
      from: last.at,
      to: options.knownUntil,
      stale: options.knownUntil - last.at > options.staleThresholdMs,
      open: true,
    });
  }
  return gaps.filter((g) => g.to > options.windowStart);
}
