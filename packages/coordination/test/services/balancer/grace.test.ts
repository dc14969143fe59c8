import { describe, expect, it } from "vitest";
import { effectiveGraceMs, isPastGrace } from "../../../src/balancer/grace.js";

describe("grace: when a task given to another worker opens to anyone", () => {
  it.each([
    // configured, store's claim visibility, effective
    [2000, 0, 2000],
    [2000, 6000, 8000],
    [0, 6000, 6000],
    [2000, -5, 2000],
  ])("effectiveGraceMs(%i, %i) = %i", (graceMs, visibilityMs, expected) => {
    expect(effectiveGraceMs(graceMs, visibilityMs)).toBe(expected);
  });

  it.each([
    // runAt, now, grace, open
    [1000, 1000, 0, false],
    [1000, 1001, 0, true],
    [1000, 3000, 2000, false],
    [1000, 3001, 2000, true],
    [1000, 8999, 8000, false],
    [1000, 9001, 8000, true],
    // A task scheduled in the future has not waited at all.
    [5000, 1000, 0, false],
  ])("isPastGrace(runAt %i, now %i, grace %i) = %s", (runAt, now, graceMs, open) => {
    expect(isPastGrace(runAt, now, graceMs)).toBe(open);
  });
});
