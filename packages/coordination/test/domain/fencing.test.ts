import { describe, expect, it } from "vitest";
import {
  assertAttemptFence,
  assertStartFence,
  attemptTokenAfterRevoke,
  isOutcomeWithinLock,
  isRunningAttempt,
  shouldRelease,
} from "../../src/domain/fencing.js";
import type { TaskState } from "../../src/domain/task.js";
import { IllegalTransitionError, StaleFencingTokenError } from "../../src/errors.js";

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return null;
}

describe("assertAttemptFence (store a result, complete, fail)", () => {
  it.each([
    // token, lock's token, task state, attempt's token → error (and its `current`)
    [5, 5, "running", 5, null, undefined],
    [4, 5, "running", 4, StaleFencingTokenError, 5],
    [5, null, "running", 5, StaleFencingTokenError, null],
    [5, 5, "succeeded", 5, IllegalTransitionError, undefined],
    [5, 5, "queued", null, IllegalTransitionError, undefined],
    // The lock moved to 5 by a revoke that handed the attempt over: the old holder's 4 is refused.
    [5, 5, "running", 6, StaleFencingTokenError, 6],
  ] as const)("token %i, lock %s, %s, attempt %s → %s", (token, lockToken, state, attemptToken, error, current) => {
    const result = thrown(() =>
      assertAttemptFence({ taskId: "t1", token, lockToken, state, attemptToken, target: "succeeded" }),
    );
    if (error === null) return expect(result).toBeNull();
    expect(result).toBeInstanceOf(error);
    if (result instanceof StaleFencingTokenError) expect(result.current).toBe(current);
    if (result instanceof IllegalTransitionError) expect(result.to).toBe("succeeded");
  });
});

describe("assertStartFence", () => {
  const holder = { ownerId: "w-a", token: 7 };
  it.each([
    ["the live holder with the current token", 7, 7, "w-a", holder, null],
    ["an old token", 6, 7, "w-a", holder, 7],
    ["another worker", 7, 7, "w-b", holder, null],
    ["a lock with no live holder", 7, 7, "w-a", null, null],
    ["a holder of another token", 7, 7, "w-a", { ownerId: "w-a", token: 8 }, null],
  ] as const)("%s", (name, token, lockToken, workerId, liveHolder, current) => {
    const result = thrown(() => assertStartFence({ taskId: "t1", token, lockToken, workerId, liveHolder }));
    if (name.startsWith("the live holder")) return expect(result).toBeNull();
    expect(result).toBeInstanceOf(StaleFencingTokenError);
    expect((result as StaleFencingTokenError).current).toBe(current);
  });
});

describe("shouldRelease", () => {
  it.each([
    [3, 3, true, true],
    [3, 3, false, false],
  ] as const)("token %i of lock %i, held %s → release %s", (token, lockToken, held, expected) => {
    expect(shouldRelease({ taskId: "t1", token, lockToken, held })).toBe(expected);
  });

  it("refuses a stale token even when the lock is free", () => {
    expect(() => shouldRelease({ taskId: "t1", token: 2, lockToken: 3, held: false })).toThrow(StaleFencingTokenError);
  });
});

describe("isRunningAttempt", () => {
  it.each([
    ["running", 4, 4, true],
    ["running", 5, 4, false],
    ["failed", 4, 4, false],
    ["succeeded", 4, 4, false],
    ["queued", null, 4, false],
  ] as const)("%s task on token %s, attempt %i → %s", (state, fencingToken, token, expected) => {
    expect(isRunningAttempt({ state: state as TaskState, fencingToken }, token)).toBe(expected);
  });
});

describe("attemptTokenAfterRevoke", () => {
  it.each([
    ["running", 4, 4, 5, 5],
    ["running", 3, 4, 5, 3],
    ["queued", null, 4, 5, null],
    ["failed", 4, 4, 5, 4],
  ] as const)(
    "%s attempt with token %s, lock %i → %i: attempt token %s",
    (state, fencingToken, before, after, expected) => {
      expect(attemptTokenAfterRevoke({ state: state as TaskState, fencingToken }, before, after)).toBe(expected);
    },
  );
});

describe("isOutcomeWithinLock (an outcome dated by the store, at whole-second resolution)", () => {
  it.each([
    // the write's dated second, the lock's expiry, the first revoking record's date → counts
    [10_000, 12_000, null, true],
    // The whole second must end by the expiry: a write dated 11 s may have landed at 11.999.
    [11_000, 12_000, null, true],
    [11_000, 11_500, null, false],
    [12_000, 12_000, null, false],
    // Signed in time but written 30 s after the lock ran out (a write held in a budget queue).
    [42_000, 12_000, null, false],
    // A recovery dated after the write's second: the write came first.
    [10_000, 60_000, 11_000, true],
    // Same second as the recovery: the order is unknown, the write counts (the recovery does not).
    [11_000, 60_000, 11_000, true],
    // A recovery in an earlier second took the attempt away before the write.
    [12_000, 60_000, 11_000, false],
  ] as const)("written %i, expires %i, revoked %s → %s", (writtenAt, expiresAt, revokedAt, counts) => {
    expect(isOutcomeWithinLock({ writtenAt, resolutionMs: 1000, expiresAt, revokedAt })).toBe(counts);
  });
});
