/**
 * When a task the shared strategy gave to someone else becomes open to any worker with room.
 * The assignee needs `graceMs` (configured: its poll and claim) plus the store's
 * `claimVisibilityMs` (the task reaching every worker's view, then the assignee's claim
 * reaching theirs) before a missing claim means something: with less, every idle worker on
 * a lagging store sees the task still unclaimed and claims it too, and all but one claim are
 * wasted writes (docs/github-backend.md, _Who claims a task_).
 */
export function effectiveGraceMs(graceMs: number, claimVisibilityMs: number): number {
  return graceMs + Math.max(0, claimVisibilityMs);
}

/**
 * Grace counts from the task's runAt, a value every worker reads alike, so workers agree on
 * when a task opens up whatever moment each first saw it; a task whose assignee died or never
 * claims opens to the others once it has waited longer than `graceMs` (never starves).
 */
export function isPastGrace(runAt: number, now: number, graceMs: number): boolean {
  return now - runAt > graceMs;
}
