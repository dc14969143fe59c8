import { describe, expect, it } from "vitest";
import { budgetRunway } from "../../src/domain/github-rate-limits.js";

const HOUR = 3_600_000;
const now = 1_800_000_000_000;

describe("budgetRunway", () => {
  it("projects the rate spent so far in the primary window", () => {
    // 15 minutes into the window, 2,500 spent: 10,000/h, so the other 2,500 last 15 minutes — before the reset.
    const fast = budgetRunway({ remaining: 2_500, used: 2_500, resetAt: now + 45 * 60_000 }, now);
    expect(fast).toEqual({ runsOutInMs: 15 * 60_000, lastsUntilReset: false });
    // 30 minutes in, 600 spent: 1,200/h; 4,400 left last 220 minutes, past the reset 30 minutes away.
    const slow = budgetRunway({ remaining: 4_400, used: 600, resetAt: now + HOUR / 2 }, now);
    expect(slow).toEqual({ runsOutInMs: 220 * 60_000, lastsUntilReset: true });
  });

  it("lasts forever with nothing spent, and is unknown without GitHub's headers", () => {
    expect(budgetRunway({ remaining: 5_000, used: 0, resetAt: now + HOUR }, now)).toEqual({
      runsOutInMs: Number.POSITIVE_INFINITY,
      lastsUntilReset: true,
    });
    expect(budgetRunway({ remaining: null, used: null, resetAt: null }, now)).toEqual({
      runsOutInMs: null,
      lastsUntilReset: null,
    });
  });
});
