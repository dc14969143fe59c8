import { describe, expect, it } from "vitest";
import { IllegalTransitionError } from "../errors.js";
import { fullJitterDelayMs } from "./backoff.js";
import { assertLockTransition, canTransitionLock, LOCK_STATES } from "./lock-state.js";

describe("lock state machine", () => {
  it("allows exactly the lock state machine's edges", () => {
    const legal = LOCK_STATES.flatMap((from) =>
      LOCK_STATES.filter((to) => canTransitionLock(from, to)).map((to) => `${from}->${to}`),
    );
    expect(legal.sort()).toEqual(
      [
        "NO_LOCK->ACQUIRING",
        "NO_LOCK->CONFLICT",
        "ACQUIRING->ACQUIRED",
        "ACQUIRING->CONFLICT",
        "CONFLICT->ACQUIRING",
        "CONFLICT->FAILED",
        "ACQUIRED->EXECUTING",
        "ACQUIRED->RELEASED",
        "EXECUTING->RELEASED",
        "RELEASED->NO_LOCK",
      ].sort(),
    );
  });

  it("rejects illegal transitions with a typed error", () => {
    expect(() => assertLockTransition("t1", "NO_LOCK", "EXECUTING")).toThrow(IllegalTransitionError);
    expect(() => assertLockTransition("t1", "FAILED", "ACQUIRING")).toThrow(
      /lock t1: illegal transition FAILED → ACQUIRING/,
    );
  });
});

describe("full-jitter backoff", () => {
  it("stays within [0, min(cap, base·2^(n-1)))", () => {
    for (const r of [0, 0.25, 0.5, 0.999_999_9, 1]) {
      for (let retry = 1; retry <= 8; retry++) {
        const ceiling = Math.min(5000, 100 * 2 ** (retry - 1));
        const delay = fullJitterDelayMs(retry, 100, 5000, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
    expect(fullJitterDelayMs(3, 100, 5000, () => 0.5)).toBe(200);
    expect(fullJitterDelayMs(20, 100, 5000, () => 0.5)).toBe(2500);
  });
});
