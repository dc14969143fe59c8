import { type AssignmentDecision, MAX_ALTERNATIVES } from "../domain/assignment-decision.js";
import type { Candidate, Selection } from "./load-balancer.js";
import type { StrategyName } from "./types.js";

/** Scores are kept to 4 decimals: enough to compare, and a claim record does not carry float noise. */
const round = (n: number) => Math.round(n * 10_000) / 10_000;
const roundParts = (parts: Record<string, number>) =>
  Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(v)]));

/**
 * The "why this worker" of one claim: the strategy, the claiming worker's own score breakdown
 * and the best other eligible workers of the same selection, best first (ties by id, as the
 * selection breaks them).
 */
export function explainAssignment(input: {
  strategy: StrategyName;
  selfId: string;
  reason: AssignmentDecision["reason"];
  selection: Selection;
}): AssignmentDecision {
  const { selection, selfId } = input;
  const eligible = selection.candidates.filter((c) => c.eligible);
  const self: Candidate | undefined = eligible.find((c) => c.workerId === selfId);
  const alternatives = eligible
    .filter((c) => c.workerId !== selfId)
    .sort((a, b) => b.score - a.score || (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0))
    .slice(0, MAX_ALTERNATIVES)
    .map((c) => ({ workerId: c.workerId, score: round(c.score), parts: roundParts(c.breakdown) }));
  return {
    strategy: input.strategy,
    reason: input.reason,
    preferred: selection.workerId,
    score: self ? round(self.score) : null,
    parts: self ? roundParts(self.breakdown) : {},
    alternatives,
    eligible: eligible.length,
    considered: selection.candidates.length,
  };
}
