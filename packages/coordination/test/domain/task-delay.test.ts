import { describe, expect, it } from "vitest";
import { describeRunIn, firstRunAt, isDelayed, parseDelay } from "../../src/domain/task-delay.js";
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

describe("delays (domain/task-delay.ts)", () => {
  it("parses people's durations and refuses the rest naming the field", () => {
    expect([parseDelay("30s"), parseDelay("5m"), parseDelay("2h"), parseDelay("1d"), parseDelay("1500")]).toEqual([
      30_000, 300_000, 7_200_000, 86_400_000, 1500,
    ]);
    expect(fieldOf(() => parseDelay("soon", "--delay"))).toBe("--delay");
    expect(fieldOf(() => parseDelay("-5m"))).toBe("delay");
    expect(fieldOf(() => parseDelay("400d"))).toBe("delay");
  });

  it("starts a task at its runAt (a past one: now), else after its delay; says when", () => {
    expect(firstRunAt({ delayMs: 0, runAt: T + MIN }, T)).toBe(T + MIN);
    expect(firstRunAt({ delayMs: 5000, runAt: T - MIN }, T)).toBe(T);
    expect(firstRunAt({ delayMs: 5000 }, T)).toBe(T + 5000);
    expect(fieldOf(() => firstRunAt({ delayMs: 0, runAt: T + 367 * 24 * 3600_000 }, T))).toBe("runAt");
    expect(isDelayed({ state: "queued", runAt: T + 1 }, T)).toBe(true);
    expect(isDelayed({ state: "failed", runAt: T + 1 }, T)).toBe(true);
    expect(isDelayed({ state: "running", runAt: T + 1 }, T)).toBe(false);
    expect(isDelayed({ state: "queued", runAt: T }, T)).toBe(false);
    expect(describeRunIn(T + 4 * MIN, T)).toBe("in 4 min");
    expect(describeRunIn(T + 12_300, T)).toBe("in 13 s");
    expect(describeRunIn(T, T)).toBe("due");
  });
});
