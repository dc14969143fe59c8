import type { FailureOutcome } from "../../../domain/attempt-failure.js";
import type { AttemptEnd } from "../records/record-schemas.js";

/** The end record of a failed attempt, from the outcome domain/attempt-failure.ts decided. */
export function failureEnd(outcome: FailureOutcome, now: number): AttemptEnd {
  return outcome.state === "failed"
    ? { state: "failed", at: now, error: outcome.error, runAt: outcome.runAt }
    : { state: "dead", at: now, error: outcome.error };
}
