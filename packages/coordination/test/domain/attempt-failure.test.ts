import { describe, expect, it } from "vitest";
import {
  failureEventKind,
  failureOutcome,
  lapsedIncarnationFailure,
  MAX_ERROR_CHARS,
  retryDelayMs,
} from "../../src/domain/attempt-failure.js";

const NOW = 50_000;

describe("failureOutcome: retry or dead", () => {
  it.each([
    // attempts (including the one that failed), maxAttempts, retryable → outcome
    [1, 3, true, "failed"],
    [2, 3, true, "failed"],
    [3, 3, true, "dead"],
    [4, 3, true, "dead"],
    [1, 3, false, "dead"],
    [1, 1, true, "dead"],
  ] as const)("attempt %i of %i, retryable %s → %s", (attempts, maxAttempts, retryable, state) => {
    const outcome = failureOutcome({ attempts, maxAttempts }, { message: "boom", retryable, retryDelayMs: 250 }, NOW);
    expect(outcome.state).toBe(state);
    expect(outcome.error).toBe("boom");
    expect(failureEventKind(outcome)).toBe(`task.${state}`);
    if (outcome.state === "failed") expect(outcome.runAt).toBe(NOW + 250);
    else expect(outcome).not.toHaveProperty("runAt");
  });

  it("keeps at most MAX_ERROR_CHARS of the message", () => {
    const outcome = failureOutcome(
      { attempts: 1, maxAttempts: 1 },
      { message: "x".repeat(MAX_ERROR_CHARS + 10), retryable: false, retryDelayMs: 0 },
      NOW,
    );
    expect(outcome.error).toHaveLength(MAX_ERROR_CHARS);
  });

  it("retries a lapsed incarnation's attempt at once, while attempts remain", () => {
    const failure = lapsedIncarnationFailure("worker w-a re-registered");
    expect(failureOutcome({ attempts: 1, maxAttempts: 2 }, failure, NOW)).toEqual({
      state: "failed",
      error: "worker w-a re-registered",
      runAt: NOW,
    });
    expect(failureOutcome({ attempts: 2, maxAttempts: 2 }, failure, NOW).state).toBe("dead");
  });
});

describe("retryDelayMs: exponential backoff with ±20 % jitter", () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [9, 256_000],
    [10, 300_000],
    [30, 300_000],
  ])("attempt %i centres on %i ms", (attempt, centre) => {
    expect(retryDelayMs(attempt, 1000, 300_000, () => 0.5)).toBe(centre);
    expect(retryDelayMs(attempt, 1000, 300_000, () => 0)).toBe(Math.round(centre * 0.8));
    expect(retryDelayMs(attempt, 1000, 300_000, () => 1)).toBe(Math.round(centre * 1.2));
  });
});
