import { describe, expect, it } from "vitest";
import {
  assertValidTiming,
  decideCatchUp,
  dueSlots,
  MAX_CATCH_UP,
  nextRuns,
  ON_TIME_MS,
  slotsAfter,
} from "../../src/domain/schedule.js";
import { ValidationError } from "../../src/errors.js";

const T = Date.parse("2026-12-07T10:00:00Z");
const MIN = 60_000;

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  throw new Error("expected a ValidationError");
}

describe("schedule slots (domain/schedule.ts)", () => {
  it("computes interval slots from the anchor and cron slots in the schedule's time zone", () => {
    expect(slotsAfter({ every: "5m" }, T, T + 7 * MIN, 3)).toEqual([T + 10 * MIN, T + 15 * MIN, T + 20 * MIN]);
    expect(slotsAfter({ every: "5m" }, T, T, 1)).toEqual([T + 5 * MIN]);
    // 09:00 in New York is 14:00 UTC in December.
    expect(slotsAfter({ cron: "0 9 * * *", timezone: "America/New_York" }, T, T, 2)).toEqual([
      Date.parse("2026-12-07T14:00:00Z"),
      Date.parse("2026-12-08T14:00:00Z"),
    ]);
    expect(nextRuns({ timing: { every: "1m" }, createdAt: T, horizon: T, paused: true }, T, 3)).toEqual([]);
  });

  it("lists only the newest due slots after the horizon, however long the outage", () => {
    expect(dueSlots({ every: "1m" }, T, T + 2 * MIN, T + 5 * MIN + 10, 10)).toEqual([
      T + 3 * MIN,
      T + 4 * MIN,
      T + 5 * MIN,
    ]);
    const year = dueSlots({ cron: "* * * * *" }, T, T, T + 365 * 24 * 60 * MIN, 3);
    expect(year).toEqual([T + (365 * 24 * 60 - 2) * MIN, T + (365 * 24 * 60 - 1) * MIN, T + 365 * 24 * 60 * MIN]);
    expect(dueSlots({ every: "1m" }, T, T, T + 300 * MIN, 1000)).toHaveLength(MAX_CATCH_UP + 1);
  });

  it("catches up: latest fires the newest missed slot, all up to the cap, skip none unless the newest is on time", () => {
    const now = T + 10 * MIN;
    const missed = [T + 5 * MIN, T + 6 * MIN, T + 7 * MIN, T + 8 * MIN];
    const onTime = now - ON_TIME_MS / 2;
    expect(decideCatchUp(missed, now, { catchUp: "latest", catchUpMax: 10 }, T).fire).toEqual([T + 8 * MIN]);
    expect(decideCatchUp(missed, now, { catchUp: "all", catchUpMax: 3 }, T)).toMatchObject({
      fire: [T + 6 * MIN, T + 7 * MIN, T + 8 * MIN],
      skipped: [T + 5 * MIN],
      horizon: now,
    });
    expect(decideCatchUp(missed, now, { catchUp: "skip", catchUpMax: 3 }, T).fire).toEqual([]);
    expect(decideCatchUp([...missed, onTime], now, { catchUp: "skip", catchUpMax: 3 }, T).fire).toEqual([onTime]);
    expect(decideCatchUp([...missed, onTime], now, { catchUp: "latest", catchUpMax: 3 }, T).fire).toEqual([onTime]);
    expect(decideCatchUp([], now, { catchUp: "latest", catchUpMax: 3 }, T)).toEqual({
      fire: [],
      skipped: [],
      horizon: T,
    });
  });

  it("refuses bad timings naming the field", () => {
    expect(fieldOf(() => assertValidTiming({ cron: "every day" }))).toBe("timing.cron");
    expect(fieldOf(() => assertValidTiming({ cron: "* * * * *", timezone: "Nowhere/X" }))).toBe("timing.timezone");
    expect(fieldOf(() => assertValidTiming({ every: "500ms" }))).toBe("timing.every");
    expect(() => assertValidTiming({ cron: "*/5 * * * *", timezone: "Europe/Berlin" })).not.toThrow();
  });
});
