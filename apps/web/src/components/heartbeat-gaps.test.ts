import { describe, expect, it } from "vitest";
import { findHeartbeatGaps, type HeartbeatSample, lateAfterMs } from "./heartbeat-gaps";

const beatsEvery = (from: number, to: number, step: number) =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

/** Beats as a complete event log gives them: each known newest until the next one. */
const observed = (ats: number[]): HeartbeatSample[] => ats.map((at, i) => ({ at, seenUntil: ats[i + 1] ?? at }));

describe("findHeartbeatGaps", () => {
  const options = { intervalMs: 500, staleThresholdMs: 3_000, windowStart: 0 };

  it("sees no gap in a regular cadence nor in the normal time since the latest beat", () => {
    const beats = beatsEvery(0, 10_000, 500);
    expect(findHeartbeatGaps(observed(beats), { ...options, knownUntil: 10_000 + 900 })).toEqual([]);
  });

  it("flags a silence past the margin, and past the stale threshold as stale", () => {
    const beats = [...beatsEvery(0, 4_000, 500), ...beatsEvery(6_000, 8_000, 500), ...beatsEvery(12_000, 13_000, 500)];
    expect(findHeartbeatGaps(observed(beats), { ...options, knownUntil: 13_200 })).toEqual([
      { from: 4_000, to: 6_000, stale: false, open: false },
      { from: 8_000, to: 12_000, stale: true, open: false },
    ]);
  });

  it("runs an open gap only up to where the data is known, never to a later 'now'", () => {
    const beats = beatsEvery(0, 5_000, 500);
    expect(findHeartbeatGaps(observed(beats), { ...options, knownUntil: 5_300 })).toEqual([]);
    expect(findHeartbeatGaps(observed(beats), { ...options, knownUntil: 9_000 })).toEqual([
      { from: 5_000, to: 9_000, stale: true, open: true },
    ]);
  });

  it("keeps where a silence began before the window, so its stale part is placed right", () => {
    expect(findHeartbeatGaps(observed([1_000]), { ...options, windowStart: 20_000, knownUntil: 40_000 })).toEqual([
      { from: 1_000, to: 40_000, stale: true, open: true },
    ]);
    expect(
      findHeartbeatGaps(observed([1_000, 5_000, 5_500]), { ...options, windowStart: 20_000, knownUntil: 5_600 }),
    ).toEqual([]);
  });

  it("claims a silence between beats only as far as reads saw the earlier beat still newest", () => {
    // A registry poll that stalled for 3 s: the beats in between were never read, not missing.
    const sampled: HeartbeatSample[] = [
      { at: 0, seenUntil: 600 },
      { at: 3_000, seenUntil: 3_400 },
      { at: 3_500, seenUntil: 3_500 },
    ];
    expect(findHeartbeatGaps(sampled, { ...options, knownUntil: 3_600 })).toEqual([]);
    // Polls that kept seeing the same beat: a real silence, stale once it outlasts the threshold.
    const silent: HeartbeatSample[] = [
      { at: 0, seenUntil: 3_900 },
      { at: 4_000, seenUntil: 4_000 },
    ];
    expect(findHeartbeatGaps(silent, { ...options, knownUntil: 4_100 })).toEqual([
      { from: 0, to: 4_000, stale: true, open: false },
    ]);
    expect(
      findHeartbeatGaps(
        [
          { at: 0, seenUntil: 2_000 },
          { at: 4_000, seenUntil: null },
        ],
        { ...options, knownUntil: 4_100 },
      ),
    ).toEqual([{ from: 0, to: 4_000, stale: false, open: false }]);
  });

  it("allows at least a second of delivery slack for fast cadences", () => {
    expect(lateAfterMs(100)).toBe(1_100);
    expect(lateAfterMs(30_000)).toBe(60_000);
  });
});
