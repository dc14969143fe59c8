import { describe, expect, it } from "vitest";
import { findHeartbeatGaps, lateAfterMs } from "./heartbeat-gaps";

const beatsEvery = (from: number, to: number, step: number) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

describe("findHeartbeatGaps", () => {
  const options = { intervalMs: 500, staleThresholdMs: 3_000, windowStart: 0 };

  it("sees no gap in a regular cadence nor in the normal time since the latest beat", () => {
    const beats = beatsEvery(0, 10_000, 500);
    expect(findHeartbeatGaps(beats, { ...options, knownUntil: 10_000 + 900 })).toEqual([]);
  });

  it("flags a silence past the margin, and past the stale threshold as stale", () => {
    const beats = [...beatsEvery(0, 4_000, 500), ...beatsEvery(6_000, 8_000, 500), ...beatsEvery(12_000, 13_000, 500)];
    expect(findHeartbeatGaps(beats, { ...options, knownUntil: 13_200 })).toEqual([
      { from: 4_000, to: 6_000, stale: false, open: false },
      { from: 8_000, to: 12_000, stale: true, open: false },
    ]);
  });

  it("runs an open gap only up to where the data is known, never to a later 'now'", () => {
    const beats = beatsEvery(0, 5_000, 500);
    expect(findHeartbeatGaps(beats, { ...options, knownUntil: 5_300 })).toEqual([]);
    expect(findHeartbeatGaps(beats, { ...options, knownUntil: 9_000 })).toEqual([{ from: 5_000, to: 9_000, stale: true, open: true }]);
  });

  it("keeps where a silence began before the window, so its stale part is placed right", () => {
    expect(findHeartbeatGaps([1_000], { ...options, windowStart: 20_000, knownUntil: 40_000 })).toEqual([{ from: 1_000, to: 40_000, stale: true, open: true }]);
    expect(findHeartbeatGaps([1_000, 5_000, 5_500], { ...options, windowStart: 20_000, knownUntil: 5_600 })).toEqual([]);
  });

  it("allows at least a second of delivery slack for fast cadences", () => {
    expect(lateAfterMs(100)).toBe(1_100);
    expect(lateAfterMs(30_000)).toBe(60_000);
  });
});
